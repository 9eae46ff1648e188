from django.db import connection
from django.http import HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from treks.models import Destination, TravelStyle, Trek
from treks.views import cached_list


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Cached per catalogue version (see treks.caching): a warm home page runs no query.
        context["popular_treks"] = cached_list(
            "popular", Trek.objects.published().select_related("destination").with_stages()[:6]
        )
        context["destinations"] = cached_list("destinations", Destination.objects.all())
        context["styles"] = cached_list("styles", TravelStyle.objects.all())
        return context


@require_GET
@cache_control(max_age=86400, public=True)
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


@require_GET
@cache_control(no_store=True)
def healthz(request):
    """Liveness for a load balancer: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "error", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@require_GET
def favicon(request):
    """Browsers ask for /favicon.ico on pages without an icon link (admin): send the real one."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))
