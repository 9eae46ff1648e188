"""Checks on the operator's details: shared by the admin form (messages for staff) and by
settings.py, which refuses a bad OPERATOR_* seed value at start."""

from urllib.parse import urlsplit

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# A number typed without a country code is Peruvian: the operator is in Cusco.
PHONE_REGION = "PE"
# SUNAT's weights for the first ten digits of a RUC; the eleventh is the check digit.
RUC_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
# A RUC starts with 10 (a person), 15, 16, 17 (others) or 20 (a company).
RUC_PREFIXES = ("10", "15", "16", "17", "20")


def e164(phone):
    """ "+51 914 939913" -> "+51914939913"; "" for anything else (a typo, a name, empty)."""
    if not phone:
        return ""
    try:
        number = phonenumbers.parse(phone, PHONE_REGION)
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_valid_number(number):
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def validate_phone(value):
    if not e164(value):
        raise ValidationError(
            _("Enter a phone number with its country code, such as +51 914 939913."),
            code="invalid_phone",
        )


def ruc_check_digit(first_ten):
    remainder = sum(int(d) * w for d, w in zip(first_ten, RUC_WEIGHTS, strict=True)) % 11
    return (11 - remainder) % 10


def validate_ruc(value):
    """Peru's tax number: 11 digits, a known prefix and SUNAT's modulo-11 check digit, which
    catches a mistyped or swapped digit."""
    if len(value) != 11 or not all(ch in "0123456789" for ch in value):
        raise ValidationError(_("A RUC is 11 digits."), code="invalid_ruc")
    if not value.startswith(RUC_PREFIXES):
        raise ValidationError(
            _("A RUC starts with 10, 15, 16, 17 or 20."), code="invalid_ruc_prefix"
        )
    if ruc_check_digit(value[:10]) != int(value[10]):
        raise ValidationError(
            _("This RUC's last digit does not match the others: check it for a typo."),
            code="invalid_ruc_check_digit",
        )


def validate_profile_url(value):
    """The operator's own page on a network (https://..., with a path). A network's home page is
    refused: a link must lead to the operator, or not be shown."""
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.netloc or parts.path.strip("/") == "":
        raise ValidationError(
            _(
                "Enter the https:// address of the operator's own page (with a path, not the "
                "network's home page)."
            ),
            code="invalid_profile_url",
        )
