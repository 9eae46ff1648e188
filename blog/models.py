"""The travel blog: guides that staff write in admin, each about one or more treks.

A post is public once it is ticked published and its publication day has come in Cusco, so a
post can be scheduled by giving it a later date. Blog pages and trek pages carry Cusco's date in
their page-cache variant, so a scheduled post appears on its day without anyone saving.
"""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from operator_site.languages import fill_missing_slugs
from treks.images import Picture
from treks.models import Trek

from .text import render_markdown


class PostQuerySet(models.QuerySet):
    def published(self):
        """The one definition of what the public may see: views, feed and sitemap use it."""
        return self.filter(is_published=True, published_on__lte=timezone.localdate())


class Post(models.Model):
    title = models.CharField(_("title"), max_length=120, help_text=_("The post's heading."))
    slug = models.SlugField(
        _("slug"), max_length=80, help_text=_("The web address: /blog/<slug>/.")
    )
    summary = models.CharField(
        _("summary"),
        max_length=300,
        help_text=_("One or two sentences: the blog list, search results and the feed."),
    )
    body = models.TextField(
        _("text"),
        max_length=40000,
        help_text=_(
            "Markdown: a blank line between paragraphs, “## ” for a heading, “- ” for a list, "
            "[text](https://…) for a link. HTML is removed."
        ),
    )
    author = models.CharField(
        _("author"), max_length=80, help_text=_("Who wrote it, as shown under the title.")
    )
    published_on = models.DateField(
        _("publication date"),
        default=timezone.localdate,
        help_text=_("A later date schedules the post: it appears that day (Cusco time)."),
    )
    is_published = models.BooleanField(
        _("published"),
        default=False,
        help_text=_("Drafts are visible only to staff (use “View on site” to preview)."),
    )
    cover = models.ImageField(
        _("cover photo"),
        upload_to="blog/%Y/",
        width_field="cover_width",
        height_field="cover_height",
        blank=True,
        help_text=_("Optional. A JPEG, PNG or WebP photo; smaller copies are made for the site."),
    )
    cover_width = models.PositiveIntegerField(editable=False, default=0)
    cover_height = models.PositiveIntegerField(editable=False, default=0)
    cover_alt = models.CharField(
        _("cover photo alt text"),
        max_length=200,
        blank=True,
        help_text=_("What the photo shows, for people who cannot see it. Required with a photo."),
    )
    cover_renditions = models.JSONField(
        _("cover renditions"), default=dict, blank=True, editable=False
    )
    treks = models.ManyToManyField(
        Trek,
        related_name="posts",
        blank=True,
        verbose_name=_("treks"),
        help_text=_("The treks this post is about: each trek page links to it."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-published_on", "-id"]
        verbose_name = _("blog post")
        verbose_name_plural = _("blog posts")
        constraints = [
            models.UniqueConstraint(
                fields=["slug"],
                name="blog_post_unique_slug",
                violation_error_message=_("Another post already uses this slug."),
            ),
            models.CheckConstraint(
                condition=Q(cover="") | ~Q(cover_alt=""),
                name="blog_post_cover_has_alt_text",
                violation_error_message=_("A cover photo needs alt text."),
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        fill_missing_slugs(self)
        super().save(*args, **kwargs)
        if self.cover and self.cover_renditions.get("source") != self.cover.name:
            # The photo pipeline of trek photos: upright, no EXIF, WebP and JPEG renditions.
            from treks.images import delete_renditions, make_renditions

            delete_renditions(self.cover_renditions.get("files"))
            self.cover_renditions = {
                "source": self.cover.name,
                "files": make_renditions(self.cover.name, storage=self.cover.storage),
            }
            Post.objects.filter(pk=self.pk).update(cover_renditions=self.cover_renditions)

    def get_absolute_url(self):
        return reverse("blog:post", kwargs={"slug": self.slug})

    @property
    def is_public(self):
        return self.is_published and self.published_on <= timezone.localdate()

    @property
    def body_html(self):
        return render_markdown(self.body)

    @property
    def cover_photo(self):
        """The cover as treks/_picture.html reads a photo, or None."""
        if not self.cover:
            return None
        return Picture(
            self.cover,
            self.cover_renditions,
            width=self.cover_width,
            height=self.cover_height,
            alt_text=self.cover_alt,
        )
