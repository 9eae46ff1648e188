from django.contrib import admin
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from .models import ContentPage, OperatorDetails, ToConfirm
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


class ToConfirmStatusFilter(admin.SimpleListFilter):
    """Opens on what is still to confirm: the list staff work through before launch."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("open", _("To confirm")), ("confirmed", _("Confirmed")), ("all", _("All"))]

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": (self.value() or "open") == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value() or "open"
        if value == "open":
            return queryset.open()
        if value == "confirmed":
            return queryset.filter(confirmed_at__isnull=False)
        return queryset


@admin.register(ToConfirm)
class ToConfirmAdmin(admin.ModelAdmin):
    list_display = ["claim", "where", "field", "note", "confirmed_at"]
    list_filter = [ToConfirmStatusFilter, "content_type"]
    list_select_related = ["content_type"]
    search_fields = ["claim", "note", "field"]
    fields = ["content_type", "object_id", "field", "claim", "note", "confirmed_at"]
    actions = ["confirm", "reopen"]

    @admin.display(description=_("where"))
    def where(self, item):
        content = item.content
        if content is None:
            return _("(deleted)")
        opts = content._meta
        try:
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[content.pk])
        except NoReverseMatch:
            return str(content)
        return format_html('<a href="{}">{}: {}</a>', url, opts.verbose_name, content)

    @admin.action(description=_("Mark the selected facts as confirmed"))
    def confirm(self, request, queryset):
        updated = queryset.open().update(confirmed_at=timezone.now())
        self.message_user(request, _("%(count)d facts confirmed.") % {"count": updated})

    @admin.action(description=_("Put the selected facts back on the list"))
    def reopen(self, request, queryset):
        updated = queryset.update(confirmed_at=None)
        self.message_user(request, _("%(count)d facts to confirm again.") % {"count": updated})


@admin.register(OperatorDetails)
class OperatorDetailsAdmin(TranslationAdmin):
    """One record: it can be neither added twice nor deleted. Saving it
    bumps the page cache's version (operator_site.pagecache.watch), so that every page shows the
    new details on its next request."""

    # Profile addresses are https:// only: one typed without a scheme gets https://.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["name", "phone", "whatsapp", "email", "address", "hours"]}),
        (_("Who the operator is"), {"fields": ["legal_name", "ruc", "licence"]}),
        (
            _("Pages elsewhere"),
            {"fields": ["tripadvisor_url", "google_reviews_url", "facebook_url", "instagram_url"]},
        ),
    ]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not OperatorDetails.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
