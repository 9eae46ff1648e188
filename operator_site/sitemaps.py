from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from treks.models import Destination, TravelStyle, Trek


class TrekSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return Trek.objects.published().order_by("popularity", "pk")

    def lastmod(self, trek):
        return trek.updated_at


class DestinationSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Destination.objects.order_by("pk")


class TravelStyleSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return TravelStyle.objects.order_by("pk")


class StaticViewSitemap(Sitemap):
    priority = 0.6

    def items(self):
        return ["home", "treks:list"]

    def location(self, name):
        return reverse(name)


SITEMAPS = {
    "pages": StaticViewSitemap,
    "treks": TrekSitemap,
    "destinations": DestinationSitemap,
    "styles": TravelStyleSitemap,
}
