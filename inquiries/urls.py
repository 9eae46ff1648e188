from django.urls import path
from django.utils.translation import pgettext_lazy

from . import views

app_name = "inquiries"

# Translated path words, as in treks/urls.py: /contact/ and /es/contacto/.
urlpatterns = [
    path(pgettext_lazy("address", "contact/"), views.InquiryCreateView.as_view(), name="contact"),
    path(pgettext_lazy("address", "contact/thanks/"), views.ThanksView.as_view(), name="thanks"),
    path(
        pgettext_lazy("address", "treks/<slug:slug>/request/"),
        views.InquiryCreateView.as_view(),
        name="trek_request",
    ),
]
