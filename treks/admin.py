from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationStackedInline, TranslationTabularInline

from operator_site.pagecache import BumpOnActionsAdmin
from operator_site.text import PlainTextAdmin
from operator_site.translation_admin import TranslatedContentAdmin, TranslationStatusFilter

from . import images, signals
from .forms import RecurringDeparturesForm
from .models import (
    Departure,
    Destination,
    ItineraryStage,
    Place,
    TravelStyle,
    Trek,
    TrekFAQ,
    TrekImage,
)
from .templatetags.trek_tags import km


def elevation_warnings(stages):
    """Walking stages whose ascent or descent is smaller than their places' altitudes require:
    a stage climbs at least from its start to its highest point (its rise) and goes down at
    least from there to its end (its drop). After an altitude edit the typed figures can lag."""
    warnings = []
    for stage in stages:
        if not stage.is_walk:
            continue
        top = stage.top_altitude_m
        figures = {
            "trek": stage.trek.name,
            "day": stage.day,
            "order": stage.order,
            "title": stage.title,
            "ascent": stage.ascent_m,
            "descent": stage.descent_m,
            "rise": top - stage.start_place.altitude_m,
            "drop": top - stage.end_place.altitude_m,
        }
        if stage.ascent_m < figures["rise"]:
            warnings.append(
                gettext(
                    "%(trek)s, day %(day)s.%(order)s (%(title)s): the ascent, %(ascent)s m, is "
                    "less than the rise from its start to its highest point, %(rise)s m."
                )
                % figures
            )
        if stage.descent_m < figures["drop"]:
            warnings.append(
                gettext(
                    "%(trek)s, day %(day)s.%(order)s (%(title)s): the descent, %(descent)s m, is "
                    "less than the drop from its highest point to its end, %(drop)s m."
                )
                % figures
            )
    return warnings


def _stages_of(treks):
    return ItineraryStage.objects.filter(trek__in=treks).select_related(
        "trek", "start_place", "end_place", "highest_place"
    )


def warn_about_elevations(request, stages):
    for warning in elevation_warnings(stages):
        messages.warning(request, warning)


class ItineraryStageInline(PlainTextAdmin, TranslationStackedInline):
    model = ItineraryStage
    extra = 0
    autocomplete_fields = ["start_place", "end_place", "highest_place"]
    fields = [
        ("day", "order", "mode"),
        "title",
        ("start_place", "highest_place", "end_place"),
        ("distance_km", "hours", "ascent_m", "descent_m"),
        ("overnight", "meals"),
        "description",
    ]


class TrekImageForm(forms.ModelForm):
    # A plain FileField: images.validated_image() does all the checking, with messages that say
    # what is wrong (Django's ImageField would answer "Upload a valid image" to everything).
    image = forms.FileField(
        label=_("photo"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=format_lazy(
            _(
                "A JPEG, PNG or WebP photo, at most {size} and {mp} megapixels. Location data "
                "is removed and the photo is turned upright; smaller copies are made for the site."
            ),
            size=f"{images.MAX_UPLOAD_BYTES // (1024 * 1024)} MB",
            mp=images.MAX_PIXELS // 1_000_000,
        ),
    )

    class Meta:
        model = TrekImage
        fields = ["trek", "image", "alt_text", "caption", "position"]

    def clean_image(self):
        upload = self.cleaned_data["image"]
        if not isinstance(upload, UploadedFile):
            return upload  # the photo already stored, unchanged
        return images.cleaned_upload(upload)


def photo_preview(photo):
    """The smallest rendition, so staff see which photo a row is without opening it."""
    files = photo.picture.files("image/jpeg") if photo.pk else []
    if not files:
        return "–"
    return format_html(
        '<img src="{}" width="160" height="{}" alt="">',
        photo.image.storage.url(files[0]["name"]),
        round(160 * files[0]["height"] / files[0]["width"]),
    )


class TrekImageInline(PlainTextAdmin, TranslationTabularInline):
    model = TrekImage
    form = TrekImageForm
    extra = 0
    fields = ["preview", "image", "alt_text", "caption", "position"]
    readonly_fields = ["preview"]

    @admin.display(description=_("preview"))
    def preview(self, photo):
        return photo_preview(photo)


class TrekFAQInline(PlainTextAdmin, TranslationStackedInline):
    model = TrekFAQ
    extra = 0


@admin.register(Trek)
class TrekAdmin(BumpOnActionsAdmin, TranslatedContentAdmin):
    list_display = [
        "name",
        "is_published",
        "to_translate",
        "destination",
        "difficulty",
        "walking_distance",
        "advertised_distance_km",
        "popularity",
        "updated_at",
    ]
    list_editable = ["popularity"]
    list_filter = [
        "is_published",
        TranslationStatusFilter,
        "destination",
        "styles",
        "difficulty",
        "permits_required",
    ]
    list_select_related = ["destination"]
    # Both languages: staff find a trek by its English or its Spanish text.
    search_fields = ["name_en", "name_es", "slug_en", "slug_es", "summary_en", "summary_es"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["start_place", "end_place"]
    filter_horizontal = ["styles", "alternatives"]
    readonly_fields = ["derived_facts", "created_at", "updated_at"]
    inlines = [ItineraryStageInline, TrekImageInline, TrekFAQInline]
    actions = ["publish", "unpublish"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "is_published", "popularity", "summary"]}),
        (
            _("Facts"),
            {
                "fields": [
                    "derived_facts",
                    ("destination", "difficulty", "crowds"),
                    ("start_place", "end_place"),
                    ("permits_required", "permit_note"),
                    "best_season",
                    ("group_size_min", "group_size_max"),
                    ("price_from", "currency", "deposit_percent"),
                    "price_tiers",
                    "advertised_distance_km",
                    "styles",
                ]
            },
        ),
        (_("Text"), {"fields": ["description", "route_description", "highlights"]}),
        (_("Included"), {"fields": ["includes", "excludes"]}),
        (
            _("Responsible travel"),
            {"fields": [("porter_load_kg", "horse_load_kg"), "community_visits", "waste"]},
        ),
        (
            _("For travellers who booked"),
            {"fields": ["meeting_place", "pickup_time", "packing_list"]},
        ),
        (_("Alternatives"), {"fields": ["alternatives"]}),
        (_("History"), {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_stages()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        warn_about_elevations(request, _stages_of([form.instance]))

    @admin.display(description=_("walking distance (from stages)"))
    def walking_distance(self, trek):
        facts = trek.facts
        text = f"{km(facts.walking_distance_km)} km"
        if trek.distance_mismatch(facts):
            return format_html('<strong class="errornote">{} ⚠</strong>', text)
        return text

    @admin.display(description=_("from the stages"))
    def derived_facts(self, trek):
        if trek.pk is None:
            return _("Save the trek with its stages to see the figures they add up to.")
        facts = trek.facts
        summary = format_html(
            "{} days ({} on foot) · {} km walking · {} h · highest {} m · ascent {} m / "
            "descent {} m",
            facts.days,
            facts.walking_days,
            km(facts.walking_distance_km),
            km(facts.walking_hours),
            facts.max_altitude_m or "–",
            facts.ascent_m,
            facts.descent_m,
        )
        mismatch = trek.distance_mismatch(facts)
        if mismatch:
            return format_html(
                '{}<p class="errornote">The advertised distance ({} km) differs from the '
                "walking stages ({} km) by {}%. Correct the stages or the advertised figure.</p>",
                summary,
                km(trek.advertised_distance_km),
                km(facts.walking_distance_km),
                round(mismatch * 100),
            )
        return summary

    @admin.action(description=_("Publish the selected treks"))
    def publish(self, request, queryset):
        updated = queryset.update(is_published=True, updated_at=timezone.now())
        self.message_user(request, _("%(count)d treks published.") % {"count": updated})

    @admin.action(description=_("Unpublish the selected treks"))
    def unpublish(self, request, queryset):
        updated = queryset.update(is_published=False, updated_at=timezone.now())
        self.message_user(request, _("%(count)d treks unpublished.") % {"count": updated})


@admin.register(Place)
class PlaceAdmin(BumpOnActionsAdmin, TranslatedContentAdmin):
    list_display = ["name", "altitude_m", "latitude", "longitude", "note", "to_translate"]
    list_filter = [TranslationStatusFilter]
    search_fields = ["name_en", "name_es", "note_en", "note_es"]
    ordering = ["name"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not (change and "altitude_m" in form.changed_data):
            return
        used = Q(start_place=obj) | Q(end_place=obj) | Q(highest_place=obj)
        treks = list(Trek.objects.filter(stages__in=ItineraryStage.objects.filter(used)).distinct())
        if treks:
            # A place is shared: the edit moves every trek that passes it, not only the one
            # the editor had in mind.
            names = ", ".join(trek.name for trek in treks)
            messages.warning(
                request,
                ngettext(
                    "%(place)s is on %(count)d trek: %(names)s. Its new altitude shows there.",
                    "%(place)s is on %(count)d treks: %(names)s. Its new altitude shows on all "
                    "of them.",
                    len(treks),
                )
                % {"place": obj.name, "count": len(treks), "names": names},
            )
            warn_about_elevations(request, _stages_of(treks))


class _CollectionAdmin(BumpOnActionsAdmin, TranslatedContentAdmin):
    list_display = ["name", "slug", "position", "trek_count", "to_translate"]
    list_filter = [TranslationStatusFilter]
    list_editable = ["position"]
    search_fields = ["name_en", "name_es", "summary_en", "summary_es"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(trek_count=Count("treks"))

    @admin.display(description=_("treks"), ordering="trek_count")
    def trek_count(self, obj):
        return obj.trek_count


@admin.register(Destination)
class DestinationAdmin(_CollectionAdmin):
    pass


@admin.register(TravelStyle)
class TravelStyleAdmin(_CollectionAdmin):
    pass


@admin.register(ItineraryStage)
class ItineraryStageAdmin(BumpOnActionsAdmin, TranslatedContentAdmin):
    list_display = ["trek", "day", "order", "mode", "title", "distance_km", "hours", "to_translate"]
    list_filter = ["trek", "mode", TranslationStatusFilter]
    list_select_related = ["trek"]
    search_fields = ["title_en", "title_es", "trek__name_en", "trek__name_es"]
    autocomplete_fields = ["start_place", "end_place", "highest_place"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        warn_about_elevations(request, [obj])


@admin.register(TrekImage)
class TrekImageAdmin(BumpOnActionsAdmin, TranslatedContentAdmin):
    form = TrekImageForm
    fields = ["trek", "preview", "image", "alt_text", "caption", "position"]
    readonly_fields = ["preview"]
    list_display = ["preview", "alt_text", "trek", "position", "to_translate"]

    @admin.display(description=_("preview"))
    def preview(self, photo):
        return photo_preview(photo)

    list_filter = ["trek", TranslationStatusFilter]
    list_select_related = ["trek"]
    search_fields = ["alt_text_en", "alt_text_es", "caption_en", "caption_es"]


@admin.register(TrekFAQ)
class TrekFAQAdmin(BumpOnActionsAdmin, TranslatedContentAdmin):
    list_display = ["question", "trek", "position", "to_translate"]
    list_filter = ["trek", TranslationStatusFilter]
    list_select_related = ["trek"]
    search_fields = ["question_en", "question_es", "answer_en", "answer_es"]


@admin.register(Departure)
class DepartureAdmin(BumpOnActionsAdmin, PlainTextAdmin, admin.ModelAdmin):
    list_display = [
        "start_date",
        "trek",
        "kind",
        "seats",
        "seats_held",
        "seats_left",
        "status_label",
        "price_per_person",
    ]
    list_filter = ["trek", "kind", "is_cancelled", ("start_date", admin.DateFieldListFilter)]
    list_select_related = ["trek"]
    search_fields = ["trek__name_en", "trek__name_es"]
    date_hierarchy = "start_date"
    readonly_fields = ["seats_held", "status_label", "sheet"]
    fields = [
        "trek",
        ("start_date", "kind"),
        ("seats", "guarantee_min", "seats_held"),
        "price_per_person",
        ("guide_name", "guide_phone"),
        "is_cancelled",
        "status_label",
        "sheet",
    ]
    actions = ["cancel"]
    change_list_template = "admin/treks/departure/change_list.html"

    @admin.display(description=_("seats left"))
    def seats_left(self, departure):
        return departure.seats_left

    @admin.display(description=_("status"))
    def status_label(self, departure):
        return departure.status_label if departure.pk else "–"

    @admin.display(description=_("for the guides"))
    def sheet(self, departure):
        # The sheet lives in the bookings app (it lists travellers): linked by its URL name.
        if departure.pk is None:
            return "–"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:bookings_departure_sheet", args=[departure.pk]),
            _("Printable departure sheet"),
        )

    @admin.action(description=_("Cancel the selected departures"))
    def cancel(self, request, queryset):
        updated = 0
        with transaction.atomic():
            for departure in queryset.filter(is_cancelled=False):
                # Conditional: of two staff cancelling at once, one changes the row and only
                # that one tells the travellers.
                if Departure.objects.filter(pk=departure.pk, is_cancelled=False).update(
                    is_cancelled=True
                ):
                    updated += 1
                    departure.is_cancelled = True
                    self._tell_changed(request, departure, departure.start_date, cancelled=True)
        self.message_user(request, _("%(count)d departures cancelled.") % {"count": updated})

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        # The row as it is now, locked until this save commits (admin saves in a transaction):
        # a change told twice, or not at all, when two staff save at once is not possible.
        before = Departure.objects.select_for_update().get(pk=obj.pk)
        super().save_model(request, obj, form, change)
        cancelled = obj.is_cancelled and not before.is_cancelled
        moved = obj.start_date != before.start_date and not obj.is_cancelled
        if cancelled or moved:
            self._tell_changed(request, obj, before.start_date, cancelled=cancelled)

    def _tell_changed(self, request, departure, old_start_date, *, cancelled):
        # Its travellers are told by the apps that listen (trip_messages), once per change.
        signals.departure_changed.send(
            sender=Departure,
            departure=departure,
            cancelled=cancelled,
            old_start_date=old_start_date,
            actor=request.user,
        )

    def get_urls(self):
        recurring = self.admin_site.admin_view(self.recurring_view)
        return [
            path("recurring/", recurring, name="treks_departure_recurring"),
            *super().get_urls(),
        ]

    def recurring_view(self, request):
        """Create a season of departures in one step; each is edited on its own afterwards."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = RecurringDeparturesForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            created, skipped = form.save()
            self.message_user(
                request,
                _("%(created)d departures created; %(skipped)d already existed.")
                % {"created": created, "skipped": skipped},
            )
            return redirect("admin:treks_departure_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "title": _("Create recurring departures"),
        }
        return TemplateResponse(request, "admin/treks/departure/recurring.html", context)
