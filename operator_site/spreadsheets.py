"""What staff export and open in a spreadsheet (requests, travellers, the desk's numbers): one
formula guard for every CSV cell, and CSV files Excel reads as UTF-8.

A spreadsheet runs a cell whose first visible character is = + - @ (or that starts with a tab
or a carriage return) as a formula: `=HYPERLINK(...)` typed on a public form would reach
staff's machine live. Spreadsheets skip spaces, a BOM and other invisible characters before
looking, so the guard does too (`\\u200b=HYPERLINK(...)` is a formula in Excel)."""

import csv
import itertools
import re
import unicodedata

from django.http import HttpResponse

# What the request form lets into a phone number (inquiries.forms.InquiryForm.clean_phone). A
# cell of only these characters cannot call a function or reach a link or another program
# (that takes letters), so "+44 7700 900123" is written as it is and pastes into WhatsApp.
_PHONE_LIKE = re.compile(r"[0-9+()\-. ]+")


def _skipped(char):
    return char.isspace() or unicodedata.category(char) in ("Cf", "Zs", "Zl", "Zp", "Cc")


def formula_safe(value, *, phone=False):
    """`value` as the text of a cell no spreadsheet runs: a leading apostrophe where it could."""
    text = "" if value is None else str(value)
    if phone and _PHONE_LIKE.fullmatch(text):
        return text
    if text[:1] in ("\t", "\r"):
        return "'" + text
    visible = "".join(itertools.dropwhile(_skipped, text))
    return "'" + text if visible[:1] in ("=", "+", "-", "@") else text


def csv_download(filename, *, no_store=False):
    """(response, writer) for a CSV attachment, starting with a BOM so that Excel reads it as
    UTF-8 (accents intact). Rows go through the writer; cells through `formula_safe`."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if no_store:
        response["Cache-Control"] = "no-store"
    response.write("\ufeff")
    return response, csv.writer(response)
