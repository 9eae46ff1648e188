"""The home page: popular treks, destinations, styles and the content pages."""

from django.db.models import Count, Q
from django.views.generic import TemplateView

from operator_site import pagecache
from operator_site.models import ContentPage
from treks.models import Destination, TravelStyle, Trek
from treks.seo import operator_json_ld
from treks.views import card_treks, with_card_data

POPULAR_COUNT = 6
WHY_US_SLUG = "why-travel-with-us"


class HomeView(TemplateView):
    """The home page: popular treks, destinations, styles and the content pages."""

    template_name = "home.html"

    def get(self, request, *args, **kwargs):
        return pagecache.serve(request, lambda: super(HomeView, self).get(request), name="home")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        published = Q(treks__is_published=True)
        pages = list(ContentPage.objects.published())
        self.request.published_content_pages = pages  # the menu's pages: see main_nav()
        context.update(
            popular_treks=with_card_data(
                card_treks(Trek.objects.published()).order_by("popularity", "name")[:POPULAR_COUNT]
            ),
            destinations=Destination.objects.annotate(trek_count=Count("treks", filter=published)),
            styles=TravelStyle.objects.annotate(trek_count=Count("treks", filter=published)),
            # Found by its English slug: `slug` reads the active language's.
            why_us=next((p for p in pages if p.slug_en == WHY_US_SLUG), None),
            pages=[p for p in pages if p.slug_en != WHY_US_SLUG],
            json_ld=operator_json_ld(),
        )
        return context
