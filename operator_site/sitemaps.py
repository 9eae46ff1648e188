from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from treks.models import Destination, TravelStyle, Trek

from .models import ContentPage


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


class ContentPageSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.5

    def items(self):
        return ContentPage.objects.published().order_by("pk")

    def lastmod(self, page):
        return page.updated_at


class StaticViewSitemap(Sitemap):
    priority = 0.6

    def items(self):
        return ["home", "treks:list", "treks:destinations", "treks:styles"]

    def location(self, name):
        return reverse(name)


SITEMAPS = {
    "pages": StaticViewSitemap,
    "treks": TrekSitemap,
    "destinations": DestinationSitemap,
    "styles": TravelStyleSitemap,
    "content": ContentPageSitemap,
}
