from django.urls import path

from . import views

app_name = "treks"

urlpatterns = [
    path("treks/", views.TrekListView.as_view(), name="list"),
    path("treks/<slug:slug>/", views.TrekDetailView.as_view(), name="detail"),
    path("destinations/", views.DestinationListView.as_view(), name="destinations"),
    path("destinations/<slug:slug>/", views.DestinationDetailView.as_view(), name="destination"),
    path("styles/", views.TravelStyleListView.as_view(), name="styles"),
    path("styles/<slug:slug>/", views.TravelStyleDetailView.as_view(), name="style"),
]
