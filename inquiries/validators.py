"""Text a traveller types must not carry characters that break e-mail headers or lie about
what is displayed (bidirectional overrides can make "moc.elpmaxe@" read as "@example.com")."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Embeddings, overrides and isolates (the "Trojan Source" characters), and the Arabic letter mark.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c")
# Line and paragraph separators end a line in some mail clients just as CR/LF do.
LINE_BREAKS = frozenset("\r\n\u2028\u2029\x85")


def _is_control(char):
    return unicodedata.category(char) == "Cc"


def validate_single_line(value):
    """For names, countries, phone numbers: no line breaks, control or bidi characters."""
    if any(c in LINE_BREAKS for c in value):
        raise ValidationError(_("Please keep this on one line."), code="line_break")
    if any(_is_control(c) for c in value):
        raise ValidationError(_("This contains a control character."), code="control_character")
    if any(c in BIDI_CONTROLS for c in value):
        raise ValidationError(
            _("This contains an invisible text-direction character."), code="bidi_control"
        )


def validate_multi_line(value):
    """For the message: line breaks and tabs are welcome, other control characters are not."""
    if any(_is_control(c) and c not in "\r\n\t" for c in value):
        raise ValidationError(_("This contains a control character."), code="control_character")
    if any(c in BIDI_CONTROLS for c in value):
        raise ValidationError(
            _("This contains an invisible text-direction character."), code="bidi_control"
        )
