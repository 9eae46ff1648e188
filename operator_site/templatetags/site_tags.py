from django import template

from treks.templatetags.trek_tags import json_ld

register = template.Library()


@register.simple_tag(takes_context=True)
def breadcrumb_json_ld(context, crumbs):
    """schema.org BreadcrumbList for the same trail the page shows, with absolute URLs."""
    request = context["request"]
    data = {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": str(label),
                "item": request.build_absolute_uri(url),
            }
            for position, (label, url) in enumerate(crumbs, start=1)
        ],
    }
    return json_ld(data)
