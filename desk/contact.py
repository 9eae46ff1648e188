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

from operator_site import details
from operator_site.validators import e164  # the same parsing as the operator's own numbers


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
            "operator": details.current().name,
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
