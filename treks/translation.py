"""What of the catalogue a traveller reads, in every language of settings.LANGUAGES.

django-modeltranslation adds one real column per language (`name_en`, `name_es`) and makes
`trek.name` read the active language's, falling back to English when it is empty; filters and
ordering on `name` go to the active language's column, in SQL. Place names are proper names and
stay one column; a place's note is read by travellers and is translated.
"""

from modeltranslation.translator import TranslationOptions, register

from .models import Destination, ItineraryStage, Place, TravelStyle, Trek, TrekFAQ, TrekImage


@register(Destination)
class DestinationTranslation(TranslationOptions):
    fields = ("name", "slug", "summary", "description")


@register(TravelStyle)
class TravelStyleTranslation(TranslationOptions):
    fields = ("name", "slug", "summary", "description")


@register(Place)
class PlaceTranslation(TranslationOptions):
    fields = ("note",)


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
    )


@register(ItineraryStage)
class ItineraryStageTranslation(TranslationOptions):
    fields = ("title", "description", "meals")


@register(TrekImage)
class TrekImageTranslation(TranslationOptions):
    fields = ("alt_text", "caption")


@register(TrekFAQ)
class TrekFAQTranslation(TranslationOptions):
    fields = ("question", "answer")
