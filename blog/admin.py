from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from operator_site.pagecache import BumpOnActionsAdmin
from operator_site.translation_admin import TranslatedContentAdmin, TranslationStatusFilter
from treks import images

from .models import Post


class PostForm(forms.ModelForm):
    # A plain FileField, as for trek photos: images.validated_image() says what is wrong.
    cover = forms.FileField(
        label=_("cover photo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=Post._meta.get_field("cover").help_text,
    )

    class Meta:
        model = Post
        fields = [
            "title",
            "slug",
            "summary",
            "body",
            "author",
            "is_published",
            "published_on",
            "cover",
            "cover_alt",
            "treks",
        ]

    def clean(self):
        # The database refuses it too (blog_post_cover_has_alt_text); the form says it first,
        # as the admin form checks only constraints on the fields it shows.
        cleaned = super().clean()
        alt = build_localized_fieldname("cover_alt", settings.LANGUAGE_CODE)
        if cleaned.get("cover") and not cleaned.get(alt):
            self.add_error(alt, Post._meta.constraints[1].violation_error_message)
        return cleaned

    def clean_cover(self):
        upload = self.cleaned_data["cover"]
        if not isinstance(upload, UploadedFile):
            return upload  # unchanged, cleared or none
        return images.cleaned_upload(upload)


@admin.register(Post)
class PostAdmin(BumpOnActionsAdmin, TranslatedContentAdmin):
    form = PostForm
    list_display = ["title", "published_on", "is_published", "to_translate", "author"]
    list_filter = ["is_published", TranslationStatusFilter, "treks"]
    search_fields = ["title_en", "title_es", "summary_en", "summary_es", "author"]
    date_hierarchy = "published_on"
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["treks"]
    readonly_fields = ["updated_at"]
    actions = ["publish", "unpublish"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "body", "author"]}),
        (_("Publication"), {"fields": ["is_published", "published_on", "updated_at"]}),
        (_("Cover photo"), {"fields": ["cover", "cover_alt"]}),
        (_("Treks"), {"fields": ["treks"]}),
    ]

    @admin.action(description=_("Publish the selected posts"))
    def publish(self, request, queryset):
        queryset.update(is_published=True)

    @admin.action(description=_("Unpublish the selected posts"))
    def unpublish(self, request, queryset):
        queryset.update(is_published=False)
