"""Staff's second factor at the admin login, through django-otp: a TOTP code from an
authenticator app, or one of the account's one-time recovery codes.

Required for superusers, for every staff account when STAFF_SECOND_FACTOR_FOR_ALL is on, and
for anyone who has set one up. Enrolment: `manage.py staff_otp <username>` (prepare_site does it
for `admin` on the first run). A wrong code after a right password counts as a failed login for
django-axes, like a wrong password, so the lockout covers both factors.
"""

import re

from django import forms
from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

TOTP_NAME = "authenticator app"
RECOVERY_NAME = "recovery codes"
RECOVERY_CODES = 10
TOTP_CODE = re.compile(r"^\d{6}$")


def second_factor_required(user):
    if not user.is_staff:
        return False
    return (
        user.is_superuser
        or settings.STAFF_SECOND_FACTOR_FOR_ALL
        or TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    )


@transaction.atomic
def enrol(user, *, recovery_codes=RECOVERY_CODES):
    """A new authenticator key and new recovery codes for `user`, replacing any they had.
    Returns (the TOTP device, [recovery codes])."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    totp = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=True)
    recovery = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(recovery_codes)]
    for code in codes:
        recovery.token_set.create(token=code)
    return totp, codes


def enrolment_text(user, totp, codes):
    """What staff need to set up their app, as the terminal shows it: a QR code, the
    otpauth:// address it holds, and the recovery codes."""
    import io

    import qrcode

    qr = qrcode.QRCode(border=1)
    qr.add_data(totp.config_url)
    picture = io.StringIO()
    qr.print_ascii(out=picture, invert=True)
    return (
        f"Second factor for {user.get_username()}: scan this with an authenticator app\n"
        f"(Google Authenticator, Aegis, 1Password...), or add the address below by hand.\n"
        f"{picture.getvalue()}\n{totp.config_url}\n\n"
        f"Recovery codes, each good for one login without the app (keep them safe):\n  "
        + "  ".join(codes)
    )


def _verify(user, code):
    """The device that accepts `code` (and has now used it up), or None."""
    kind = TOTPDevice if TOTP_CODE.match(code) else StaticDevice
    for device in kind.objects.filter(user=user, confirmed=True):
        allowed, _extra = device.verify_is_allowed()
        if allowed and device.verify_token(code):
            return device
    return None


class SecondFactorLoginForm(AdminAuthenticationForm):
    """The admin login with one more field: the code from the app, or a recovery code."""

    otp_token = forms.CharField(
        label=_("Code from your authenticator app, or a recovery code"),
        required=False,
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false"}),
    )

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "code_required": _("Enter the code from your authenticator app or a recovery code."),
        "code_wrong": _("That code is not right, or it was used already. Try the current one."),
        "not_enrolled": _(
            "This account needs a second factor and has none yet: an administrator can set "
            "one up with “manage.py staff_otp %(username)s”."
        ),
    }

    def clean(self):
        super().clean()  # the password (and django-axes' lockout), then is_staff
        user = self.get_user()
        if user is None or not second_factor_required(user):
            return self.cleaned_data
        # Recovery codes are written in lower case; one typed in capitals is the same code.
        code = "".join(self.cleaned_data.get("otp_token", "").split()).lower()
        if not code:
            error = "code_required"
        elif not (TOTPDevice.objects.filter(user=user, confirmed=True).exists() or
                  StaticDevice.objects.filter(user=user, confirmed=True).exists()):  # fmt: skip
            error = "not_enrolled"
        else:
            device = _verify(user, code)
            if device is not None:
                # django-otp marks the session verified when Django logs the user in.
                user.otp_device = device
                return self.cleaned_data
            error = "code_wrong"
        # A right password with a missing or wrong code is a failed login for django-axes.
        user_login_failed.send(
            sender=__name__,
            credentials={"username": self.cleaned_data.get("username")},
            request=self.request,
        )
        raise forms.ValidationError(
            self.error_messages[error],
            code=error,
            params={"username": user.get_username()},
        )


class StaffAdminSite(AdminSite):
    """Django's admin, where an account that needs a second factor counts as staff only in a
    session verified with one (a password alone, or a session from before, is not enough)."""

    login_form = SecondFactorLoginForm
    login_template = "admin/login_second_factor.html"

    def has_permission(self, request):
        if not super().has_permission(request):
            return False
        return request.user.is_verified() or not second_factor_required(request.user)

    def get_urls(self):
        from django.urls import path

        return [
            path("launch-check/", self.admin_view(self.launch_check), name="launch_check"),
            *super().get_urls(),
        ]

    def launch_check(self, request):
        """The list `manage.py launch_check` prints, for any staff member."""
        from django.template.response import TemplateResponse

        from .launch import problems

        context = {
            **self.each_context(request),
            "title": _("Before launch"),
            "problems": problems(),
        }
        return TemplateResponse(request, "admin/launch_check.html", context)
