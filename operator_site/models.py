"""Pages that staff write in admin: Responsible Travel, Before You Go, Why travel with us...

The main navigation is built from the published pages that ask to be in it, so a link to a page
that does not exist (or is not published yet) can never appear.
"""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import validators
from .languages import fill_missing_slugs


class ContentPageQuerySet(models.QuerySet):
    def published(self):
        """The one definition of what the public may see."""
        return self.filter(is_published=True)

    def in_nav(self):
        return self.published().filter(show_in_nav=True)


class ContentPage(models.Model):
    title = models.CharField(_("title"), max_length=120)
    slug = models.SlugField(
        _("slug"), max_length=80, help_text=_("The web address: /about/<slug>/.")
    )
    nav_label = models.CharField(
        _("label in the menu"),
        max_length=40,
        blank=True,
        help_text=_("Short text for the main menu; the title when empty."),
    )
    summary = models.CharField(
        _("summary"),
        max_length=300,
        help_text=_("One or two sentences: search results, the home page and link previews."),
    )
    body = models.TextField(
        _("text"),
        help_text=_(
            "Paragraphs separated by a blank line. A line starting with “## ” is a heading; "
            "lines starting with “- ” make a list. No HTML."
        ),
    )
    show_in_nav = models.BooleanField(
        _("in the main menu"), default=True, help_text=_("Listed in the menu of every page.")
    )
    position = models.PositiveSmallIntegerField(
        _("position in the menu"),
        default=50,
        help_text=_(
            "Lower numbers come first. The fixed links sit at 10 (popular trips), 20 "
            "(destinations), 30 (travel styles) and 60 (contact us)."
        ),
    )
    is_published = models.BooleanField(
        _("published"),
        default=False,
        help_text=_("Only published pages are visible to the public and in the menu."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ContentPageQuerySet.as_manager()

    class Meta:
        ordering = ["position", "title"]
        verbose_name = _("content page")
        verbose_name_plural = _("content pages")
        constraints = [
            models.UniqueConstraint(
                fields=["slug"],
                name="operator_site_page_unique_slug",
                violation_error_message=_("Another page already uses this slug."),
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        fill_missing_slugs(self)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("page", kwargs={"slug": self.slug})

    @property
    def menu_label(self):
        return self.nav_label or self.title


class ContentVersion(models.Model):
    """One row: the version of everything public pages are made of (catalogue, content pages).

    `operator_site.pagecache` bumps it in the transaction of every change and keys cached pages
    on it. It lives in the database, not in a cache, so that no bump can be lost: a cache that
    was down, restarted or evicted the entry only holds a copy, refilled from here.
    """

    n = models.PositiveBigIntegerField(_("version"), default=0)

    class Meta:
        verbose_name = _("content version")
        verbose_name_plural = _("content version")

    def __str__(self):
        return str(self.n)


class Heartbeat(models.Model):
    """One row that /healthz rewrites: the proof that the database takes writes (a disk that is
    full or a database gone read-only still answers SELECT 1)."""

    beat_at = models.DateTimeField(_("last written"))

    class Meta:
        verbose_name = _("health-check heartbeat")
        verbose_name_plural = _("health-check heartbeats")

    def __str__(self):
        return f"heartbeat {self.beat_at:%Y-%m-%d %H:%M:%S}"


class RateLimitWindow(models.Model):
    """How many times one client did one thing (sent the request form, say) in its current
    window: a fixed window that starts at the client's first attempt and lasts the limit's
    period. operator_site.ratelimit counts in it with one atomic UPDATE."""

    scope = models.CharField(_("what is limited"), max_length=40)
    key = models.CharField(_("client"), max_length=100, help_text=_("The client's address."))
    hits = models.PositiveIntegerField(_("attempts"), default=1)
    window_ends_at = models.DateTimeField(_("window ends"), db_index=True)

    class Meta:
        ordering = ["scope", "key"]
        verbose_name = _("rate-limit window")
        verbose_name_plural = _("rate-limit windows")
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "key"],
                name="operator_site_ratelimit_unique_client",
                violation_error_message=_("This client already has a window for this scope."),
            ),
        ]

    def __str__(self):
        return f"{self.scope} {self.key}: {self.hits}"


class ToConfirmQuerySet(models.QuerySet):
    def open(self):
        """What staff must still check before launch."""
        return self.filter(confirmed_at__isnull=True)


class ToConfirm(models.Model):
    """A fact shown on the site that nobody has checked yet: a placeholder in the demo content,
    or a claim of the operator's own page that published sources contradict.

    Data, not a comment in the text: admin lists what is still open before launch, and staff
    previewing the site see how many there are. Points at any row (a trek, a content page).
    """

    content_type = models.ForeignKey(
        "contenttypes.ContentType",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("kind of content"),
    )
    object_id = models.PositiveIntegerField(_("row"))
    content = GenericForeignKey("content_type", "object_id")
    field = models.CharField(
        _("field"), max_length=60, help_text=_("The field that holds the fact: “includes”, “body”.")
    )
    claim = models.CharField(
        _("claim"), max_length=300, help_text=_("What the site says, in a few words.")
    )
    note = models.TextField(
        _("why it needs checking"),
        blank=True,
        help_text=_("Where it came from, or what published sources say instead."),
    )
    confirmed_at = models.DateTimeField(
        _("confirmed"), null=True, blank=True, help_text=_("Empty while still to confirm.")
    )

    objects = ToConfirmQuerySet.as_manager()

    class Meta:
        ordering = ["content_type", "object_id", "field", "id"]
        verbose_name = _("fact to confirm")
        verbose_name_plural = _("facts to confirm before launch")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "field", "claim"],
                name="operator_site_toconfirm_unique_claim",
                violation_error_message=_("This claim is already on the list."),
            ),
        ]

    def __str__(self):
        return self.claim


class OperatorDetails(models.Model):
    """The operator: who it is and how to reach it. One row (id 1), edited by Content staff in
    admin and shown on the next request everywhere (header, footer, contact page, structured
    data, e-mails, social card); read through `operator_site.details.current()`. The OPERATOR_*
    environment variables only fill it in on the first migrate."""

    SINGLETON_ID = 1

    name = models.CharField(
        _("name"), max_length=80, help_text=_("The name travellers know: header, e-mails, titles.")
    )
    phone = models.CharField(
        _("phone"),
        max_length=30,
        validators=[validators.validate_phone],
        help_text=_("With the country code, as it should be shown: +51 914 939913."),
    )
    whatsapp = models.CharField(
        _("WhatsApp"),
        max_length=30,
        blank=True,
        validators=[validators.validate_phone],
        help_text=_("The WhatsApp number, with its country code; the phone when empty."),
    )
    email = models.EmailField(
        _("e-mail"), blank=True, help_text=_("On the contact page; not shown when empty.")
    )
    address = models.CharField(
        _("street address"),
        max_length=200,
        blank=True,
        help_text=_("One line, as the operator writes it: “Calle Plateros 123, Cusco”."),
    )
    hours = models.CharField(
        _("opening hours"),
        max_length=200,
        blank=True,
        help_text=_("One line in each language: “Mon-Sat 9:00-19:00”."),
    )
    legal_name = models.CharField(
        _("legal name"),
        max_length=200,
        blank=True,
        help_text=_("The registered company name, in the footer of every page."),
    )
    ruc = models.CharField(
        _("RUC"),
        max_length=11,
        blank=True,
        validators=[validators.validate_ruc],
        help_text=_("Peru's tax number: 11 digits."),
    )
    licence = models.CharField(
        _("tourism licence"),
        max_length=60,
        blank=True,
        help_text=_("The regional tourism office's (DIRCETUR) registration or licence number."),
    )
    tripadvisor_url = models.URLField(
        _("Tripadvisor page"),
        blank=True,
        validators=[validators.validate_profile_url],
        help_text=_("The operator's own https:// page; travellers are asked to review there."),
    )
    google_reviews_url = models.URLField(
        _("Google review link"),
        blank=True,
        validators=[validators.validate_profile_url],
        help_text=_(
            "Where Google's “write a review” form opens (Business Profile: Ask for reviews)."
        ),
    )
    facebook_url = models.URLField(
        _("Facebook page"),
        blank=True,
        validators=[validators.validate_profile_url],
        help_text=_("The operator's own https:// page, not Facebook's home page."),
    )
    instagram_url = models.URLField(
        _("Instagram profile"),
        blank=True,
        validators=[validators.validate_profile_url],
        help_text=_("The operator's own https:// profile, not Instagram's home page."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("operator's details")
        verbose_name_plural = _("operator's details")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(id=1),
                name="operator_site_details_one_row",
                violation_error_message=_("The operator's details are one record."),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.pk = self.SINGLETON_ID
        super().save(*args, **kwargs)

    # Not in the record: the tagline and the city line are translated texts (the catalogue).
    @property
    def tagline(self):
        return _("Sustainable Tourism Operator")

    @property
    def city(self):
        return _("Cusco, Peru")

    @property
    def whatsapp_number(self):
        return self.whatsapp or self.phone

    @property
    def phone_href(self):
        return "tel:" + (validators.e164(self.phone) or self.phone)

    @property
    def whatsapp_href(self):
        return "https://wa.me/" + (validators.e164(self.whatsapp_number) or "").lstrip("+")

    @property
    def links(self):
        """The operator's pages elsewhere: each shown only when set."""
        return {
            "tripadvisor": self.tripadvisor_url,
            "google_reviews": self.google_reviews_url,
            "facebook": self.facebook_url,
            "instagram": self.instagram_url,
        }

    @property
    def legal(self):
        return {"legal_name": self.legal_name, "ruc": self.ruc, "licence": self.licence}


class NotFoundPath(models.Model):
    """An address visitors asked for that gave a 404 (an old site's page, a mistyped link),
    with how often: staff make a redirect from it in admin. One row per path, counted by
    operator_site.notfound; bounded (NOT_FOUND_MAX_PATHS rows, NOT_FOUND_MAX_PATH_LENGTH
    characters), so that strangers asking for made-up addresses cannot grow it without end."""

    path = models.CharField(_("address"), max_length=300, help_text=_("As visitors asked for it."))
    hits = models.PositiveIntegerField(_("times asked for"), default=1)
    first_seen = models.DateTimeField(_("first asked for"), auto_now_add=True)
    last_seen = models.DateTimeField(_("last asked for"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-hits", "-last_seen"]
        verbose_name = _("address not found")
        verbose_name_plural = _("addresses not found")
        constraints = [
            models.UniqueConstraint(
                fields=["path"],
                name="operator_site_notfound_unique_path",
                violation_error_message=_("This address is already on the list."),
            ),
        ]

    def __str__(self):
        return self.path
