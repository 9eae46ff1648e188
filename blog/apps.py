from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BlogConfig(AppConfig):
    name = "blog"
    verbose_name = _("Travel blog")

    def ready(self):
        from operator_site import pagecache

        # Trek pages list their posts and the blog pages their treks: a post's save, delete
        # or change of treks reaches every cached page.
        pagecache.watch(self.get_model("Post"))
