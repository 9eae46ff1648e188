from django.urls import path
from django.utils.translation import pgettext_lazy

from . import views

app_name = "blog"

urlpatterns = [
    path(pgettext_lazy("address", "blog/"), views.PostListView.as_view(), name="list"),
    path(pgettext_lazy("address", "blog/feed/"), views.LatestPostsFeed(), name="feed"),
    path(
        pgettext_lazy("address", "blog/<slug:slug>/"), views.PostDetailView.as_view(), name="post"
    ),
]
