"""{% catalogue_cache "name" [value ...] %}...{% endcatalogue_cache %}: a template fragment that
is the same for every visitor, cached per catalogue version (see `treks.caching`), language and
the values given. Querysets used only inside the fragment are not even run when it is cached.
Never put anything per visitor inside one: a form, a CSRF token, a message, the user's name."""

import hashlib

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from treks.caching import cached, catalogue_version

register = template.Library()


class CatalogueCacheNode(template.Node):
    def __init__(self, nodelist, name, vary_on):
        self.nodelist = nodelist
        self.name = name
        self.vary_on = vary_on

    def render(self, context):
        version = catalogue_version()
        key = None
        if version:
            values = [str(value.resolve(context)) for value in self.vary_on]
            vary = hashlib.sha256("\x1f".join(values).encode()).hexdigest()[:16]
            key = f"treks:fragment:{self.name.resolve(context)}:{get_language()}:{vary}:{version}"
        return mark_safe(cached(key, lambda: str(self.nodelist.render(context))))  # noqa: S308


@register.tag
def catalogue_cache(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(f"{bits[0]} needs a fragment name")
    nodelist = parser.parse(("endcatalogue_cache",))
    parser.delete_first_token()
    return CatalogueCacheNode(
        nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(b) for b in bits[2:]]
    )
