from django.conf import settings
from django.db import connection
from django.db.models import Count, Q
from django.http import HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from django.views.generic import DetailView, TemplateView
from django.views.static import serve

from treks.caching import shared_page
from treks.models import Destination, TravelStyle, Trek
from treks.views import breadcrumbs, card_treks, with_card_data

from .models import ContentPage
from .text import render_body

POPULAR_COUNT = 6
WHY_US_SLUG = "why-travel-with-us"


class HomeView(TemplateView):
    template_name = "home.html"

    def get(self, request, *args, **kwargs):
        return shared_page(request, "home", lambda: super(HomeView, self).get(request))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        published = Q(treks__is_published=True)
        pages = list(ContentPage.objects.published())
        context.update(
            popular_treks=with_card_data(
                card_treks(Trek.objects.published()).order_by("popularity", "name")[:POPULAR_COUNT]
            ),
            destinations=Destination.objects.annotate(trek_count=Count("treks", filter=published)),
            styles=TravelStyle.objects.annotate(trek_count=Count("treks", filter=published)),
            why_us=next((p for p in pages if p.slug == WHY_US_SLUG), None),
            pages=[p for p in pages if p.slug != WHY_US_SLUG],
        )
        return context


class ContentPageView(DetailView):
    template_name = "operator_site/content_page.html"
    context_object_name = "page"

    def get_queryset(self):
        pages = ContentPage.objects.all()
        # Staff preview drafts, as they do treks; the public gets 404.
        return pages if self.request.user.is_staff else pages.published()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = self.object
        context.update(
            body=render_body(page.body),
            breadcrumbs=breadcrumbs((page.title, page.get_absolute_url())),
        )
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
@cache_control(max_age=86400, public=True)
def media(request, path):
    """Uploaded photos on a one-server install; their names change when the photo does."""
    return serve(request, path, document_root=settings.MEDIA_ROOT)


@require_GET
def favicon(request):
    """Browsers ask for /favicon.ico on pages without an icon link (admin): send the real one."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))
