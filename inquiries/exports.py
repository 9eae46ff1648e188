"""The .xlsx export of requests (admin action): what staff paste into WhatsApp or a CRM.

Unlike CSV, a spreadsheet file says what each cell is: phone numbers and every text the
traveller typed are text cells (never formulas, so no apostrophe is needed and none is added),
dates are dates and times are in Cusco time.
"""

import io

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# (title, value of one inquiry, number format or None for text)
COLUMNS = [
    ("id", lambda i: i.pk, "0"),
    ("received (Cusco time)", lambda i: _cusco(i.received_at), "yyyy-mm-dd hh:mm"),
    ("status", lambda i: i.get_status_display(), None),
    ("trek", lambda i: i.trek.name if i.trek else "", None),
    ("travel date", lambda i: i.travel_date, "yyyy-mm-dd"),
    ("people", lambda i: i.group_size, "0"),
    ("lead source", lambda i: i.get_lead_source_display(), None),
    ("name", lambda i: i.name, None),
    ("email", lambda i: i.email, None),
    ("phone", lambda i: i.phone, None),
    ("country", lambda i: i.country, None),
    ("message", lambda i: i.message, None),
    ("owner", lambda i: i.owner.get_username() if i.owner else "", None),
    ("staff notes", lambda i: i.staff_notes, None),
    ("page", lambda i: i.source_url, None),
]


def _cusco(moment):
    # Excel has no time zones: the wall-clock time in Cusco, as staff read it everywhere else.
    return timezone.localtime(moment).replace(tzinfo=None)


def _cell(sheet, value, number_format):
    if isinstance(value, str):
        # XML cannot hold most control characters (a staff note pasted from elsewhere can).
        cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("\ufffd", value))
        # openpyxl reads a string starting with "=" as a formula: this one is text.
        cell.data_type = "s"
        return cell
    cell = WriteOnlyCell(sheet, value=value)
    if number_format:
        cell.number_format = number_format
    return cell


def write_xlsx(out, inquiries):
    """Write one sheet with a row per inquiry to `out` (an HttpResponse, say)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Requests")
    header = []
    for title, _value, _fmt in COLUMNS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for inquiry in inquiries:
        sheet.append([_cell(sheet, value(inquiry), fmt) for _title, value, fmt in COLUMNS])
    buffer = io.BytesIO()  # a zip file is written with seeks; a response cannot seek
    book.save(buffer)
    out.write(buffer.getvalue())
