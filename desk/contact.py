"""Links that open a conversation with the traveller: mailto: and WhatsApp (wa.me).

wa.me wants the number in E.164 without the "+"; travellers type numbers any way they like
("+44 7700 900123", "0044 7700 900123", "984 123 456"), so they are parsed with
libphonenumber. A number without a country code is read as Peruvian: the operator is in Cusco
and a local number is the one case a traveller leaves the code out.
"""

from urllib.parse import quote, urlencode

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

DEFAULT_REGION = "PE"


def e164(phone):
    """ "+51984123456" for a valid number, "" for anything else (a typo, a name, empty)."""
    if not phone:
        return ""
    # Imported here: only staff's pages show WhatsApp links, and libphonenumber's metadata
    # would otherwise sit in every worker that serves the public pages.
    import phonenumbers

    try:
        number = phonenumbers.parse(phone, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_valid_number(number):
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def whatsapp_url(inquiry, *, staff_name=""):
    """https://wa.me/<number>?text=<a greeting in the traveller's language>, or "" when the
    phone is not a usable number."""
    number = e164(inquiry.phone)
    if not number:
        return ""
    from inquiries.notifications import greeting_name

    with translation.override(inquiry.language or settings.LANGUAGE_CODE):
        about = inquiry.trek.name if inquiry.trek_id else _("your trip")
        values = {
            "name": greeting_name(inquiry.name),
            "staff": staff_name,
            "operator": settings.OPERATOR["name"],
            "about": about,
        }
        hello = _("Hello %(name)s,") % values if values["name"] else _("Hello,")
        if staff_name:
            who = _("this is %(staff)s from %(operator)s, about %(about)s.") % values
        else:
            who = _("this is %(operator)s, about %(about)s.") % values
        text = f"{hello} {who}"
    return f"https://wa.me/{number.lstrip('+')}?{urlencode({'text': ' '.join(text.split())})}"


def mailto_url(inquiry):
    return "mailto:" + quote(inquiry.email, safe="@")
