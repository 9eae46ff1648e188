from django.apps import AppConfig


class OperatorSiteConfig(AppConfig):
    """Site-wide pieces that belong to no one app: the setup command, context, error pages,
    the page cache (operator_site.pagecache)."""

    name = "operator_site"
    verbose_name = "Site"

    def ready(self):
        from . import pagecache

        # Content pages are in the menu of every page.
        pagecache.watch(self.get_model("ContentPage"))
