"""Cursor pagination for the API, on the keysets the site's lists page by (see paging.py).

A list's ``next`` address carries the sort key of the page's last row: the database seeks to it
on its index, so the last page of a million articles costs what the first does, and a client
walking every page never sees a row twice or misses one when rows are added meanwhile. Search
results are ranked by the engine, which pages by position: their cursor holds the position.
"""

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from ..paging import PER_PAGE, Keyset, address_number, decode_cursor, encode_cursor, key_types, list_digest

MAX_PAGE_SIZE = 100
PAGE_SIZE_SCHEMA = {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE}
POSITION = Keyset(["position"])


def page_size(request):
    """The client's page_size (PER_PAGE when not given); a 400 when it is not a whole number
    from 1 to MAX_PAGE_SIZE."""
    given = request.query_params.get("page_size")
    if given in (None, ""):
        return PER_PAGE
    size = address_number(given, max_digits=4)
    if size is None or not 1 <= size <= MAX_PAGE_SIZE:
        raise ValidationError({"page_size": [f"Give a whole number from 1 to {MAX_PAGE_SIZE}."]})
    return size


class KeysetPagination(BasePagination):
    """Forward cursors on the view's ``keyset_fields(request)``."""

    cursor_query_param = "cursor"

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        keyset = Keyset(view.keyset_fields(request))
        size = page_size(request)
        rows = queryset.order_by(*keyset.ordering())
        cursor = request.query_params.get(self.cursor_query_param)
        digest = list_digest(request.path, request.query_params)
        if cursor:
            key, _, _ = decode_cursor(cursor, key_types(queryset.model, keyset), digest)
            rows = rows.filter(keyset.beyond(key))
        page = list(rows[: size + 1])
        self.next_cursor = (
            encode_cursor(keyset.key_of(page[size - 1]), False, digest=digest) if len(page) > size else None
        )
        return page[:size]

    def next_link(self):
        if self.next_cursor is None:
            return None
        return replace_query_param(self.request.build_absolute_uri(), self.cursor_query_param, self.next_cursor)

    def get_paginated_response(self, data):
        return Response({"next": self.next_link(), "results": data})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["next", "results"],
            "properties": {
                "next": {"type": "string", "format": "uri", "nullable": True, "description": "The next page, if any."},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Where the page starts: taken from the previous page's next address.",
                "schema": {"type": "string"},
            },
            {
                "name": "page_size",
                "required": False,
                "in": "query",
                "description": f"Rows a page (default {PER_PAGE}, at most {MAX_PAGE_SIZE}).",
                "schema": PAGE_SIZE_SCHEMA,
            },
        ]


# No search has more matches than this; a cursor placed further is damaged.
POSITIONS = range(2**31)


def position_of(request):
    """Where a page of search results starts (0 without a cursor); Http404 for a damaged cursor."""
    cursor = request.query_params.get("cursor")
    if not cursor:
        return 0
    (position,), _, _ = decode_cursor(cursor, [POSITIONS], list_digest(request.path, request.query_params))
    return position


def position_link(request, position):
    cursor = encode_cursor([position], False, digest=list_digest(request.path, request.query_params))
    return replace_query_param(request.build_absolute_uri(), "cursor", cursor)
