"""Structured data for search engines: schema.org JSON-LD built from the same facts as the page."""

from django.conf import settings

from operator_site import details

# As reviews.models.JSON_LD_MIN_REVIEWS: search engines want a handful before showing stars.
REVIEWS_FOR_RATING = 3


def trek_json_ld(trek, stages, facts):
    url = settings.SITE_URL + trek.get_absolute_url()
    operator = details.current()
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
            "name": operator.name,
            "telephone": operator.phone,
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
    """The operator as schema.org TravelAgency for the home page: only what the operator's
    details hold (the street address when staff set one; the city and country always)."""
    operator = details.current()
    address = {"@type": "PostalAddress", "addressLocality": "Cusco", "addressCountry": "PE"}
    if operator.address:
        address["streetAddress"] = operator.address
    data = {
        "@context": "https://schema.org",
        "@type": "TravelAgency",
        "name": operator.name,
        "url": settings.SITE_URL + "/",
        "telephone": operator.phone,
        "address": address,
    }
    if operator.email:
        data["email"] = operator.email
    if operator.legal_name:
        data["legalName"] = operator.legal_name
    if operator.ruc:
        data["taxID"] = operator.ruc
    profiles = [operator.facebook_url, operator.instagram_url, operator.tripadvisor_url]
    if any(profiles):
        data["sameAs"] = [url for url in profiles if url]
    return data
