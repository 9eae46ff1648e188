from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeskConfig(AppConfig):
    """The sales desk: what staff need to answer requests from admin without a second tool
    (contact links, a dated history, reply templates, the numbers, the staff roles)."""

    name = "desk"
    verbose_name = _("Sales desk")
