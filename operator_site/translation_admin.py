"""Admin for content in two languages: each text with its Spanish twin beside it, and what still
has no Spanish text listed as "to translate" (a column and a filter)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from .languages import OTHER_LANGUAGES, missing_translation, untranslated
from .text import PlainTextAdmin


class TranslationStatusFilter(admin.SimpleListFilter):
    title = _("Spanish translation")
    parameter_name = "translation"

    def lookups(self, request, model_admin):
        return [("missing", _("To translate")), ("done", _("Translated"))]

    def queryset(self, request, queryset):
        missing = missing_translation(queryset.model)
        if self.value() == "missing":
            return queryset.filter(missing)
        if self.value() == "done":
            return queryset.exclude(missing)
        return queryset


class TranslatedContentAdmin(PlainTextAdmin, TranslationAdmin):
    """TranslationAdmin (every translated field as "name [en]" then "name [es]") with a "to
    translate" column and filter. Subclasses add `"to_translate"` to list_display and
    `TranslationStatusFilter` to list_filter."""

    @admin.display(description=_("to translate"))
    def to_translate(self, obj):
        missing = [name for code in OTHER_LANGUAGES for name in untranslated(obj, code)]
        return ", ".join(missing) if missing else "–"
