from django.conf import settings


def operator(request):
    """The operator's name and phone number, for the header and footer of every page."""
    phone = settings.OPERATOR["phone"]
    return {
        "operator": settings.OPERATOR,
        "operator_phone_href": "tel:" + "".join(ch for ch in phone if ch.isdigit() or ch == "+"),
        "operator_whatsapp_href": "https://wa.me/" + "".join(ch for ch in phone if ch.isdigit()),
    }
