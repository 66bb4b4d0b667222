"""CSV downloads that open correctly in spreadsheet programs and cannot smuggle in formulas."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import Any

from flask import Response, current_app

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


NUMBER_LIKE = re.compile(r"\s*\d[\d.,]*\s*[+%]\s*")
"""Labels a spreadsheet would turn into a number ("65+" becomes 65, "50%" becomes 0.5)."""


def neutralise(value: Any) -> str:
    """Text a spreadsheet shows as text: a leading ' before anything it would read as a formula, and before
    a label it would read as a number. Numbers passed as numbers stay numbers."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS) or (isinstance(value, str) and NUMBER_LIKE.fullmatch(text)):
        return "'" + text
    return text


def csv_response(rows: Iterable[Iterable[Any]], filename: str) -> Response:
    buffer = io.StringIO()
    buffer.write("\ufeff")  # UTF-8 byte-order mark: spreadsheet programs then read accents correctly
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    response = current_app.response_class(buffer.getvalue(), mimetype="text/csv")  # Werkzeug adds the charset
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
