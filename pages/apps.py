from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PagesConfig(AppConfig):
    """The pages that gather every app: the home page and the sitemap. An app of their own so
    that no app they read (treks, blog, operator_site) has to import its readers back."""

    name = "pages"
    verbose_name = _("Site-wide pages")
