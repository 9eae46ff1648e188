import re

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView

from operator_site import details, pagecache
from operator_site.views import breadcrumbs
from treks.models import Trek

from .models import Post

POSTS_PER_PAGE = 10
SLUG = re.compile(r"[-a-zA-Z0-9_]{1,80}")


def published_treks():
    """A post's treks that the public may see, in the catalogue's order."""
    return Prefetch("treks", queryset=Trek.objects.published().order_by("popularity", "name"))


def visible_posts(request):
    """Published posts for the public; staff also see drafts and scheduled posts, to preview."""
    posts = Post.objects.all()
    return posts if request.user.is_staff else posts.published()


class PostListView(ListView):
    template_name = "blog/post_list.html"
    context_object_name = "posts"
    paginate_by = POSTS_PER_PAGE

    def get(self, request, *args, **kwargs):
        number = request.GET.get(self.page_kwarg, "1")
        self.trek_slug = request.GET.get("trek", "")
        # Only plain page numbers and slugs are stored: made-up query strings cannot fill the
        # cache. Cusco's date: a scheduled post appears on its day without a save.
        plain = number.isdigit() and (not self.trek_slug or SLUG.fullmatch(self.trek_slug))
        variant = f"{self.trek_slug}:{number}:{timezone.localdate()}" if plain else None
        return pagecache.serve(
            request, lambda: super(PostListView, self).get(request), name="blog", variant=variant
        )

    def get_queryset(self):
        posts = Post.objects.published().prefetch_related(published_treks())
        if self.trek_slug:
            # The trek page's "guides about this trek" link.
            self.trek = Trek.objects.published().filter(slug=self.trek_slug[:80]).first()
            posts = posts.filter(treks=self.trek) if self.trek else posts.none()
        else:
            self.trek = None
        return posts

    def paginate_queryset(self, queryset, page_size):
        # get_page(): past the end shows the last page, garbage the first (as the catalogue).
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            trek=self.trek,
            noindex=bool(self.trek_slug),
            breadcrumbs=breadcrumbs((_("Travel Blog"), reverse("blog:list"))),
        )
        return context


class PostDetailView(DetailView):
    template_name = "blog/post_detail.html"
    context_object_name = "post"

    def get(self, request, *args, **kwargs):
        post = super().get  # an unknown slug raises 404 here: only real posts are stored
        return pagecache.serve(
            request,
            lambda: post(request, *args, **kwargs),
            name="post",
            variant=f"{kwargs['slug']}:{timezone.localdate()}",
        )

    def get_queryset(self):
        return visible_posts(self.request).prefetch_related(published_treks())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        post = self.object
        context.update(
            treks=list(post.treks.all()),
            json_ld=post_json_ld(post),
            breadcrumbs=breadcrumbs(
                (_("Travel Blog"), reverse("blog:list")), (post.title, post.get_absolute_url())
            ),
        )
        return context


def post_json_ld(post):
    url = settings.SITE_URL + post.get_absolute_url()
    data = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": post.title,
        "description": post.summary,
        "url": url,
        "mainEntityOfPage": url,
        "datePublished": post.published_on.isoformat(),
        "dateModified": timezone.localtime(post.updated_at).isoformat(),
        "author": {"@type": "Person", "name": post.author},
        "publisher": {"@type": "Organization", "name": details.current().name},
        "inLanguage": _post_language(post),
    }
    if post.cover:
        data["image"] = settings.SITE_URL + post.cover_photo.url
    return data


def _post_language(post):
    """The language the post's text is in on this page: Spanish falls back to English."""
    code = get_language()
    return code if getattr(post, f"body_{code}", None) else settings.LANGUAGE_CODE


class LatestPostsFeed(Feed):
    """The blog as an Atom feed, in the language of its address (/blog/feed/, /es/blog/feed/)."""

    feed_type = Atom1Feed

    def title(self):
        return _("%(name)s: Travel Blog") % {"name": details.current().name}

    def subtitle(self):
        return _("Guides to trekking around Cusco and Machu Picchu.")

    def link(self):
        return reverse("blog:list")

    def feed_url(self):
        return settings.SITE_URL + reverse("blog:feed")

    def items(self):
        return Post.objects.published()[:20]

    def item_title(self, post):
        return post.title

    def item_description(self, post):
        return post.summary

    def item_link(self, post):
        return post.get_absolute_url()

    def item_author_name(self, post):
        return post.author

    def item_pubdate(self, post):
        return timezone.make_aware(
            timezone.datetime.combine(post.published_on, timezone.datetime.min.time())
        )

    def item_updateddate(self, post):
        return post.updated_at
