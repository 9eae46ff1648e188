from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class StaffAdminConfig(admin_apps.AdminConfig):
    """Django's admin, whose default site asks staff for their second factor."""

    default = False  # named in INSTALLED_APPS; "operator_site" alone means the one below
    default_site = "operator_site.second_factor.StaffAdminSite"


class OperatorSiteConfig(AppConfig):
    """Site-wide pieces that belong to no one app: the setup command, context, error pages,
    the page cache (operator_site.pagecache)."""

    name = "operator_site"
    verbose_name = "Site"

    def ready(self):
        from . import pagecache, signals  # noqa: F401  (signals connects its receivers)

        # The release digest, once, at start-up: in gunicorn's master before it forks, so that
        # every worker has it without reading the files again.
        pagecache.release()
        # Content pages are in the menu of every page; the operator's details in its header
        # and footer.
        pagecache.watch(self.get_model("ContentPage"), self.get_model("OperatorDetails"))
