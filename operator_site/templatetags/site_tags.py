import json

from django import template
from django.conf import settings
from django.utils.safestring import mark_safe

register = template.Library()

# The characters that could end a <script> element or open a comment inside one.
_SCRIPT_ESCAPES = str.maketrans({"<": "\\u003C", ">": "\\u003E", "&": "\\u0026"})


@register.simple_tag
def json_ld(data):
    """A <script type="application/ld+json"> block that no value can break out of."""
    payload = json.dumps(data, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{payload}</script>')  # noqa: S308


@register.simple_tag
def breadcrumb_json_ld(crumbs):
    """schema.org BreadcrumbList for the same trail the page shows, with absolute URLs."""
    data = {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": str(label),
                "item": settings.SITE_URL + url,
            }
            for position, (label, url) in enumerate(crumbs, start=1)
        ],
    }
    return json_ld(data)
