from django.contrib.sitemaps.views import sitemap
from django.urls import path

from .sitemaps import SITEMAPS

# One address for every language (outside i18n_patterns): /sitemap.xml.
urlpatterns = [path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap")]
