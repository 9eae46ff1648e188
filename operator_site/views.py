import datetime
import logging
import shutil

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db import IntegrityError, connection, transaction
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_safe
from django.views.generic import DetailView
from django.views.static import serve

from . import kept, pagecache
from .models import ContentPage, Heartbeat
from .text import render_body

logger = logging.getLogger(__name__)


def breadcrumbs(*crumbs):
    """[(label, url)], Home first; the last crumb is the current page."""
    return [(_("Home"), reverse("home")), *crumbs]


class ContentPageView(DetailView):
    template_name = "operator_site/content_page.html"
    context_object_name = "page"

    def get_queryset(self):
        pages = ContentPage.objects.all()
        # Staff preview drafts, as they do treks; the public gets 404.
        return pages if self.request.user.is_staff else pages.published()

    def get(self, request, *args, **kwargs):
        page = super().get  # an unknown slug raises 404 here: only real pages are stored
        return pagecache.serve(
            request, lambda: page(request, *args, **kwargs), name="page", variant=kwargs["slug"]
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = self.object
        context.update(
            body=render_body(page.body),
            breadcrumbs=breadcrumbs((page.title, page.get_absolute_url())),
        )
        return context


@require_safe
@cache_control(max_age=86400, public=True)
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


# The heartbeat row is rewritten when older than this: one write per few seconds for all app
# servers together, not one per probe (a load balancer probes every server every few seconds).
HEARTBEAT_SECONDS = 5


def _database_check():
    """ "ok", "down" (no answer) or "unwritable" (answers, but refuses writes: disk full,
    read-only file or server). Reads the heartbeat row and rewrites it when it is older than
    HEARTBEAT_SECONDS: a write that any app server made that recently proves the same."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        now = timezone.now()
        beat = Heartbeat.objects.filter(pk=1).values_list("beat_at", flat=True).first()
    except Exception:
        logger.warning("healthz: database unavailable", exc_info=True)
        return "down"
    if beat is not None and now - datetime.timedelta(seconds=HEARTBEAT_SECONDS) < beat <= now:
        return "ok"
    try:
        with transaction.atomic():
            if not Heartbeat.objects.filter(pk=1).update(beat_at=now):
                Heartbeat.objects.create(pk=1, beat_at=now)
    except IntegrityError:
        pass  # another server created the row at the same moment: that was a write
    except Exception:
        logger.warning("healthz: database refuses writes", exc_info=True)
        return "unwritable"
    return "ok"


def _disk_check():
    """ "ok", or "full" when the data folder (SQLite, uploads, file cache) has less than
    DATA_DIR_MIN_FREE_MB free."""
    try:
        free = shutil.disk_usage(settings.DATA_DIR).free
    except OSError:
        return "ok"  # no data folder (static-only checkout): nothing there to fill up
    return "full" if free < settings.DATA_DIR_MIN_FREE_MB * 1024 * 1024 else "ok"


@require_safe
@cache_control(no_store=True)
def healthz(request):
    """For a load balancer. 200 when this server can serve and store: the database answers
    and takes writes, and the data folder has room. 503 otherwise (a traveller's request
    would fail). Redis (when REDIS_URL is set) is reported but does not fail the check: the
    site works without it, only slower, and taking every server out of the pool because the
    shared cache is down would turn a slow site into no site. The body names what is down and
    nothing else (no host names, no error texts)."""
    checks = {"database": _database_check(), "disk": _disk_check()}
    if settings.REDIS_URL:
        from django_redis import get_redis_connection

        # Redis itself, not the cache: it answers "nothing" while Redis is away.
        checks["cache"] = "ok" if get_redis_connection("default").ping() else "down"
    if checks["database"] != "ok" or checks["disk"] != "ok":
        status, code = "error", 503
    elif "down" in checks.values():
        status, code = "degraded", 200
    else:
        status, code = "ok", 200
    return JsonResponse({"status": status, **checks}, status=code)


# Error pages. Django's defaults render 400/403/500 without the request, so the site's header
# and footer could not show the operator's name; these render with it, and fall back to a plain
# text page if even that fails (a broken template must not hide the original error).


def _error_page(request, template_name, status):
    context = {"error_page": True}
    try:
        request.get_host()
    except DisallowedHost:
        # The Host header itself was the bad input: build no absolute link from it.
        context["canonical_url"] = ""
    try:
        return render(request, template_name, context, status=status)
    except Exception:
        logger.exception("could not render %s", template_name)
        return HttpResponse(
            f"Error {status}. Please try again later.", status=status, content_type="text/plain"
        )


def bad_request(request, exception):
    return _error_page(request, "400.html", 400)


def permission_denied(request, exception):
    return _error_page(request, "403.html", 403)


def page_not_found(request, exception):
    return _error_page(request, "404.html", 404)


def server_error(request):
    return _error_page(request, "500.html", 500)


@require_safe
@cache_control(max_age=86400, public=True)
def media(request, path):
    """Uploaded photos on a one-server install; their names change when the photo does."""
    try:
        return serve(request, path, document_root=settings.MEDIA_ROOT)
    except OSError:  # a name the file system refuses (too long, say) names no photo
        raise Http404("No such file") from None


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico on pages without an icon link (admin): send the real one."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a refused form in the site's style, saying what to do, with what was
    typed shown back (operator_site/kept.py) when the form came from this site: a missing or
    stale CSRF cookie or token (cookies cleared, a page kept open for days). A POST from
    another site (the Origin or Referer check failed, or the browser says so in
    Sec-Fetch-Site) gets no echo: it must not be able to put its text on our pages."""
    same_site = reason.startswith("CSRF ") and request.headers.get("Sec-Fetch-Site") in (
        None,
        "same-origin",
        "none",
    )
    return kept.refusal(request, "403_csrf.html", 403, show_typed=same_site)


@require_GET
@cache_control(public=True, max_age=60 * 60)
def social_card(request):
    """The default og:image, drawn from the operator's details (operator_site/social_card.py)."""
    from .social_card import card_png

    return HttpResponse(card_png(), content_type="image/png")
