"""Content pages in every language of settings.LANGUAGES (see treks/translation.py)."""

from modeltranslation.translator import TranslationOptions, register

from .models import ContentPage, OperatorDetails


@register(ContentPage)
class ContentPageTranslation(TranslationOptions):
    fields = ("title", "slug", "nav_label", "summary", "body")
    # Slugs are unique per language: an empty one is NULL until fill_missing_slugs() fills it.
    empty_values = {"slug": None}


@register(OperatorDetails)
class OperatorDetailsTranslation(TranslationOptions):
    # The hours are words ("Mon-Sat", "L-S"); the rest is the same in every language.
    fields = ("hours",)
