"""The site's URLs plus a stand-in /contact/ page, as once the request form exists."""

from django.http import HttpResponse
from django.urls import path

from operator_site.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    path("contact/", lambda request: HttpResponse("contact"), name="contact-stand-in"),
    *site_urlpatterns,
]
