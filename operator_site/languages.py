"""The site's two languages: which content still lacks its Spanish text, and the addresses of
one page in every language.

Content fields have a column per language (django-modeltranslation, see treks/translation.py):
`trek.name` reads the active language's and falls back to English when it is empty. What falls
back is shown inside an element marked lang="en" (`site_tags.lang_of`) and listed for staff as
"to translate" (`TranslationStatusFilter`).
"""

from django.conf import settings
from django.db.models import Q
from django.urls import NoReverseMatch, Resolver404, resolve, reverse, translate_url
from django.utils import translation
from modeltranslation.translator import NotRegistered, translator
from modeltranslation.utils import build_localized_fieldname

DEFAULT = settings.LANGUAGE_CODE
OTHER_LANGUAGES = [code for code, _name in settings.LANGUAGES if code != DEFAULT]
# Addresses are not prose: a slug without its own translation uses the English one.
NOT_PROSE = {"slug"}
# What Open Graph calls each language: British English (the site's spelling) and Peru's Spanish.
OG_LOCALES = {"en": "en_GB", "es": "es_PE"}


def translated_fields(model):
    """The translated fields of `model` (the base names: "name", "summary"), in the model's
    order, or ()."""
    try:
        names = set(translator.get_options_for_model(model).fields)
    except NotRegistered:
        return ()
    return tuple(field.name for field in model._meta.fields if field.name in names)


def prose_fields(model):
    return [name for name in translated_fields(model) if name not in NOT_PROSE]


def _filled(column):
    return Q(**{f"{column}__isnull": False}) & ~Q(**{column: ""})


def missing_translation(model):
    """A Q for the rows with an English text whose Spanish twin is empty: 'to translate'."""
    condition = Q(pk__in=[])
    for name in prose_fields(model):
        english = build_localized_fieldname(name, DEFAULT)
        for code in OTHER_LANGUAGES:
            condition |= _filled(english) & ~_filled(build_localized_fieldname(name, code))
    return condition


def untranslated(obj, code):
    """The verbose names of `obj`'s fields that have English text and none in `code`."""
    missing = []
    for name in prose_fields(type(obj)):
        if getattr(obj, build_localized_fieldname(name, DEFAULT), None) and not getattr(
            obj, build_localized_fieldname(name, code), None
        ):
            missing.append(str(type(obj)._meta.get_field(name).verbose_name))
    return missing


def fill_missing_slugs(obj):
    """Give every language a slug (the English one until staff write their own), so that a page
    answers at an address in every language, and `filter(slug=...)` finds it in each."""
    english = getattr(obj, build_localized_fieldname("slug", DEFAULT), None)
    for code, _name in settings.LANGUAGES:
        column = build_localized_fieldname("slug", code)
        if not getattr(obj, column, None):
            setattr(obj, column, english or getattr(obj, "slug", ""))


def page_addresses(request, obj=None):
    """{language code: path} of the page `request` shows, in every language; {} when there
    is none (an error page, or a page outside the translated addresses, such as admin).

    An object's page (a trek, a destination, a content page) is asked for its own address in
    each language, since its slug may be translated too; any other page keeps its arguments and
    changes its language prefix and translated path."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return {}
    if obj is not None and hasattr(obj, "get_absolute_url") and translated_fields(type(obj)):
        addresses = {}
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                try:
                    addresses[code] = obj.get_absolute_url()
                except NoReverseMatch:
                    return {}
        return addresses
    if not match.url_name:
        return {}
    addresses = {}
    for code, _name in settings.LANGUAGES:
        address = translate_url(request.path, code)
        if code != translation.get_language() and address == request.path:
            return {}  # not a translated address (admin, healthz): nothing to offer
        addresses[code] = address
    return addresses


def contact_path():
    """The request form's address in the active language, once the form exists (it is
    another app's page), else None."""
    try:
        return reverse("inquiries:contact")
    except NoReverseMatch:
        return None
