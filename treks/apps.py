from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TreksConfig(AppConfig):
    name = "treks"
    verbose_name = _("Trek catalogue")

    def ready(self):
        # Connects the handlers that bump the cache version on every catalogue change.
        from . import signals  # noqa: F401
