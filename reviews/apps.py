from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Reviews")

    def ready(self):
        from operator_site import pagecache

        # The home page and trek pages show reviews, their average and count.
        pagecache.watch(self.get_model("Review"))
