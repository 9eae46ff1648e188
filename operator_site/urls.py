from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _

from treks.views import HomeView

from . import views
from .sitemaps import SITEMAPS

admin.site.site_header = _("Salkantay Trek Machu: staff")
admin.site.site_title = _("Staff")
admin.site.index_title = _("Catalogue and requests")

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("healthz", views.healthz, name="healthz"),
    # Browsers ask for /favicon.ico on pages without an icon link (admin): no 404 in the logs.
    path("favicon.ico", views.favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("about/<slug:slug>/", views.ContentPageView.as_view(), name="page"),
    path("", include("treks.urls")),
    path("", include("inquiries.urls")),
]

if settings.SERVE_MEDIA:
    # One-server installs (`make run`): Django serves the uploaded photos itself. Behind a web
    # server or object storage, set DJANGO_SERVE_MEDIA=0 and let that serve MEDIA_URL instead.
    urlpatterns += [
        re_path(
            r"^{}(?P<path>.*)$".format(settings.MEDIA_URL.lstrip("/")),
            views.media,
            name="media",
        )
    ]

handler400 = "operator_site.views.bad_request"
handler403 = "operator_site.views.permission_denied"
handler404 = "operator_site.views.page_not_found"
handler500 = "operator_site.views.server_error"
