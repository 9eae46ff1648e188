import re
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView

from operator_site import details, pagecache, query
from operator_site.text import xml_safe
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
    """The posts, newest first, or one trek's (?trek=<slug>), ten a page (?page=N).

    Only pages that exist are stored: a page number written another way ("٣", "02") or past
    the last page, and a trek that is not published, are sent to the canonical address."""

    template_name = "blog/post_list.html"
    context_object_name = "posts"
    paginate_by = POSTS_PER_PAGE

    def get(self, request, *args, **kwargs):
        raw_page = request.GET.get(self.page_kwarg, "")
        self.trek_slug = request.GET.get("trek", "")
        self.number = query.read(query.PAGE_NUMBER, raw_page)
        self.redirect_to = None
        if self.trek_slug and not SLUG.fullmatch(self.trek_slug):
            return self._unknown_trek()
        if raw_page and str(self.number) != raw_page:
            return redirect(self._address(self.trek_slug, self.number))
        # Cusco's date: a scheduled post appears on its day without a save.
        variant = f"{self.trek_slug}:{self.number or 1}:{timezone.localdate()}"
        return pagecache.serve(request, self._page, name="blog", variant=variant)

    def _page(self):
        response = super().get(self.request)
        return redirect(self.redirect_to) if self.redirect_to else response

    def _address(self, trek_slug, number):
        query_string = urlencode(
            {k: v for k, v in (("trek", trek_slug), ("page", number)) if v and v != 1}
        )
        return reverse("blog:list") + (f"?{query_string}" if query_string else "")

    def _unknown_trek(self):
        messages.info(self.request, _("We know no trek of that name: here are all our posts."))
        return redirect(self._address("", None))

    def get_queryset(self):
        posts = Post.objects.published().prefetch_related(published_treks())
        self.trek = None
        if self.trek_slug:
            # The trek page's "guides about this trek" link.
            self.trek = Trek.objects.published().filter(slug=self.trek_slug).first()
            if self.trek is None:
                self.redirect_to = self._unknown_trek().url
                return posts.none()
            posts = posts.filter(treks=self.trek)
        return posts

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        number = self.number or 1
        if number > paginator.num_pages:
            self.redirect_to = self.redirect_to or self._address(
                self.trek_slug, paginator.num_pages
            )
            number = paginator.num_pages
        page = paginator.page(number)
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


class XmlSafeAtomFeed(Atom1Feed):
    """Atom, with the characters XML cannot hold left out of every text: Django's generator
    refuses them with an exception (a 500), and a title stored before admin refused them, or
    imported, must not take the feed down."""

    def __init__(self, *args, **kwargs):
        super().__init__(*map(xml_safe, args), **{k: xml_safe(v) for k, v in kwargs.items()})

    def add_item(self, *args, **kwargs):
        super().add_item(*map(xml_safe, args), **{k: xml_safe(v) for k, v in kwargs.items()})


class LatestPostsFeed(Feed):
    """The blog as an Atom feed, in the language of its address (/blog/feed/, /es/blog/feed/)."""

    feed_type = XmlSafeAtomFeed

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
