"""Structured data for search engines: schema.org JSON-LD built from the same facts as the page."""

from django.conf import settings

# As reviews.models.JSON_LD_MIN_REVIEWS: search engines want a handful before showing stars.
REVIEWS_FOR_RATING = 3


def trek_json_ld(trek, stages, facts):
    url = settings.SITE_URL + trek.get_absolute_url()
    seen = []
    for stage in stages:
        for place in (stage.start_place, stage.highest_place, stage.end_place):
            if place is not None and place not in seen:
                seen.append(place)
    data = {
        "@context": "https://schema.org",
        "@type": "TouristTrip",
        "name": trek.name,
        "description": trek.summary,
        "url": url,
        "touristType": [style.name for style in trek.styles.all()],
        "provider": {
            "@type": "TravelAgency",
            "name": settings.OPERATOR["name"],
            "telephone": settings.OPERATOR["phone"],
        },
        "itinerary": {
            "@type": "ItemList",
            "numberOfItems": len(seen),
            "itemListElement": [
                {
                    "@type": "ListItem",
                    "position": position,
                    "item": {
                        "@type": "Place",
                        "name": place.name,
                        "geo": {
                            "@type": "GeoCoordinates",
                            "latitude": float(place.latitude),
                            "longitude": float(place.longitude),
                            "elevation": place.altitude_m,
                        },
                    },
                }
                for position, place in enumerate(seen, start=1)
            ],
        },
    }
    # Only with enough reviews, and only this trek's (the reviews app's threshold).
    if getattr(trek, "review_count", 0) >= REVIEWS_FOR_RATING:
        data["aggregateRating"] = {
            "@type": "AggregateRating",
            "ratingValue": str(round(trek.review_average, 1)),
            "reviewCount": trek.review_count,
            "bestRating": 5,
            "worstRating": 1,
        }
    # No `duration`: schema.org's TouristTrip has none (validators flag it); the itinerary and
    # the page say how many days. An Offer per quoted tier, or for the "from" price alone; none
    # where the operator published no price.
    offers = [
        {
            "@type": "Offer",
            "price": str(tier.price),
            "priceCurrency": trek.currency,
            "eligibleQuantity": {
                "@type": "QuantitativeValue",
                "minValue": tier.min_people,
                **({"maxValue": tier.max_people} if tier.max_people else {}),
                "unitText": "person",
            },
            "url": url,
        }
        for tier in trek.tier_list
    ]
    if not offers and trek.price_from is not None:
        offers = [
            {
                "@type": "Offer",
                "price": str(trek.price_from),
                "priceCurrency": trek.currency,
                "url": url,
            }
        ]
    if offers:
        data["offers"] = offers
    return data


def operator_json_ld():
    """The operator as schema.org TravelAgency for the home page: only what settings say (no
    street address is published yet: the city and country alone)."""
    return {
        "@context": "https://schema.org",
        "@type": "TravelAgency",
        "name": settings.OPERATOR["name"],
        "url": settings.SITE_URL + "/",
        "telephone": settings.OPERATOR["phone"],
        "address": {"@type": "PostalAddress", "addressLocality": "Cusco", "addressCountry": "PE"},
    }
