from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeskConfig(AppConfig):
    """The sales desk: what staff need to answer requests from admin without a second tool
    (contact links, a dated history, reply templates, the numbers, the staff roles)."""

    name = "desk"
    verbose_name = _("Sales desk")

    def ready(self):
        from outbox import signals

        from . import history

        # Every e-mail's delivery or failure is written into its request's history, once.
        signals.delivered.connect(history.on_delivered, dispatch_uid="desk.history.delivered")
        signals.failed.connect(history.on_failed, dispatch_uid="desk.history.failed")
        signals.expired.connect(history.on_expired, dispatch_uid="desk.history.expired")
