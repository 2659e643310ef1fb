"""The archive's URL converters, shared by the readers' pages and the API, registered once.

An id in an address is an integer a table can hold: past 64 bits it is no id, and the address
no page (rather than a query overflowing the driver).
"""

from django.urls import register_converter
from django.urls.converters import IntConverter, StringConverter

from .reads import IDS


class IdConverter(IntConverter):
    """A row's id: digits of a number from 1 to 2**63 - 1."""

    regex = "[0-9]{1,19}"

    def to_python(self, value):
        number = int(value)
        if number not in IDS:
            raise ValueError("No table holds this id.")
        return number


class TextSlugConverter(StringConverter):
    """A slug as the original site wrote it, in any script; never a NUL, which no database stores."""

    regex = r"[^/\x00]+"


class ExportFormatConverter(StringConverter):
    regex = r"csv|excel\.csv|jsonl"


class CitationFormatConverter(StringConverter):
    regex = "ris|bib|json"


CONVERTERS = {
    "id": IdConverter,
    "text": TextSlugConverter,
    "export_format": ExportFormatConverter,
    "citation_format": CitationFormatConverter,
}


def register():
    """Make the converters known to routes by name (``<id:pk>``); the URL configuration calls it."""
    for name, converter in CONVERTERS.items():
        register_converter(converter, name)
