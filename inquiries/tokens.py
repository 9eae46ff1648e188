"""Signed values the request form carries, so nothing can be forged or guessed.

- The form token: a random idempotency key plus the time the form was rendered. The key makes
  a re-POST find the row it already made; the time gives the minimum fill time for bots.
- The thank-you token: names the row in the thank-you page's URL, readable only with the
  site's secret key and only for a day, so nobody can walk through other people's requests.
"""

import time
import uuid

from django.core import signing

FORM_SALT = "inquiries.form-token"
THANKS_SALT = "inquiries.thanks"
THANKS_MAX_AGE = 60 * 60 * 24


def new_form_token(*, rendered_at=None):
    rendered_at = time.time() if rendered_at is None else rendered_at
    return signing.dumps({"k": uuid.uuid4().hex, "t": rendered_at}, salt=FORM_SALT)


def read_form_token(token):
    """(idempotency key, seconds since the form was rendered), or None if forged or broken."""
    try:
        data = signing.loads(token, salt=FORM_SALT)
        return uuid.UUID(hex=data["k"]), time.time() - float(data["t"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def thanks_token(key):
    return signing.dumps(key.hex, salt=THANKS_SALT)


def read_thanks_token(token):
    """The idempotency key, None when the link is too old; raises BadSignature when forged."""
    try:
        return uuid.UUID(hex=signing.loads(token, salt=THANKS_SALT, max_age=THANKS_MAX_AGE))
    except signing.SignatureExpired:
        return None
