from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.redirects.models import Redirect
from django.contrib.sites.models import Site
from django.db import models
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice
from modeltranslation.admin import TranslationAdmin

from .models import ContentPage, NotFoundPath, OperatorDetails, ToConfirm
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


class StaffTOTPDeviceAdmin(TOTPDeviceAdmin):
    """django-otp's pages of an authenticator key (its text and QR code), where an id that names
    no device is a 404: django-otp's own views let DoesNotExist through, a 500."""

    def config_view(self, request, pk):
        get_object_or_404(TOTPDevice, pk=pk)
        return super().config_view(request, pk)

    def qrcode_view(self, request, pk):
        get_object_or_404(TOTPDevice, pk=pk)
        return super().qrcode_view(request, pk)


admin.site.unregister(TOTPDevice)
admin.site.register(TOTPDevice, StaffTOTPDeviceAdmin)


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
        # The migration makes the row (and prepare_site again if it was deleted by hand): no
        # query on every admin page to find out whether it may be added.
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RedirectForm(forms.ModelForm):
    """An old address of this site (a path: /old-page.html, /es/pagina-vieja/) to a page of
    this one (a path) or elsewhere (https://...), or to nothing (410 Gone)."""

    class Meta:
        model = Redirect
        fields = ["old_path", "new_path"]
        help_texts = {
            "old_path": _(
                "The old address, without the domain: /lares-trek.html or /es/lares/. With its "
                "query string if it had one."
            ),
            "new_path": _(
                "Where visitors go instead: a path of this site (/treks/lares-trek/, "
                "/es/caminatas/caminata-lares/) or an https:// address. Empty: the page is gone "
                "for good (410)."
            ),
        }

    def clean_old_path(self):
        old = self.cleaned_data["old_path"].strip()
        if not old.startswith("/") or old.startswith("//"):
            raise forms.ValidationError(
                _("Start the old address with “/”, without the domain: /lares-trek.html.")
            )
        duplicate = Redirect.objects.filter(site_id=settings.SITE_ID, old_path=old)
        if duplicate.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("This old address already has a redirect."))
        return old

    def clean_new_path(self):
        new = self.cleaned_data["new_path"].strip()
        if new and not (
            (new.startswith("/") and not new.startswith("//")) or new.startswith("https://")
        ):
            raise forms.ValidationError(
                _("Enter a path of this site starting with “/”, or an https:// address.")
            )
        return new

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("old_path") and cleaned.get("old_path") == cleaned.get("new_path"):
            self.add_error("new_path", _("An address cannot redirect to itself."))
        return cleaned


admin.site.unregister(Redirect)


@admin.register(Redirect)
class RedirectAdmin(admin.ModelAdmin):
    """Permanent (301) redirects from the old site's addresses, in any language; used only
    when the address is not a page of this site (RedirectFallbackMiddleware acts on 404s)."""

    form = RedirectForm
    list_display = ["old_path", "new_path"]
    search_fields = ["old_path", "new_path"]

    def save_model(self, request, obj, form, change):
        obj.site = Site.objects.get_current()
        super().save_model(request, obj, form, change)


@admin.register(NotFoundPath)
class NotFoundPathAdmin(admin.ModelAdmin):
    """The addresses visitors asked for that gave a 404, most asked for first: each with a
    link that opens a new redirect for it."""

    list_display = ["path", "hits", "last_seen", "first_seen", "redirect"]
    search_fields = ["path"]
    readonly_fields = ["path", "hits", "first_seen", "last_seen"]
    fields = readonly_fields

    def get_queryset(self, request):
        redirects = Redirect.objects.filter(site_id=settings.SITE_ID, old_path=OuterRef("path"))
        return super().get_queryset(request).annotate(redirected=Exists(redirects))

    def has_add_permission(self, request):
        return False  # only visitors' 404s make rows

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("redirect"))
    def redirect(self, row):
        if row.redirected:
            return _("redirected")
        url = reverse("admin:redirects_redirect_add") + "?" + urlencode({"old_path": row.path})
        return format_html('<a href="{}">{}</a>', url, _("Make a redirect"))
