from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    """Every e-mail the site sends: a row written with what causes it, sent by send_outbox."""

    name = "outbox"
    verbose_name = _("Outbox")
