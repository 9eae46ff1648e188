"""Content pages are in the menu of every cached page: a change to one must reach them at once."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from treks.caching import bump_catalogue_version

from .models import ContentPage


@receiver(post_save, sender=ContentPage)
@receiver(post_delete, sender=ContentPage)
def content_page_changed(sender, **kwargs):
    bump_catalogue_version()
