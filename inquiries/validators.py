"""Text a traveller types must not carry characters that break e-mail headers or lie about
what is displayed (bidirectional overrides can make "moc.elpmaxe@" read as "@example.com")."""

import unicodedata

import idna
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


# Characters that change how text is shown without being seen: zero-width space and joiners,
# the left-to-right / right-to-left marks (copy-paste brings them), word joiner, BOM.
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u200e\u200f\u2060\ufeff")


def invisible_character(value):
    """The first control, bidi, zero-width or other format character (Unicode category Cc or
    Cf) in `value`, or None. An e-mail address has no use for any of them."""
    for char in value:
        if unicodedata.category(char) in ("Cc", "Cf") or char in BIDI_CONTROLS | ZERO_WIDTH:
            return char
    return None


def validate_has_visible_text(value):
    """For the name: at least one letter or digit, not only spaces and invisible joiners."""
    if not any(unicodedata.category(c)[0] in "LN" for c in value):
        raise ValidationError(_("Please write your name."), code="no_visible_text")


def _split_address(value):
    local, at, domain = value.rpartition("@")
    return (local, domain) if at and local and domain else (None, None)


def normalise_email_domain(value):
    """`local@domain` with the domain in its canonical IDNA 2008 (UTS 46) display form:
    lower case, mapped, and exactly the one that `mail_address` turns into the A-label mail is
    sent to. Raises ValidationError when the domain is no valid IDNA name."""
    local, domain = _split_address(value)
    if local is None:
        return value  # not an address at all: EmailValidator says so
    try:
        domain = idna.decode(idna.encode(domain, uts46=True))
    except (idna.IDNAError, UnicodeError):
        raise ValidationError(
            _("The part after @ is not a valid domain name."), code="invalid_domain"
        ) from None
    return f"{local}@{domain}"


def mail_address(value):
    """The ASCII form of a stored address (its domain as an IDNA A-label) to send mail to, or
    None when it cannot be used in a mail header (rows stored before these checks)."""
    local, domain = _split_address(value or "")
    if local is None or invisible_character(value) or not local.isascii():
        return None
    try:
        return f"{local}@{idna.encode(domain, uts46=True).decode('ascii')}"
    except (idna.IDNAError, UnicodeError):
        return None
