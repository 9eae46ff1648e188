"""Any change to the catalogue bumps the catalogue version (see `treks.caching`), so the next
request builds trek pages and listings afresh: an altitude edited in admin shows at once."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from .caching import bump_catalogue_version
from .models import Destination, ItineraryStage, Place, TravelStyle, Trek, TrekFAQ, TrekImage

CATALOGUE_MODELS = (Destination, TravelStyle, Place, Trek, ItineraryStage, TrekImage, TrekFAQ)


@receiver(post_save)
@receiver(post_delete)
def catalogue_row_changed(sender, **kwargs):
    if sender in CATALOGUE_MODELS:
        bump_catalogue_version()


@receiver(m2m_changed, sender=Trek.styles.through)
@receiver(m2m_changed, sender=Trek.alternatives.through)
def catalogue_links_changed(sender, action, **kwargs):
    if action.startswith("post_"):
        bump_catalogue_version()
