"""Logging filters named in settings.LOGGING."""

from __future__ import annotations

import logging


class DropSvgStyleWarnings(logging.Filter):
    """WeasyPrint warns about every SVG styling property its CSS parser does not know
    ("Ignored `stroke-width: 0.8` ..., unknown property"): dozens a chart, for the matplotlib
    charts in letters and reports, which render correctly all the same. Its other warnings
    (missing images or fonts, bad CSS in our own templates) still reach the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        msg = record.msg
        return not (
            isinstance(msg, str)
            and msg.startswith("Ignored `")
            and "unknown property" in record.getMessage()
        )
