from django.urls import path

from . import views

# Under the site's i18n_patterns: / and /es/.
urlpatterns = [path("", views.HomeView.as_view(), name="home")]
