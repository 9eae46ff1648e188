from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from . import views

admin.site.site_header = _("Salkantay Trek Machu: staff")
admin.site.site_title = _("Staff")
admin.site.index_title = _("Catalogue and requests")

# One address for every language: machines' files and the load balancer's probe.
urlpatterns = [
    path("robots.txt", views.robots_txt, name="robots"),
    path("", include("pages.sitemap_urls")),
    path("healthz", views.healthz, name="healthz"),
    # Browsers ask for /favicon.ico on pages without an icon link (admin): no 404 in the logs.
    path("favicon.ico", views.favicon, name="favicon"),
    # The default og:image, drawn from the operator's details: a new phone is on the next card.
    path("og-card.png", views.social_card, name="social_card"),
    # The payment providers' notifications: one address, whatever the language.
    path("", include("payments.hooks_urls")),
]

# English at the addresses it always had (/treks/lares-trek/), Spanish under /es/ with
# translated path words and slugs (/es/caminatas/caminata-lares/). The language comes from the
# address only, never from the browser's Accept-Language or a cookie: a page's lang always
# matches its text, and a shared cached page is the same for everyone at one address. Admin is
# here too, so that staff who prefer Spanish can work at /es/admin/.
urlpatterns += i18n_patterns(
    path("", include("pages.urls")),
    path("admin/", admin.site.urls),
    path(
        pgettext_lazy("address", "about/<slug:slug>/"), views.ContentPageView.as_view(), name="page"
    ),
    path("", include("treks.urls")),
    path("", include("inquiries.urls")),
    path("", include("blog.urls")),
    path("", include("reviews.urls")),
    path("", include("bookings.urls")),
    path("", include("payments.urls")),
    prefix_default_language=False,
)

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
