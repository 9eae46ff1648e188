"""A post's texts in English and Spanish (django-modeltranslation, as treks/translation.py)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Post


@register(Post)
class PostTranslation(TranslationOptions):
    fields = ("title", "slug", "summary", "body", "cover_alt")
    empty_values = {"slug": None}
