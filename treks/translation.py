"""What of the catalogue a traveller reads, in every language of settings.LANGUAGES.

django-modeltranslation adds one real column per language (`name_en`, `name_es`) and makes
`trek.name` read the active language's, falling back to English when it is empty; filters and
ordering on `name` go to the active language's column, in SQL. A place's Quechua name stays
as it is in both languages, but what English adds to it does not: "Ipsaycocha Pass" is "Abra
Ipsaycocha" in Spanish.
"""

from modeltranslation.translator import TranslationOptions, register

from .models import Destination, ItineraryStage, Place, TravelStyle, Trek, TrekFAQ, TrekImage


@register(Destination)
class DestinationTranslation(TranslationOptions):
    fields = ("name", "slug", "summary", "description")
    empty_values = {"slug": None}


@register(TravelStyle)
class TravelStyleTranslation(TranslationOptions):
    fields = ("name", "slug", "summary", "description")
    empty_values = {"slug": None}


@register(Place)
class PlaceTranslation(TranslationOptions):
    fields = ("name", "note")
    # Names are unique: an untranslated name is stored as NULL (which may repeat), not "".
    empty_values = {"name": None}


@register(Trek)
class TrekTranslation(TranslationOptions):
    fields = (
        "name",
        "slug",
        "summary",
        "description",
        "route_description",
        "permit_note",
        "best_season",
        "highlights",
        "includes",
        "excludes",
        "community_visits",
        "waste",
        "meeting_place",
        "packing_list",
    )
    # Slugs are unique per language: an empty one is NULL until fill_missing_slugs() fills it.
    empty_values = {"slug": None}


@register(ItineraryStage)
class ItineraryStageTranslation(TranslationOptions):
    fields = ("title", "description", "meals")


@register(TrekImage)
class TrekImageTranslation(TranslationOptions):
    fields = ("alt_text", "caption")


@register(TrekFAQ)
class TrekFAQTranslation(TranslationOptions):
    fields = ("question", "answer")
