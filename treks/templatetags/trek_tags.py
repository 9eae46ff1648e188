from django import template
from django.utils.formats import get_format
from django.utils.translation import pgettext

from operator_site.templatetags.site_tags import json_ld

register = template.Library()
register.simple_tag(json_ld)


@register.filter
def km(value):
    """12.0 -> "12", 7.5 -> "7.5" ("7,5" in Spanish): distances without a useless trailing
    zero, with the active language's decimal separator (Django's locale formats)."""
    if value is None:
        return ""
    text = f"{float(value):.1f}"
    if text.endswith(".0"):
        return text[:-2]
    return text.replace(".", get_format("DECIMAL_SEPARATOR"))


@register.filter
def metres(value):
    """4450 -> "4,450" ("4.450" in Spanish): altitudes the way maps print them, grouped with
    the active language's thousand separator (Django's locale formats)."""
    if value is None:
        return ""
    return f"{int(value):,}".replace(",", get_format("THOUSAND_SEPARATOR"))


@register.filter
def altitude(value):
    """An altitude with its unit as each language writes it: "4,450 m", "4 450 m s. n. m."."""
    if value is None:
        return ""
    return pgettext("altitude above sea level", "%(metres)s m") % {"metres": metres(value)}


@register.filter
def coord(value):
    """123.456 -> "123.5": an SVG coordinate. Like floatformat:1 but never localised, and ten
    times faster, which counts on a chart with a hundred of them."""
    return f"{float(value):.1f}"
