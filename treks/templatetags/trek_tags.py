from django import template

from operator_site.templatetags.site_tags import json_ld

register = template.Library()
register.simple_tag(json_ld)


@register.filter
def km(value):
    """12.0 -> "12", 7.5 -> "7.5": distances without a useless trailing zero."""
    if value is None:
        return ""
    text = f"{float(value):.1f}"
    return text[:-2] if text.endswith(".0") else text


@register.filter
def metres(value):
    """4450 -> "4,450": altitudes the way maps print them."""
    if value is None:
        return ""
    return f"{int(value):,}"


@register.filter
def coord(value):
    """123.456 -> "123.5": an SVG coordinate. Like floatformat:1 but never localised, and ten
    times faster, which counts on a chart with a hundred of them."""
    return f"{float(value):.1f}"
