from django.apps import AppConfig


class OperatorSiteConfig(AppConfig):
    """Site-wide pieces that belong to no one app: the setup command, context, error pages."""

    name = "operator_site"
    verbose_name = "Site"
