"""Reviews that travellers wrote about a trek (on Tripadvisor, Google, by e-mail) and that staff
copy in admin with their source. Never invented: a trek without published reviews shows none.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from treks.models import Trek

# Search engines' review snippets need a handful of reviews to mean anything.
JSON_LD_MIN_REVIEWS = 3


class ReviewQuerySet(models.QuerySet):
    def published(self):
        """The one definition of what the public may see."""
        return self.filter(is_published=True, trek__is_published=True)


class Review(models.Model):
    trek = models.ForeignKey(
        Trek,
        on_delete=models.PROTECT,
        related_name="reviews",
        verbose_name=_("trek"),
        help_text=_("The trek the traveller did."),
    )
    first_name = models.CharField(
        _("traveller's first name"),
        max_length=40,
        help_text=_("First name only, as the traveller signed the review."),
    )
    country = models.CharField(
        _("country"), max_length=60, blank=True, help_text=_("Where the traveller is from.")
    )
    trip_date = models.DateField(_("date of the trip"), help_text=_("When they did the trek."))
    rating = models.PositiveSmallIntegerField(
        _("rating"),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("1 to 5 stars, as the traveller gave them."),
    )
    text = models.TextField(
        _("review"),
        max_length=3000,
        help_text=_("The traveller's words, unchanged. Plain text."),
    )
    language = models.CharField(
        _("language of the review"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The language the traveller wrote in: pages mark the text with it."),
    )
    source = models.CharField(
        _("source"),
        max_length=40,
        help_text=_("Where the review was written: Tripadvisor, Google, e-mail..."),
    )
    source_url = models.URLField(
        _("link to the review"),
        max_length=500,
        blank=True,
        help_text=_("The review's own address on that site, when it has one."),
    )
    is_published = models.BooleanField(
        _("published"), default=False, help_text=_("Only published reviews are shown.")
    )
    created_at = models.DateTimeField(_("entered"), auto_now_add=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-trip_date", "-id"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5),
                name="reviews_review_rating_1_to_5",
                violation_error_message=_("A rating is 1 to 5 stars."),
            ),
            models.CheckConstraint(
                condition=~Q(first_name="") & ~Q(text="") & ~Q(source=""),
                name="reviews_review_has_name_text_and_source",
                violation_error_message=_("A review needs a name, a text and a source."),
            ),
        ]

    def __str__(self):
        return f"{self.first_name}, {self.trek}: {self.rating}/5"

    @property
    def stars(self):
        return range(self.rating)


class ReviewRequest(models.Model):
    """One e-mail asking a traveller for a review, after their trip.

    Made by staff on a won request, with the day the trip ends; saving it queues the e-mail
    in the outbox for the day after (reviews/requests.py: schedule), and send_outbox sends it
    then, once, retried as every e-mail is.
    """

    inquiry = models.OneToOneField(
        "inquiries.Inquiry",
        on_delete=models.CASCADE,
        related_name="review_request",
        verbose_name=_("request"),
        limit_choices_to={"status": "won"},
        help_text=_("A won request: the traveller who travelled with us."),
    )
    trip_ended_on = models.DateField(
        _("trip ends on"),
        help_text=_("The last day of the trip. The e-mail goes out the day after, not before."),
    )
    send = models.BooleanField(
        _("ask for a review"),
        default=True,
        help_text=_("Untick to send this traveller nothing."),
    )
    withheld = models.CharField(_("not sent because"), max_length=200, blank=True, editable=False)
    message = models.OneToOneField(
        "outbox.Message",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="review_request",
        verbose_name=_("e-mail"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-trip_ended_on", "-id"]
        verbose_name = _("review request")
        verbose_name_plural = _("review requests")

    def __str__(self):
        return f"{self.inquiry} ({self.trip_ended_on})"
