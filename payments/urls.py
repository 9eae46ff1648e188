from django.urls import path
from django.utils.translation import pgettext_lazy

from . import views

app_name = "payments"

urlpatterns = [
    path(
        pgettext_lazy("address", "booking/<str:signed>/pay/<slug:provider>/"),
        views.PayView.as_view(),
        name="pay",
    ),
    path(
        pgettext_lazy("address", "payment/<slug:provider>/<uuid:reference>/back/"),
        views.BackView.as_view(),
        name="back",
    ),
    path(
        pgettext_lazy("address", "payment/<slug:provider>/<uuid:reference>/cancelled/"),
        views.CancelledView.as_view(),
        name="cancelled",
    ),
]
