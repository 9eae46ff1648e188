from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from blog.models import Post
from operator_site.models import ContentPage
from treks.models import Destination, TravelStyle, Trek


class LanguagesSitemap(Sitemap):
    """Every page once per language, each entry with its <xhtml:link hreflang> alternates (and
    x-default, the English page): Django builds the addresses under each language in turn."""

    i18n = True
    alternates = True
    x_default = True

    # From SITE_URL, as every canonical link: not the sites framework's row (which is there
    # for the redirects app) nor the request's Host.
    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class TrekSitemap(LanguagesSitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return Trek.objects.published().order_by("popularity", "pk")

    def lastmod(self, trek):
        return trek.updated_at


class DestinationSitemap(LanguagesSitemap):
    changefreq = "monthly"

    def items(self):
        return Destination.objects.order_by("pk")


class TravelStyleSitemap(LanguagesSitemap):
    changefreq = "monthly"

    def items(self):
        return TravelStyle.objects.order_by("pk")


class ContentPageSitemap(LanguagesSitemap):
    changefreq = "monthly"
    priority = 0.5

    def items(self):
        return ContentPage.objects.published().order_by("pk")

    def lastmod(self, page):
        return page.updated_at


class PostSitemap(LanguagesSitemap):
    changefreq = "monthly"
    priority = 0.6

    def items(self):
        return Post.objects.published().order_by("pk")

    def lastmod(self, post):
        return post.updated_at


class TrekReviewsSitemap(LanguagesSitemap):
    """A trek's reviews page, once it has a published review (without one it says nothing)."""

    changefreq = "monthly"
    priority = 0.4

    def items(self):
        published = Trek.objects.published().filter(reviews__is_published=True)
        return published.distinct().order_by("popularity", "pk")

    def location(self, trek):
        return reverse("reviews:trek", kwargs={"slug": trek.slug})


class StaticViewSitemap(LanguagesSitemap):
    priority = 0.6

    def items(self):
        return ["home", "treks:list", "treks:destinations", "treks:styles", "blog:list"]

    def location(self, name):
        return reverse(name)


SITEMAPS = {
    "pages": StaticViewSitemap,
    "treks": TrekSitemap,
    "destinations": DestinationSitemap,
    "styles": TravelStyleSitemap,
    "content": ContentPageSitemap,
    "posts": PostSitemap,
    "reviews": TrekReviewsSitemap,
}
