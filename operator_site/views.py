from django.db import connection
from django.http import HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from treks.models import Destination, TravelStyle, Trek


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Lazy querysets: home.html's cached fragment runs them only when the cache is cold.
        context["popular_treks"] = (
            Trek.objects.published().select_related("destination").with_stages()[:6]
        )
        context["destinations"] = Destination.objects.all()
        context["styles"] = TravelStyle.objects.all()
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
