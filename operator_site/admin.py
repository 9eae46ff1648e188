from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import ContentPage
from .pagecache import BumpOnActionsAdmin
from .translation_admin import TranslatedContentAdmin, TranslationStatusFilter


@admin.register(ContentPage)
class ContentPageAdmin(BumpOnActionsAdmin, TranslatedContentAdmin):
    list_display = [
        "title",
        "slug",
        "is_published",
        "show_in_nav",
        "position",
        "to_translate",
        "updated_at",
    ]
    list_editable = ["is_published", "show_in_nav", "position"]
    list_filter = ["is_published", "show_in_nav", TranslationStatusFilter]
    search_fields = ["title_en", "title_es", "summary_en", "summary_es", "body_en", "body_es"]
    prepopulated_fields = {"slug": ["title"]}
    fields = [
        "title",
        "slug",
        "nav_label",
        "summary",
        "body",
        "is_published",
        "show_in_nav",
        "position",
    ]
    actions = ["publish", "unpublish"]

    @admin.action(description=_("Publish the selected pages"))
    def publish(self, request, queryset):
        updated = queryset.update(is_published=True)
        self.message_user(request, _("%(count)d pages published.") % {"count": updated})

    @admin.action(description=_("Unpublish the selected pages"))
    def unpublish(self, request, queryset):
        updated = queryset.update(is_published=False)
        self.message_user(request, _("%(count)d pages unpublished.") % {"count": updated})
