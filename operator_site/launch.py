"""What is not ready for launch: `manage.py launch_check` prints it (and exits non-zero while
anything remains), and staff see the same list in admin (/admin/launch-check/).

The site's package imports no app's models: the catalogue's are found by name.
"""

import hashlib
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .details import current
from .models import ContentPage, ToConfirm

# E-mail backends that send nothing anywhere: printed, kept in memory, written to files.
NOT_SENDING = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
}
# The content page that holds the booking terms (its English slug).
TERMS_SLUGS = ("terms", "booking-terms", "terms-and-conditions")
# Written by prepare_site when it creates the first admin: a digest of the password's hash, so
# that launch_check can tell whether the printed password was ever changed.
FIRST_ADMIN_FILE = "first-admin-password.sha256"


@dataclass(frozen=True)
class Problem:
    what: str
    url: str = ""


def password_digest(user):
    return hashlib.sha256(user.password.encode()).hexdigest()


def problems():
    """Everything still to do before launch, in the order staff would work through it."""
    found = []
    open_facts = ToConfirm.objects.open().count()
    if open_facts:
        found.append(
            Problem(
                ngettext(
                    "%(n)d fact on the site is still to confirm.",
                    "%(n)d facts on the site are still to confirm.",
                    open_facts,
                )
                % {"n": open_facts},
                reverse("admin:operator_site_toconfirm_changelist"),
            )
        )
    found += _operator_details()
    found += _settings()
    found += _catalogue()
    found += _terms()
    found += _first_admin()
    return found


def _operator_details():
    details = current()
    labels = {
        "email": _("e-mail"),
        "address": _("street address"),
        "hours_en": _("opening hours (English)"),
        "hours_es": _("opening hours (Spanish)"),
        "legal_name": _("legal name"),
        "ruc": _("RUC"),
        "licence": _("tourism licence"),
    }
    missing = [label for field, label in labels.items() if not getattr(details, field, "")]
    if not (details.tripadvisor_url or details.google_reviews_url):
        missing.append(_("a review link (Tripadvisor or Google)"))
    if not missing:
        return []
    url = reverse("admin:operator_site_operatordetails_changelist")
    return [
        Problem(_("The operator's details lack: %(fields)s.") % {"fields": ", ".join(missing)}, url)
    ]


def _settings():
    found = []
    if settings.EMAIL_BACKEND in NOT_SENDING:
        found.append(
            Problem(
                _("E-mail is not sent but printed to the log (EMAIL_BACKEND is %(backend)s).")
                % {"backend": settings.EMAIL_BACKEND.rsplit(".", 2)[-2]}
            )
        )
    if not settings.HTTPS:
        found.append(Problem(_("HTTPS is off (DJANGO_HTTPS).")))
    if not settings.ADMINS:
        found.append(Problem(_("Nobody is told of server errors (DJANGO_ADMINS is empty).")))
    return found


def _catalogue():
    trek = apps.get_model("treks", "Trek")
    departure = apps.get_model("treks", "Departure")
    published = trek.objects.published()
    url = reverse("admin:treks_trek_changelist")
    checks = [
        (published.filter(images__isnull=True), _("without a photo")),
        (published.filter(price_from__isnull=True), _("without a price")),
        (
            published.exclude(pk__in=departure.objects.upcoming().values("trek_id")),
            _("without an upcoming departure"),
        ),
    ]
    found = []
    for rows, lacking in checks:
        names = sorted({t.name for t in rows.distinct()})
        if names:
            found.append(
                Problem(
                    ngettext(
                        "%(n)d published trek %(lacking)s: %(names)s.",
                        "%(n)d published treks %(lacking)s: %(names)s.",
                        len(names),
                    )
                    % {"n": len(names), "lacking": lacking, "names": ", ".join(names)},
                    url,
                )
            )
    return found


def _terms():
    pages = ContentPage.objects.published().filter(slug_en__in=TERMS_SLUGS)
    page = pages.first()
    if page is None:
        return [
            Problem(
                _("There is no booking terms page: publish a content page with the slug %(slug)s.")
                % {"slug": TERMS_SLUGS[0]},
                reverse("admin:operator_site_contentpage_changelist"),
            )
        ]
    from django.contrib.contenttypes.models import ContentType

    open_facts = ToConfirm.objects.open().filter(
        content_type=ContentType.objects.get_for_model(ContentPage), object_id=page.pk
    )
    if open_facts.exists():
        return [
            Problem(
                _("The booking terms are still marked to confirm."),
                reverse("admin:operator_site_toconfirm_changelist"),
            )
        ]
    return []


def _first_admin():
    from .management.commands.prepare_site import ADMIN_USERNAME

    marker = settings.DATA_DIR / FIRST_ADMIN_FILE
    admin = get_user_model().objects.filter(username=ADMIN_USERNAME).first()
    if admin is None or not marker.exists():
        return []
    if marker.read_text().strip() == password_digest(admin):
        return [
            Problem(
                _("The password printed for “%(name)s” at the first run was never changed.")
                % {"name": ADMIN_USERNAME},
                reverse("admin:password_change"),
            )
        ]
    return []
