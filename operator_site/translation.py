"""Content pages in every language of settings.LANGUAGES (see treks/translation.py)."""

from modeltranslation.translator import TranslationOptions, register

from .models import ContentPage


@register(ContentPage)
class ContentPageTranslation(TranslationOptions):
    fields = ("title", "slug", "nav_label", "summary", "body")
