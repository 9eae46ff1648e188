"""The catalogue: destinations, travel styles, places, treks and their day-by-day stages.

Figures a traveller compares (days, walking distance, highest point, ascent) are derived from the
stages, never typed twice; see `TrekFacts`. A trek may also keep a headline figure (the distance
the operator advertises) and admin warns the editor when the two disagree.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from operator_site.languages import fill_missing_slugs
from operator_site.validators import validate_phone

from .images import Picture
from .prices import lowest_price, parse_tiers, validate_tiers

MAX_ALTITUDE_M = 7000  # above any trek in Peru (Huascarán is 6,768 m); catches typos like 48,000
# How far a trek's advertised distance may stray from the sum of its walking stages.
DISTANCE_TOLERANCE = Decimal("0.10")


class Collection(models.Model):
    """What a destination and a travel style share: a named page listing its treks."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    summary = models.CharField(
        _("summary"), max_length=300, blank=True, help_text=_("One sentence for listings.")
    )
    description = models.TextField(
        _("description"), blank=True, help_text=_("Paragraphs separated by a blank line.")
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=100, help_text=_("Lower numbers come first in listings.")
    )

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        fill_missing_slugs(self)
        super().save(*args, **kwargs)


class Destination(Collection):
    class Meta(Collection.Meta):
        verbose_name = _("destination")
        verbose_name_plural = _("destinations")

    def get_absolute_url(self):
        return reverse("treks:destination", kwargs={"slug": self.slug})


class TravelStyle(Collection):
    class Meta(Collection.Meta):
        verbose_name = _("travel style")
        verbose_name_plural = _("travel styles")

    def get_absolute_url(self):
        return reverse("treks:style", kwargs={"slug": self.slug})


class Place(models.Model):
    """A named point on the ground, reused by every trek that passes it."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    altitude_m = models.PositiveIntegerField(
        _("altitude (m)"),
        validators=[MaxValueValidator(MAX_ALTITUDE_M)],
        help_text=_("Metres above sea level, 0 to 7,000."),
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=5,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
        help_text=_("Decimal degrees, south is negative (Cusco is -13.53)."),
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=8,
        decimal_places=5,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
        help_text=_("Decimal degrees, west is negative (Cusco is -71.97)."),
    )
    note = models.CharField(
        _("note"),
        max_length=200,
        blank=True,
        help_text=_("What a traveller finds here: thermal baths, a weavers' village, a pass..."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("place")
        verbose_name_plural = _("places")
        constraints = [
            models.CheckConstraint(
                condition=Q(altitude_m__gte=0) & Q(altitude_m__lte=MAX_ALTITUDE_M),
                name="treks_place_altitude_range",
                violation_error_message=_("Altitude must be between 0 and 7,000 metres."),
            ),
            models.CheckConstraint(
                condition=Q(latitude__gte=-90)
                & Q(latitude__lte=90)
                & Q(longitude__gte=-180)
                & Q(longitude__lte=180),
                name="treks_place_coordinates_range",
                violation_error_message=_("Latitude or longitude is out of range."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.altitude_m:,} m)"


class TrekQuerySet(models.QuerySet):
    def published(self):
        """The one definition of what the public may see."""
        return self.filter(is_published=True)

    def with_stages(self):
        """Prefetch what the derived facts need, in a fixed number of queries."""
        return self.prefetch_related(
            models.Prefetch(
                "stages",
                # trek_id, not Meta's "trek": ordering by the relation would join the trek
                # table only to sort by its popularity and name.
                queryset=ItineraryStage.objects.select_related(
                    "start_place", "end_place", "highest_place"
                ).order_by("trek_id", "day", "order"),
            )
        )


class Trek(models.Model):
    class Difficulty(models.TextChoices):
        EASY = "easy", _("Easy")
        MODERATE = "moderate", _("Moderate")
        CHALLENGING = "challenging", _("Challenging")
        DEMANDING = "demanding", _("Demanding")

    class Crowds(models.TextChoices):
        QUIET = "quiet", _("Quiet: few other groups")
        MODERATE = "moderate", _("Moderate")
        BUSY = "busy", _("Busy: permits sell out")

    class Currency(models.TextChoices):
        USD = "USD", _("US dollars")
        PEN = "PEN", _("Peruvian soles")

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(
        _("slug"), max_length=120, help_text=_("The web address: /treks/this-slug/.")
    )
    summary = models.CharField(
        _("summary"),
        max_length=300,
        help_text=_("One or two sentences: listings, search results and the meta description."),
    )
    description = models.TextField(
        _("story"), help_text=_("The long description. Paragraphs separated by a blank line.")
    )
    route_description = models.TextField(
        _("the route"),
        blank=True,
        help_text=_("How the classic route runs, in a few paragraphs. Blank line between them."),
    )
    destination = models.ForeignKey(
        Destination,
        on_delete=models.PROTECT,
        related_name="treks",
        verbose_name=_("destination"),
    )
    styles = models.ManyToManyField(
        TravelStyle, related_name="treks", blank=True, verbose_name=_("travel styles")
    )
    difficulty = models.CharField(
        _("difficulty"), max_length=20, choices=Difficulty.choices, default=Difficulty.MODERATE
    )
    permits_required = models.BooleanField(
        _("permits required"),
        default=False,
        help_text=_("Tick when a government permit must be bought ahead (the Inca Trail)."),
    )
    permit_note = models.CharField(
        _("permit note"),
        max_length=200,
        blank=True,
        help_text=_("For example: “Permits sell out months ahead for May to August.”"),
    )
    crowds = models.CharField(
        _("crowds"), max_length=20, choices=Crowds.choices, default=Crowds.MODERATE
    )
    start_place = models.ForeignKey(
        Place,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("starts at"),
        help_text=_("Where the trip starts (usually Cusco)."),
    )
    end_place = models.ForeignKey(
        Place,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("ends at"),
    )
    best_season = models.CharField(
        _("best season"), max_length=120, help_text=_("For example: “April to October (dry)”.")
    )
    group_size_min = models.PositiveSmallIntegerField(
        _("smallest group"), default=1, validators=[MinValueValidator(1)]
    )
    group_size_max = models.PositiveSmallIntegerField(
        _("largest group"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_("Also the most people one request for information may ask for."),
    )
    price_from = models.DecimalField(
        _("price from"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Per person, the lowest price. Leave empty for “on request”."),
    )
    price_tiers = models.TextField(
        _("prices by group size"),
        blank=True,
        validators=[validate_tiers],
        help_text=_(
            "Per person, one group size a line: “1: 950”, “2-3: 780”, “8+: 590”; “private 2-3: "
            "1200” for a private trip. Only prices the operator quotes. “Price from” becomes the "
            "lowest. Empty: “Ask for a quote”."
        ),
    )
    currency = models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, default=Currency.USD
    )
    deposit_percent = models.PositiveSmallIntegerField(
        _("deposit (percent)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text=_("The deposit a booking of this trek asks for, proposed when staff book."),
    )
    advertised_distance_km = models.DecimalField(
        _("advertised distance (km)"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_(
            "The headline walking distance, if the operator quotes one. Admin warns when it "
            "differs from the sum of the walking stages by more than 10%."
        ),
    )
    highlights = models.TextField(
        _("highlights"), blank=True, help_text=_("One highlight per line.")
    )
    includes = models.TextField(_("included"), blank=True, help_text=_("One item per line."))
    excludes = models.TextField(_("not included"), blank=True, help_text=_("One item per line."))
    # Responsible travel, per trek: shown on its page only where staff filled them in.
    porter_load_kg = models.PositiveSmallIntegerField(
        _("porter load (kg)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(60)],
        help_text=_("The most a porter carries, own gear included. Empty: not shown."),
    )
    horse_load_kg = models.PositiveSmallIntegerField(
        _("horse load (kg)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(150)],
        help_text=_("The most a horse or mule carries. Empty: not shown."),
    )
    community_visits = models.CharField(
        _("community visits"),
        max_length=300,
        blank=True,
        help_text=_("Which villages are visited and how they are paid. Empty: not shown."),
    )
    waste = models.CharField(
        _("waste"),
        max_length=300,
        blank=True,
        help_text=_("What happens to rubbish and toilets on the trail. Empty: not shown."),
    )
    # For the travellers who booked (pre-trip message, calendar file, departure sheet), not
    # for the public page: empty until the operator says, and then nothing is made up.
    meeting_place = models.CharField(
        _("meeting place"),
        max_length=200,
        blank=True,
        help_text=_(
            "Where the trip starts, as travellers should read it: “the door of your hotel in "
            "Cusco”. Sent in the pre-trip message and the calendar file."
        ),
    )
    pickup_time = models.TimeField(
        _("pick-up time"),
        null=True,
        blank=True,
        help_text=_("Cusco time on the first day, such as 04:30. Empty: not told yet."),
    )
    packing_list = models.TextField(
        _("what to bring"),
        max_length=3000,
        blank=True,
        help_text=_("One item per line. Sent in the pre-trip message."),
    )
    alternatives = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="alternative_to",
        verbose_name=_("alternatives"),
        help_text=_("Other treks a traveller compares with this one."),
    )
    is_published = models.BooleanField(
        _("published"),
        default=False,
        help_text=_("Only published treks are visible to the public. Staff can always preview."),
    )
    popularity = models.PositiveSmallIntegerField(
        _("popularity rank"),
        default=100,
        help_text=_("Lower numbers come first in “most popular”."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = TrekQuerySet.as_manager()

    class Meta:
        ordering = ["popularity", "name"]
        verbose_name = _("trek")
        verbose_name_plural = _("treks")
        constraints = [
            models.UniqueConstraint(
                fields=["slug"],
                name="treks_trek_unique_slug",
                violation_error_message=_("Another trek already uses this slug."),
            ),
            models.CheckConstraint(
                condition=Q(group_size_min__lte=models.F("group_size_max")),
                name="treks_trek_group_size_order",
                violation_error_message=_(
                    "The smallest group cannot be larger than the largest group."
                ),
            ),
            models.CheckConstraint(
                condition=Q(group_size_min__gte=1) & Q(group_size_max__lte=30),
                name="treks_trek_group_size_range",
                violation_error_message=_("Group sizes must be between 1 and 30."),
            ),
            models.CheckConstraint(
                condition=Q(price_from__isnull=True) | Q(price_from__gte=0),
                name="treks_trek_price_not_negative",
                violation_error_message=_("The price cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(deposit_percent__isnull=True) | Q(deposit_percent__lte=100),
                name="treks_trek_deposit_percent_range",
                violation_error_message=_("The deposit is at most 100 percent."),
            ),
            models.CheckConstraint(
                condition=Q(advertised_distance_km__isnull=True) | Q(advertised_distance_km__gte=0),
                name="treks_trek_distance_not_negative",
                violation_error_message=_("The distance cannot be negative."),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        fill_missing_slugs(self)
        if self.price_tiers.strip():
            self.price_from = lowest_price(self.price_tiers)  # "from" is the lowest tier
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("treks:detail", kwargs={"slug": self.slug})

    @property
    def tier_list(self):
        return parse_tiers(self.price_tiers)

    @property
    def facts(self):
        """Figures derived from the stages. Uses prefetched stages when there are any."""
        return TrekFacts.from_stages(list(self.stages.all()))

    def distance_mismatch(self, facts=None):
        """The relative gap between the advertised and the derived walking distance, if too big."""
        if self.advertised_distance_km is None:
            return None
        facts = facts or self.facts
        derived = facts.walking_distance_km
        if derived == 0:
            return None if self.advertised_distance_km == 0 else Decimal(1)
        gap = abs(self.advertised_distance_km - derived) / derived
        return gap if gap > DISTANCE_TOLERANCE else None

    def _lines(self, text):
        return [line.strip() for line in text.splitlines() if line.strip()]

    @property
    def highlight_list(self):
        return self._lines(self.highlights)

    @property
    def packing_items(self):
        return self._lines(self.packing_list)

    @property
    def include_list(self):
        return self._lines(self.includes)

    @property
    def exclude_list(self):
        return self._lines(self.excludes)


class ItineraryStage(models.Model):
    """One leg of one day: a walk, a bus ride, a train. A day may have several, in order."""

    class Mode(models.TextChoices):
        WALK = "walk", _("On foot")
        BUS = "bus", _("Bus or van")
        TRAIN = "train", _("Train")

    class Overnight(models.TextChoices):
        NONE = "none", _("No overnight (last leg or not the day's end)")
        CAMP = "camp", _("Camp")
        LODGE = "lodge", _("Lodge or homestay")
        HOTEL = "hotel", _("Hotel")

    trek = models.ForeignKey(
        Trek, on_delete=models.CASCADE, related_name="stages", verbose_name=_("trek")
    )
    day = models.PositiveSmallIntegerField(
        _("day"), validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    order = models.PositiveSmallIntegerField(
        _("order within the day"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    mode = models.CharField(_("how"), max_length=10, choices=Mode.choices, default=Mode.WALK)
    title = models.CharField(_("title"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    start_place = models.ForeignKey(
        Place, on_delete=models.PROTECT, related_name="+", verbose_name=_("from")
    )
    end_place = models.ForeignKey(
        Place, on_delete=models.PROTECT, related_name="+", verbose_name=_("to")
    )
    highest_place = models.ForeignKey(
        Place,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("highest point on the way"),
        help_text=_("A pass crossed between the two ends, if it is higher than both."),
    )
    distance_km = models.DecimalField(
        _("distance (km)"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(500)],
    )
    ascent_m = models.PositiveIntegerField(
        _("ascent (m)"), default=0, validators=[MaxValueValidator(MAX_ALTITUDE_M)]
    )
    descent_m = models.PositiveIntegerField(
        _("descent (m)"), default=0, validators=[MaxValueValidator(MAX_ALTITUDE_M)]
    )
    hours = models.DecimalField(
        _("hours"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(24)],
        help_text=_("Walking hours for a walk, travel time for a bus or train."),
    )
    overnight = models.CharField(
        _("overnight"), max_length=10, choices=Overnight.choices, default=Overnight.NONE
    )
    meals = models.CharField(
        _("meals"), max_length=100, blank=True, help_text=_("For example: “Lunch, dinner”.")
    )

    class Meta:
        ordering = ["trek", "day", "order"]
        verbose_name = _("itinerary stage")
        verbose_name_plural = _("itinerary stages")
        constraints = [
            models.UniqueConstraint(
                fields=["trek", "day", "order"],
                name="treks_stage_unique_day_order",
                violation_error_message=_("This trek already has a stage on that day and order."),
            ),
            models.CheckConstraint(
                condition=Q(distance_km__gte=0),
                name="treks_stage_distance_not_negative",
                violation_error_message=_("The distance cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(hours__gte=0) & Q(hours__lte=24),
                name="treks_stage_hours_range",
                violation_error_message=_("Hours must be between 0 and 24."),
            ),
            models.CheckConstraint(
                condition=Q(day__gte=1) & Q(order__gte=1),
                name="treks_stage_day_order_positive",
                violation_error_message=_("Day and order start at 1."),
            ),
        ]

    def __str__(self):
        return f"Day {self.day}.{self.order}: {self.title}"

    @property
    def is_walk(self):
        return self.mode == self.Mode.WALK

    @property
    def top_altitude_m(self):
        candidates = [self.start_place.altitude_m, self.end_place.altitude_m]
        if self.highest_place_id:
            candidates.append(self.highest_place.altitude_m)
        return max(candidates)


@dataclass(frozen=True)
class TrekFacts:
    """What the stages of a trek add up to."""

    days: int
    walking_days: int
    walking_distance_km: Decimal
    walking_hours: Decimal
    ascent_m: int
    descent_m: int
    highest_place: Place | None

    @property
    def max_altitude_m(self):
        return self.highest_place.altitude_m if self.highest_place else None

    @classmethod
    def from_stages(cls, stages):
        walks = [s for s in stages if s.is_walk]
        highest = None
        for stage in walks:
            for place in (stage.start_place, stage.highest_place, stage.end_place):
                if place is not None and (highest is None or place.altitude_m > highest.altitude_m):
                    highest = place
        return cls(
            days=max((s.day for s in stages), default=0),
            walking_days=len({s.day for s in walks}),
            walking_distance_km=sum((s.distance_km for s in walks), Decimal(0)),
            walking_hours=sum((s.hours for s in walks), Decimal(0)),
            ascent_m=sum(s.ascent_m for s in walks),
            descent_m=sum(s.descent_m for s in walks),
            highest_place=highest,
        )


@dataclass(frozen=True)
class TrekSummary:
    """The figures a comparison of treks shows, with TrekFacts' names, for a trek annotated by
    `treks.views.with_summary` (the database adds them up instead of loading the stages)."""

    days: int
    walking_days: int
    walking_distance_km: Decimal
    max_altitude_m: int | None

    @classmethod
    def from_annotations(cls, trek):
        return cls(
            days=trek.days_total,
            walking_days=trek.walking_days,
            walking_distance_km=Decimal(trek.walking_km),
            max_altitude_m=trek.max_altitude or None,
        )


class TrekImage(models.Model):
    trek = models.ForeignKey(
        Trek, on_delete=models.CASCADE, related_name="images", verbose_name=_("trek")
    )
    image = models.ImageField(
        _("photo"),
        upload_to="treks/%Y/",
        width_field="width",
        height_field="height",
    )
    width = models.PositiveIntegerField(editable=False, default=0)
    height = models.PositiveIntegerField(editable=False, default=0)
    alt_text = models.CharField(
        _("alt text"),
        max_length=200,
        help_text=_("What the photo shows, for people who cannot see it. Required."),
    )
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(
        _("position"), default=100, help_text=_("The first photo is the trek's cover.")
    )
    # {"source": <the stored photo's name>, "files": [{"name", "width", "height", "type"}]}:
    # the renditions pages use, remade whenever the photo itself changes.
    renditions = models.JSONField(_("renditions"), default=dict, blank=True, editable=False)

    class Meta:
        ordering = ["trek", "position", "id"]
        verbose_name = _("trek photo")
        verbose_name_plural = _("trek photos")
        constraints = [
            models.CheckConstraint(
                condition=~Q(alt_text=""),
                name="treks_image_alt_text_required",
                violation_error_message=_("Every photo needs alt text."),
            ),
        ]

    def __str__(self):
        return self.alt_text

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        if self.image and self.renditions.get("source") != self.image.name:
            # Imported here: Pillow work is needed only when a photo changes.
            from .images import delete_renditions, make_renditions

            delete_renditions(self.renditions.get("files"))
            self.renditions = {
                "source": self.image.name,
                "files": make_renditions(self.image.name, storage=self.image.storage),
            }
            TrekImage.objects.filter(pk=self.pk).update(renditions=self.renditions)

    @property
    def picture(self):
        return Picture(
            self.image,
            self.renditions,
            width=self.width,
            height=self.height,
            alt_text=self.alt_text,
        )

    # What treks/_picture.html reads of a photo.
    webp_srcset = property(lambda self: self.picture.webp_srcset)
    jpeg_srcset = property(lambda self: self.picture.jpeg_srcset)
    fallback = property(lambda self: self.picture.fallback)


class TrekFAQ(models.Model):
    trek = models.ForeignKey(
        Trek, on_delete=models.CASCADE, related_name="faqs", verbose_name=_("trek")
    )
    question = models.CharField(_("question"), max_length=200)
    answer = models.TextField(_("answer"))
    position = models.PositiveSmallIntegerField(_("position"), default=100)

    class Meta:
        ordering = ["trek", "position", "id"]
        verbose_name = _("FAQ")
        verbose_name_plural = _("FAQs")

    def __str__(self):
        return self.question


# A departure with this many seats left or fewer is shown as "few seats left".
FEW_SEATS = 3
MAX_SEATS = 30


class DepartureQuerySet(models.QuerySet):
    def upcoming(self, today=None):
        """What the public may book: not started yet (Cusco's today) and not cancelled. Past
        departures leave the pages by themselves: trek pages are stored per Cusco day."""
        today = today or timezone.localdate()
        return self.filter(start_date__gte=today, is_cancelled=False)

    def guaranteed(self):
        return self.filter(seats_held__gte=models.F("guarantee_min"))


class Departure(models.Model):
    """A date a trek starts on, with its seats. `seats_held` is kept by the bookings app
    (bookings.services), in the same transaction as the booking that holds or releases them;
    a constraint makes overbooking impossible whatever code writes."""

    class Kind(models.TextChoices):
        GROUP = "group", _("Group departure")
        PRIVATE = "private", _("Private, on request")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        FEW_LEFT = "few_left", _("Few seats left")
        GUARANTEED = "guaranteed", _("Guaranteed")
        FULL = "full", _("Full")
        CANCELLED = "cancelled", _("Cancelled")

    trek = models.ForeignKey(
        Trek, on_delete=models.CASCADE, related_name="departures", verbose_name=_("trek")
    )
    start_date = models.DateField(_("start date"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.GROUP)
    seats = models.PositiveSmallIntegerField(
        _("seats"),
        validators=[MinValueValidator(1), MaxValueValidator(MAX_SEATS)],
        help_text=_("How many travellers this departure takes, 1 to 30."),
    )
    guarantee_min = models.PositiveSmallIntegerField(
        _("guaranteed from"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_SEATS)],
        help_text=_("With this many travellers booked, the departure runs whatever happens."),
    )
    price_per_person = models.DecimalField(
        _("price per person"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(0)],
        help_text=_("In the trek's currency."),
    )
    seats_held = models.PositiveSmallIntegerField(
        _("seats held"),
        default=0,
        editable=False,
        help_text=_("Held by bookings; released when a booking is cancelled."),
    )
    is_cancelled = models.BooleanField(
        _("cancelled"),
        default=False,
        help_text=_("A cancelled departure leaves the public pages; its bookings stay."),
    )
    guide_name = models.CharField(
        _("guide"),
        max_length=100,
        blank=True,
        help_text=_(
            "The guide's name, as travellers will meet them. Sent in the pre-trip message."
        ),
    )
    guide_phone = models.CharField(
        _("guide's phone"),
        max_length=30,
        blank=True,
        validators=[validate_phone],
        help_text=_("With the country code: +51 914 939913."),
    )

    objects = DepartureQuerySet.as_manager()

    class Meta:
        ordering = ["start_date", "kind", "id"]
        verbose_name = _("departure")
        verbose_name_plural = _("departures")
        constraints = [
            models.UniqueConstraint(
                fields=["trek", "start_date", "kind"],
                name="treks_departure_unique_trek_date_kind",
                violation_error_message=_("This trek already has a departure of this kind then."),
            ),
            models.CheckConstraint(
                condition=Q(seats_held__lte=models.F("seats")),
                name="treks_departure_no_overbooking",
                violation_error_message=_("More seats are held than the departure has."),
            ),
            models.CheckConstraint(
                condition=Q(seats__gte=1) & Q(seats__lte=MAX_SEATS),
                name="treks_departure_seats_range",
                violation_error_message=_("Seats must be between 1 and 30."),
            ),
            models.CheckConstraint(
                condition=Q(guarantee_min__gte=1) & Q(guarantee_min__lte=models.F("seats")),
                name="treks_departure_guarantee_within_seats",
                violation_error_message=_(
                    "The number that guarantees a departure must be between 1 and its seats."
                ),
            ),
            models.CheckConstraint(
                condition=Q(price_per_person__gte=0),
                name="treks_departure_price_not_negative",
                violation_error_message=_("The price cannot be negative."),
            ),
        ]
        indexes = [models.Index(fields=["trek", "start_date"], name="treks_departure_trek_date")]

    def __str__(self):
        return f"{self.trek} · {self.start_date:%Y-%m-%d} · {self.get_kind_display()}"

    def clean(self):
        # seats_held is not on the admin form, so Django skips the constraint that uses it:
        # without this, lowering the seats below those booked would be a server error.
        if self.seats is not None and self.seats < self.seats_held:
            raise ValidationError(
                {
                    "seats": _(
                        "%(held)d seats are booked on this departure: it cannot have fewer. "
                        "Cancel bookings first."
                    )
                    % {"held": self.seats_held}
                }
            )

    @property
    def seats_left(self):
        return max(self.seats - self.seats_held, 0)

    @property
    def status(self):
        if self.is_cancelled:
            return self.Status.CANCELLED
        if self.seats_left == 0:
            return self.Status.FULL
        if self.seats_held >= self.guarantee_min:
            return self.Status.GUARANTEED
        if self.seats_left <= FEW_SEATS:
            return self.Status.FEW_LEFT
        return self.Status.OPEN

    @property
    def status_label(self):
        return self.Status(self.status).label

    def end_date(self, days):
        """The last day, for a trek of `days` days (from its itinerary)."""
        return self.start_date + datetime.timedelta(days=max(days, 1) - 1)
