"""Prices the way operators quote them: per person by group size, for a group departure or a
private trip, typed one tier a line on the trek ("2-3: 780", "private 8+: 590").

Kept as text on the trek, like its included list, so that a trek page needs no query of its own
for them; `parse_tiers` is the one reading of that text, for admin's validation and the page.
"""

import re
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_PEOPLE = 30  # the largest group a trek allows
_LINE = re.compile(
    r"^(?:(?P<kind>group|private)\s+)?(?P<low>\d{1,2})(?:\s*(?P<plus>\+)|\s*[-–]\s*(?P<high>\d{1,2}))?"
    r"\s*:\s*(?P<price>\d{1,6}(?:\.\d{1,2})?)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Tier:
    private: bool
    min_people: int
    max_people: int | None  # None: "and more"
    price: Decimal


def parse_tiers(text):
    """The tiers in `text`, in its order; ValidationError naming the first bad line."""
    tiers = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        match = _LINE.match(line)
        if not match:
            raise ValidationError(
                _("Line %(n)s, “%(line)s”: write a group size and a price, like “2-3: 780”."),
                params={"n": number, "line": line[:60]},
                code="tier_format",
            )
        low = int(match["low"])
        high = None if match["plus"] else int(match["high"] or low)
        if low < 1 or (high is not None and (high < low or high > MAX_PEOPLE)):
            raise ValidationError(
                _("Line %(n)s: group sizes run from 1 to 30, the smaller first."),
                params={"n": number},
                code="tier_size",
            )
        private = (match["kind"] or "").lower() == "private"
        tiers.append(Tier(private, low, high, Decimal(match["price"])))
    return tiers


def validate_tiers(text):
    parse_tiers(text)


def lowest_price(text):
    tiers = parse_tiers(text)
    return min((tier.price for tier in tiers), default=None)
