from django.urls import path
from django.utils.translation import pgettext_lazy

from . import views

app_name = "bookings"

urlpatterns = [
    path(
        pgettext_lazy("address", "booking/<str:signed>/"),
        views.BookingPageView.as_view(),
        name="booking",
    ),
]
