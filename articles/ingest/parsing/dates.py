"""Dates a page states (in its photos' captions and its listings' by-lines), and the month a
Media ID was probably issued in."""

from __future__ import annotations

import datetime as dt
import itertools
import re

from .shapes import MediaBlock

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
MONTH_NAME = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
DATE_MDY_RE = re.compile(rf"\b(?P<month>{MONTH_NAME})\.?\s+(?P<day>\d{{1,2}}),?\s+(?P<year>(?:19|20)\d\d)\b")
DATE_DMY_RE = re.compile(rf"\b(?P<day>\d{{1,2}})\s+(?P<month>{MONTH_NAME})\.?,?\s+(?P<year>(?:19|20)\d\d)\b")
# A caption describing a file photo ("… in this 2013 file photo", "(File)", "AP Photo/…, File)",
# "Reuters/Files") dates the photo, not the article that reuses it.
FILE_PHOTO_RE = re.compile(r"\bfile\s+(?:photo|picture|image)s?\b|\(\s*files?\s*\)|,\s*files?\s*\)|/\s*files?\b", re.I)
ARCHIVE_START = dt.date(2005, 1, 1)
ARCHIVE_END = dt.date(2017, 12, 31)
# Media IDs grow with time. Anchors are (media id, date) pairs read off dated captions of real
# pages; between two anchors the date is interpolated, outside them no estimate is made.
MEDIA_ID_ANCHORS = [
    (55295273, dt.date(2013, 1, 1)),
    (55326450, dt.date(2013, 12, 17)),
    (55358541, dt.date(2016, 9, 5)),
    (55384280, dt.date(2017, 9, 29)),
    (55385310, dt.date(2017, 12, 31)),
]


def parse_date(text: str) -> dt.date | None:
    """A date such as "Aug 28, 2014", "Dec. 17, 2013" or "23 September 2014"."""
    match = DATE_MDY_RE.search(text) or DATE_DMY_RE.search(text)
    if not match:
        return None
    try:
        return dt.date(int(match["year"]), MONTHS[match["month"].lower().rstrip(".")], int(match["day"]))
    except (ValueError, KeyError):
        return None


def dates_in(text: str) -> list[dt.date]:
    found = []
    for pattern in (DATE_MDY_RE, DATE_DMY_RE):
        for match in pattern.finditer(text):
            date = parse_date(match.group(0))
            if date and ARCHIVE_START <= date <= ARCHIVE_END:
                found.append(date)
    return found


def date_of(captions: list[str], skip_file_photos: bool = False) -> tuple[dt.date | None, str]:
    """The date a page states: the latest date its photo captions give. With
    ``skip_file_photos``, a date that a caption gives as a file photo's, in that caption or
    another printing of it, dates the photo and not the page."""
    reused = {d for c in captions if skip_file_photos and is_file_photo(c) for d in dates_in(c)}
    found = [d for c in captions for d in dates_in(c) if d not in reused]
    if found:
        return max(found), "caption"
    return None, ""


def is_file_photo(caption: str) -> bool:
    """A caption (with its credit) that describes an earlier photo reused from the files."""
    return bool(FILE_PHOTO_RE.search(caption))


def estimate_of(media: list[MediaBlock]) -> dt.date | None:
    """A guess at the month, from the newest Media ID; a page cannot predate its photos."""
    estimates = [d for m in media if m.media_id and (d := estimate_from_media_id(m.media_id))]
    return max(estimates, default=None)


def estimate_from_media_id(media_id: int) -> dt.date | None:
    """The month a Media ID was probably issued in, interpolated between dated anchors."""
    for (low_id, low_date), (high_id, high_date) in itertools.pairwise(MEDIA_ID_ANCHORS):
        if low_id <= media_id <= high_id:
            share = (media_id - low_id) / (high_id - low_id)
            estimate = low_date + dt.timedelta(days=round((high_date - low_date).days * share))
            return estimate.replace(day=1)
    return None
