from django.urls import path
from django.utils.translation import pgettext_lazy

from . import views

app_name = "treks"

# The path words are translated: /treks/ in English, /es/caminatas/ in Spanish (the site's
# urls.py puts these under i18n_patterns). The context keeps them apart from the same words
# used as labels.
urlpatterns = [
    path(pgettext_lazy("address", "treks/"), views.TrekListView.as_view(), name="list"),
    path(
        pgettext_lazy("address", "treks/<slug:slug>/"),
        views.TrekDetailView.as_view(),
        name="detail",
    ),
    path(
        pgettext_lazy("address", "destinations/"),
        views.DestinationListView.as_view(),
        name="destinations",
    ),
    path(
        pgettext_lazy("address", "destinations/<slug:slug>/"),
        views.DestinationDetailView.as_view(),
        name="destination",
    ),
    path(pgettext_lazy("address", "styles/"), views.TravelStyleListView.as_view(), name="styles"),
    path(
        pgettext_lazy("address", "styles/<slug:slug>/"),
        views.TravelStyleDetailView.as_view(),
        name="style",
    ),
]
