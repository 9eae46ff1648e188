from django import template

from reviews import summary

register = template.Library()


@register.simple_tag
def latest_reviews(limit=3):
    """The newest published reviews of every trek with the average and count of all (one
    query), for the home page: a tag, so that the catalogue's home view imports no reviews."""
    return summary.latest(limit)
