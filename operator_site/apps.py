from django.apps import AppConfig


class OperatorSiteConfig(AppConfig):
    """Site-wide pieces that belong to no one app: the setup command, context, error pages."""

    name = "operator_site"
    verbose_name = "Site"

    def ready(self):
        from . import signals  # noqa: F401  (connects the receivers)
