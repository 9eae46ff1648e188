"""Staff text to HTML: paragraphs, `## ` headings and `- ` lists, everything else escaped; and
the characters no page or feed can hold.

Enough structure for a content page without letting HTML (or a script) in through admin.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _


def render_body(text, *, heading_level=2):
    blocks = []
    for chunk in text.replace("\r\n", "\n").split("\n\n"):
        paragraph, items = [], []
        for line in (line.strip() for line in chunk.split("\n")):
            if not line:
                continue
            if line.startswith("## "):
                _flush(blocks, paragraph, items)
                blocks.append(f"<h{heading_level}>{escape(line[3:].strip())}</h{heading_level}>")
            elif line.startswith("- "):
                _flush(blocks, paragraph, [])
                items.append(line[2:].strip())
            else:
                _flush(blocks, [], items)
                paragraph.append(line)
        _flush(blocks, paragraph, items)
    return mark_safe("\n".join(blocks))  # noqa: S308 - every piece of staff text is escaped


def _flush(blocks, paragraph, items):
    """Close the open paragraph or list (emptying it) onto `blocks`."""
    if paragraph:
        blocks.append("<p>" + "<br>".join(escape(p) for p in paragraph) + "</p>")
        paragraph.clear()
    if items:
        blocks.append("<ul>" + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ul>")
        items.clear()


# --- Characters no page or feed can hold ----------------------------------------------------
# XML 1.0 (the Atom feeds, the sitemap, a spreadsheet's cells) allows no C0 control but tab,
# line feed and carriage return, nor U+FFFE/U+FFFF; HTML calls them parse errors. A title
# pasted from a word processor or an imported row can carry them (a vertical tab, \x0b).
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
# A single-line field has no use for any control character or line separator either.
_NOT_ON_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]")


def xml_safe(text):
    """`text` without the characters XML cannot hold (stored text is shown whatever it holds)."""
    return _NOT_IN_XML.sub("", text) if isinstance(text, str) else text


def _refuse(pattern, value):
    found = pattern.search(value or "")
    if found:
        raise ValidationError(
            _("Remove the control character U+%(code)04X: pages and feeds cannot show it."),
            code="control_character",
            params={"code": ord(found.group())},
        )


def validate_one_line(value):
    _refuse(_NOT_ON_ONE_LINE, value)


def validate_text(value):
    _refuse(_NOT_IN_XML, value)


class PlainTextAdmin:
    """For the admin (and inlines) of everything that reaches a page or a feed: every text
    field refuses control characters (one-line fields line breaks too), with a message."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(formfield, forms.CharField):
            one_line = not isinstance(db_field, models.TextField)
            formfield.validators.append(validate_one_line if one_line else validate_text)
        return formfield
