from django.contrib import admin
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from operator_site.pagecache import BumpOnActionsAdmin
from operator_site.text import PlainTextAdmin

from . import requests
from .models import Review, ReviewRequest


@admin.register(Review)
class ReviewAdmin(BumpOnActionsAdmin, PlainTextAdmin, admin.ModelAdmin):
    list_display = [
        "first_name",
        "country",
        "trek",
        "rating",
        "trip_date",
        "source",
        "is_published",
    ]
    list_filter = ["is_published", "trek", "rating", "source", "language"]
    list_select_related = ["trek"]
    search_fields = ["first_name", "country", "text"]
    date_hierarchy = "trip_date"
    actions = ["publish", "unpublish"]
    # A link typed without its scheme is taken as https://, as Django 6 will.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fields = [
        "trek",
        ("first_name", "country"),
        ("trip_date", "rating"),
        "text",
        "language",
        ("source", "source_url"),
        "is_published",
    ]

    @admin.action(description=_("Publish the selected reviews"))
    def publish(self, request, queryset):
        queryset.update(is_published=True)

    @admin.action(description=_("Unpublish the selected reviews"))
    def unpublish(self, request, queryset):
        queryset.update(is_published=False)


@admin.register(ReviewRequest)
class ReviewRequestAdmin(admin.ModelAdmin):
    """Staff ask for a review by giving a won request the day its trip ends."""

    list_display = ["inquiry", "trip_ended_on", "send", "e_mail", "withheld"]
    list_filter = ["send", "message__status"]
    list_select_related = ["inquiry", "message"]
    search_fields = ["inquiry__name", "inquiry__email"]
    autocomplete_fields = ["inquiry"]
    fields = ["inquiry", "trip_ended_on", "send", "e_mail", "withheld"]
    readonly_fields = ["e_mail", "withheld"]

    @admin.display(description=_("e-mail"))
    def e_mail(self, obj):
        message = obj.message
        if message is None:
            return "–"
        if message.status == message.Status.QUEUED:
            return _("%(status)s (from %(time)s)") % {
                "status": message.get_status_display(),
                "time": date_format(
                    timezone.localtime(message.not_before), "SHORT_DATETIME_FORMAT"
                ),
            }
        return message.get_status_display()

    def save_model(self, request, obj, form, change):
        # Queues (or moves, or cancels) the e-mail in the outbox for the day after the trip.
        requests.schedule(obj)
