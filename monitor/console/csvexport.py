"""CSV downloads that spreadsheets open safely: a BOM for Excel, no cell run as a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping

from starlette.responses import Response

# Excel on Windows reads a CSV without a byte-order mark as the local code page, which turns
# Arabic and Persian into mojibake.
BOM = "\ufeff"
# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets.
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(text: str) -> str:
    """The cell with a leading quote when a spreadsheet would run it."""
    return "'" + text if text.startswith(FORMULA_LEADS) else text


def csv_response(header: Iterable[str], rows: Iterable[Iterable[str]], filename: str,
                 headers: Mapping[str, str]) -> Response:
    """A CSV download; every cell, the header row included, passes through safe_cell."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8", headers={
        "content-disposition": f'attachment; filename="{filename}"', **headers})
