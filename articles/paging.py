"""Keyset ("seek") pagination with page numbers: page 40,000 costs what page 1 costs.

Every link the pages print carries a cursor: the sort key of a row next to the wanted page, a
direction, and a short skip (at most a few pages, for the numbered links near the current
page). The database seeks to the key on its index and reads one page; it never counts its way
through the pages before. "Last" reads the list backwards from its end, so it is as cheap as
"First". A page number typed without a cursor is served with OFFSET, which is exact but grows
with depth; no link of the archive produces one beyond the first page.

Short lists held in memory (a search's matches) are paged by number with the same links, and
the admin's lists by Django's paginator with a capped count (CappedPaginator).

Bad input (a page that is not a number, beyond the last page, a damaged cursor) is a 404. A
cursor names its list (``list_digest``): carried to another list's address, where its key would
land at an arbitrary place under a wrong page number, it is a 404 too.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from functools import partial

from django.core.paginator import Paginator
from django.db.models import F
from django.db.models.fields.tuple_lookups import TupleGreaterThan, TupleLessThan
from django.http import Http404
from django.utils.functional import cached_property

PER_PAGE = 20
NEARBY = 2  # numbered links on each side of the current page
MAX_PAGE = 10**7
# A count that would read more rows than this stops there and says "more than".
COUNT_CAP = 10_000
# What a database's integer columns hold: a cursor's number outside it names no row.
INTEGERS = range(-(2**63), 2**63)
# Numbers in addresses are ASCII digits: str.isdigit() also accepts "²" and "①", which int() refuses.
NUMBER_RE = re.compile(r"[0-9]{1,18}")
# Parameters that say where a page of a list starts, how long it is or how it is written, not
# which list it is: a cursor stays good when they change.
NOT_THE_LIST = frozenset({"page", "cursor", "page_size", "format"})


def address_number(value, max_digits=18):
    """A number typed in an address or a search box, or None when it is not one."""
    if isinstance(value, str) and NUMBER_RE.fullmatch(value) and len(value) <= max_digits:
        return int(value)
    return None


@dataclass
class PageLink:
    """A link to a page: its number (None for "the last page" of an uncounted list) and cursor."""

    number: int | None
    cursor: str | None = None
    label: str = ""
    current: bool = False

    @property
    def page(self):
        """The page parameter of the link: page 1, and a last page of unknown number, have none."""
        return self.number if self.number and self.number > 1 else None


@dataclass
class Page:
    """A page as Django's ``Page`` is (``object_list``, ``number``, ``has_next()`` …, and its
    ``paginator``), with the links a keyset page is reached by. ``number`` is None for "the
    last page" of a list whose count is not known."""

    object_list: list
    number: int | None
    count: int | None
    count_capped: bool
    per_page: int
    next_exists: bool
    previous_exists: bool
    links: dict = field(default_factory=dict)
    nearby: list = field(default_factory=list)

    @property
    def num_pages(self):
        if self.count is None or self.count_capped:
            return None
        return max(1, math.ceil(self.count / self.per_page))

    @property
    def paginator(self):
        return KeysetPaginator(self.count, self.count_capped, self.per_page)

    def has_next(self):
        return self.next_exists

    def has_previous(self):
        return self.previous_exists

    def has_other_pages(self):
        return self.next_exists or self.previous_exists

    def __len__(self):
        return len(self.object_list)


@dataclass(frozen=True)
class KeysetPaginator:
    """What Django's ``Paginator`` tells of a list, for a keyset page: its count (capped, or
    None when not known), its pages, and how many rows a page holds."""

    count: int | None
    capped: bool
    per_page: int

    @property
    def num_pages(self):
        if self.count is None or self.capped:
            return None
        return max(1, math.ceil(self.count / self.per_page))


class Keyset:
    """Orders a queryset by ``fields`` (all ascending or all descending; the last one unique)."""

    def __init__(self, fields):
        self.descending = fields[0].startswith("-")
        self.names = [f.lstrip("-") for f in fields]

    def ordering(self, backwards=False):
        descending = self.descending != backwards
        return [f"-{n}" if descending else n for n in self.names]

    def key_of(self, obj):
        return [getattr(obj, name) for name in self.names]

    def beyond(self, key, backwards=False):
        """Rows strictly after ``key`` in this order (before it when ``backwards``).

        One row comparison, (a, b) > (x, y): the database seeks to the key on the index and
        reads on, however many rows share the key's first value (the undated articles all share
        one sort date).
        """
        less = self.descending != backwards
        lookup = TupleLessThan if less else TupleGreaterThan
        return lookup(tuple(F(name) for name in self.names), tuple(key))


def list_digest(path, params):
    """A short name of the list at ``path`` with GET ``params`` (a QueryDict), for its cursors:
    the same whatever page of it, and whatever order the parameters come in."""
    pairs = sorted((name, value) for name, values in params.lists() if name not in NOT_THE_LIST for value in values)
    digest = hashlib.blake2b(json.dumps([path, pairs]).encode(), digest_size=6).digest()
    return base64.urlsafe_b64encode(digest).decode()


def encode_cursor(key, backwards, skip=0, digest=None):
    """A cursor from ``key``; ``digest`` (``list_digest``) binds it to its list."""
    payload = {"k": [_plain(v) for v in key], "b": int(backwards), "s": skip}
    if digest:
        payload["l"] = digest
    return base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(token, kinds, digest=None):
    """The (key, backwards, skip) a cursor holds; Http404 when it is damaged or names another
    list than ``digest`` (a cursor naming none, made before cursors named their lists, is taken
    where it is found)."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        payload = json.loads(raw)  # RecursionError for deeply nested arrays
        values = payload["k"]
        backwards, skip = bool(payload["b"]), int(payload["s"])
        if not isinstance(values, list) or len(values) != len(kinds) or not 0 <= skip <= PER_PAGE * 10:
            raise ValueError
        key = [_typed(v, kind) for v, kind in zip(values, kinds)]
        named = payload.get("l")
    except (ValueError, KeyError, TypeError, OverflowError, RecursionError, binascii.Error):
        raise Http404("This page link is damaged.") from None
    if digest and named is not None and named != digest:
        raise Http404("This page link belongs to another list.")
    return key, backwards, skip


def _plain(value):
    return value.isoformat() if isinstance(value, dt.date) else value


def _typed(value, kind):
    """A cursor's value as ``kind`` (a type, or a range of integers) takes it; ValueError if not."""
    if kind is dt.date:
        return dt.date.fromisoformat(value)
    if kind is int:
        kind = INTEGERS
    if isinstance(kind, range):
        if not isinstance(value, int) or isinstance(value, bool) or value not in kind:
            raise ValueError
        return value
    if kind is str and not isinstance(value, str):
        raise ValueError
    if kind is str:
        # Neither database stores NUL, and a lone surrogate cannot be sent to them.
        value.encode("utf-8")
        if "\x00" in value:
            raise ValueError
    return value


def page_number(raw):
    """The page parameter as a number; Http404 for anything but 1, 2, 3 ..."""
    if raw in (None, ""):
        return 1
    number = address_number(raw, max_digits=8)
    if number is None or not 1 <= number <= MAX_PAGE:
        raise Http404("There is no such page.")
    return number


class QuerysetRows:
    """The rows ``paginate`` reads: a queryset in a keyset's order, sought on its index."""

    def __init__(self, queryset, fields):
        self.queryset, self.keyset = queryset, Keyset(fields)
        self.kinds = key_types(queryset.model, self.keyset)

    def key_of(self, row):
        return self.keyset.key_of(row)

    def from_end(self, limit):
        """The last ``limit`` rows, last first."""
        return list(self.queryset.order_by(*self.keyset.ordering(backwards=True))[:limit])

    def beyond(self, key, backwards, skip, limit):
        """Rows after ``key`` (before it, nearest first, when ``backwards``), ``skip`` passed over."""
        ordered = self.queryset.filter(self.keyset.beyond(key, backwards)).order_by(*self.keyset.ordering(backwards))
        return list(ordered[skip : skip + limit])

    def at(self, start, limit):
        return list(self.queryset.order_by(*self.keyset.ordering())[start : start + limit])


def paginate(params, queryset, fields, *, path="", count=None, count_capped=False, per_page=PER_PAGE):
    """One page of ``queryset`` in ``fields`` order, chosen by the request's GET ``params``.

    ``path`` is the list's address, which its cursors name; ``count`` is the number of rows when
    known cheaply (a stored count), else None; ``count_capped`` says the true count is larger.
    """
    return paginate_rows(
        params, QuerysetRows(queryset, fields), path=path, count=count, count_capped=count_capped, per_page=per_page
    )


def paginate_rows(params, source, *, path="", count=None, count_capped=False, per_page=PER_PAGE):
    """One page of the rows of ``source`` (QuerysetRows, or anything with its four methods and
    ``kinds``), chosen by the request's GET ``params``; the same links whatever the source."""
    number = page_number(params.get("page"))
    cursor = params.get("cursor")
    digest = list_digest(path, params)
    num_pages = None if count is None or count_capped else max(1, math.ceil(count / per_page))
    if num_pages is not None and number > num_pages:
        raise Http404("There is no such page.")
    if cursor == "end":
        size = _last_page_size(count, per_page) if num_pages else per_page
        rows = source.from_end(size + 1)
        has_previous, has_next = len(rows) > size, False
        rows = rows[:size][::-1]
        number = num_pages  # None when the count is not known: the page is "the last page"
    elif cursor:
        key, backwards, skip = decode_cursor(cursor, source.kinds, digest)
        rows = source.beyond(key, backwards, skip, per_page + 1)
        extra = len(rows) > per_page
        rows = rows[:per_page]
        if backwards:
            rows.reverse()
        has_previous, has_next = (extra, True) if backwards else (True, extra)
    else:
        start = (number - 1) * per_page
        rows = source.at(start, per_page + 1)
        has_previous, has_next = number > 1, len(rows) > per_page
        rows = rows[:per_page]
    if not rows and (number or 0) > 1:
        raise Http404("There is no such page.")
    page = Page(rows, number, count, count_capped, per_page, next_exists=has_next, previous_exists=has_previous)
    _add_keyset_links(page, partial(_cursor, source, digest), num_pages)
    return page


def paginate_sequence(params, items, *, per_page=PER_PAGE):
    """One page of a list held in memory (a search's matches), by the page number alone."""
    number = page_number(params.get("page"))
    count = len(items)
    num_pages = max(1, math.ceil(count / per_page))
    if number > num_pages:
        raise Http404("There is no such page.")
    start = (number - 1) * per_page
    page = Page(
        items[start : start + per_page],
        number,
        count,
        False,
        per_page,
        next_exists=number < num_pages,
        previous_exists=number > 1,
    )
    page.links = {}
    if page.has_previous():
        page.links["first"] = PageLink(1, label="First")
        page.links["previous"] = PageLink(number - 1, label="Previous")
    if page.has_next():
        page.links["next"] = PageLink(number + 1, label="Next")
        page.links["last"] = PageLink(num_pages, label="Last")
    page.nearby = [
        PageLink(n, current=n == number) for n in range(max(1, number - NEARBY), min(num_pages, number + NEARBY) + 1)
    ]
    return page


def key_types(model, keyset):
    """Python types of the key fields, to check a cursor's values against."""
    kinds = []
    for name in keyset.names:
        internal = model._meta.get_field(name).get_internal_type()
        kinds.append(
            dt.date if internal == "DateField" else str if internal in ("CharField", "SlugField", "TextField") else int
        )
    return kinds


def _last_page_size(count, per_page):
    return count - (max(1, math.ceil(count / per_page)) - 1) * per_page or per_page


def _cursor(source, digest, row, backwards, skip=0):
    return encode_cursor(source.key_of(row), backwards, skip, digest)


def _add_keyset_links(page, cursor_at, num_pages):
    """First / previous / next / last links, and numbered links near the current page.

    Each is reached by a cursor from this page's first or last row, with a short skip:
    ``cursor_at(row, backwards, skip)``.
    """
    rows = page.object_list
    links = {}
    if page.has_previous():
        links["first"] = PageLink(1, label="First")
    if page.has_previous() and rows:
        previous = page.number - 1 if page.number else None
        cursor = cursor_at(rows[0], True) if previous != 1 else None
        links["previous"] = PageLink(previous, cursor, "Previous")
    if page.has_next() and rows:
        links["next"] = PageLink(page.number + 1, cursor_at(rows[-1], False), "Next")
        links["last"] = PageLink(num_pages, "end", "Last")
    page.links = links
    nearby = []
    if rows and page.number:
        for step in range(NEARBY, 0, -1):
            number = page.number - step
            if number == 1:
                nearby.append(PageLink(1))
            elif number > 1:
                nearby.append(PageLink(number, cursor_at(rows[0], True, (step - 1) * page.per_page)))
        nearby.append(PageLink(page.number, current=True))
        for step in range(1, NEARBY + 1):
            number = page.number + step
            if page.has_next() and (step == 1 or (num_pages is not None and number <= num_pages)):
                nearby.append(PageLink(number, cursor_at(rows[-1], False, (step - 1) * page.per_page)))
    page.nearby = nearby


class CappedPaginator(Paginator):
    """Django's paginator (for the admin) counting up to ``cap`` + 1 rows; ``capped`` says it stopped.

    ``known_capped`` says the caller already knows there are more than ``cap`` rows.
    """

    def __init__(self, *args, cap=COUNT_CAP, known_capped=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.cap = cap
        if known_capped:
            self.count = cap + 1

    @cached_property
    def count(self):
        return self.object_list.order_by()[: self.cap + 1].count()

    @property
    def capped(self):
        return self.count > self.cap
