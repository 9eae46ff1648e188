from django.urls import path
from django.utils.translation import pgettext_lazy

from . import views

app_name = "reviews"

urlpatterns = [
    path(
        pgettext_lazy("address", "reviews/<slug:slug>/"),
        views.TrekReviewsView.as_view(),
        name="trek",
    ),
]
