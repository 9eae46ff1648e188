"""Reviews as pages show them: a few of them with the average and count of all, in one query
(window aggregates over the published reviews, computed before the LIMIT)."""

from django.conf import settings
from django.db.models import Avg, Count, Window

from .models import JSON_LD_MIN_REVIEWS, Review


class Summary:
    def __init__(self, reviews):
        self.reviews = list(reviews)
        first = self.reviews[0] if self.reviews else None
        self.count = first.total if first else 0
        self.average = round(first.average, 1) if first else None

    def __bool__(self):
        return self.count > 0

    @property
    def enough_for_json_ld(self):
        return self.count >= JSON_LD_MIN_REVIEWS


def summarise(reviews, *, limit):
    rows = reviews.annotate(
        total=Window(Count("id")), average=Window(Avg("rating"))
    ).select_related("trek")[:limit]
    return Summary(rows)


def latest(limit=3):
    return summarise(Review.objects.published(), limit=limit)


def for_trek(trek, limit=50):
    return summarise(Review.objects.published().filter(trek=trek), limit=limit)


def aggregate_rating(count, average):
    return {
        "@type": "AggregateRating",
        "ratingValue": str(average),
        "reviewCount": count,
        "bestRating": 5,
        "worstRating": 1,
    }


def review_json_ld(review):
    return {
        "@type": "Review",
        "author": {"@type": "Person", "name": review.first_name},
        "datePublished": review.trip_date.isoformat(),
        "reviewBody": review.text,
        "inLanguage": review.language,
        "reviewRating": {"@type": "Rating", "ratingValue": review.rating, "bestRating": 5},
        "publisher": {"@type": "Organization", "name": review.source},
    }


def trek_reviews_json_ld(trek, summary):
    """The trek's reviews for search engines: only with enough of them, only about this trek."""
    if not summary.enough_for_json_ld:
        return None
    return {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": trek.name,
        "url": settings.SITE_URL + trek.get_absolute_url(),
        "aggregateRating": aggregate_rating(summary.count, summary.average),
        "review": [review_json_ld(r) for r in summary.reviews],
    }
