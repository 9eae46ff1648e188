from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import views
from .sitemaps import SITEMAPS

admin.site.site_header = _("Salkantay Trek Machu: staff")
admin.site.site_title = _("Staff")
admin.site.index_title = _("Catalogue and requests")

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("", include("treks.urls")),
]

handler400 = "operator_site.views.bad_request"
handler403 = "operator_site.views.permission_denied"
handler404 = "operator_site.views.page_not_found"
handler500 = "operator_site.views.server_error"
