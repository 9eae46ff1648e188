import json

from django import template
from django.conf import settings
from django.utils.encoding import iri_to_uri
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_info
from modeltranslation.utils import build_localized_fieldname

from operator_site.languages import DEFAULT, OG_LOCALES, page_addresses

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


@register.filter
def lang_of(obj, field):
    """` lang="en"` when `obj`'s `field` has no text in the active language, so that the English
    text shown instead is read as English: `<h1{{ trek|lang_of:"name" }}>{{ trek.name }}</h1>`.
    Nothing on an English page, or when the text is there."""
    code = get_language()
    if code == DEFAULT or obj is None:
        return ""
    if getattr(obj, build_localized_fieldname(field, code), None):
        return ""
    if not getattr(obj, build_localized_fieldname(field, DEFAULT), None):
        return ""  # no text in any language: nothing is shown
    return mark_safe(f' lang="{DEFAULT}"')  # noqa: S308 (a fixed language code)


@register.simple_tag(takes_context=True)
def page_languages(context):
    """The page in every language, for the switcher, hreflang links and og:locale:
    [{"code", "name", "url" (absolute), "path", "current", "og_locale"}], [] when the page has
    no translated address (an error page)."""
    request = context.get("request")
    if request is None or context.get("error_page"):
        return []  # an error page is not this address's content in any language
    addresses = page_addresses(request, context.get("object"))
    current = get_language()
    return [
        {
            "code": code,
            "name": get_language_info(code)["name_local"],
            "path": addresses[code],
            # From SITE_URL like the canonical link: pages are cached for every host alike.
            "url": settings.SITE_URL + iri_to_uri(addresses[code]),
            "current": code == current,
            "default": code == DEFAULT,
            "og_locale": OG_LOCALES.get(code, code),
        }
        for code, _name in settings.LANGUAGES
        if code in addresses
    ]


@register.filter
def og_locale(code):
    """Open Graph's name of a language: "en" -> "en_GB", "es" -> "es_PE"."""
    return OG_LOCALES.get(code, code)
