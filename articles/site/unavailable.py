"""What cannot be answered now is a 503 that says so and when to come back, on the readers'
pages and in the API alike, never a 500: a search with no index to answer from
(``search.SearchUnavailable``), and a page whose query ran past the server's statement timeout
(``settings.ARCHIVE_DB_STATEMENT_SECONDS``: PostgreSQL cancels it)."""

from django.db import OperationalError
from django.http import HttpResponse, JsonResponse
from psycopg.errors import QueryCanceled

from ..addresses import is_api
from ..search import SearchUnavailable

SEARCH_UNAVAILABLE = (
    "Search is not available yet: its index is being built. Please try again in a few minutes.",
    300,
)
TOOK_TOO_LONG = ("This page took the server too long to prepare. Please try again in a minute.", 60)


def unavailable(exception):
    """(message, seconds to come back after) for an exception that means "not now", else None."""
    if isinstance(exception, SearchUnavailable):
        return SEARCH_UNAVAILABLE
    if isinstance(exception, OperationalError) and isinstance(exception.__cause__, QueryCanceled):
        return TOOK_TOO_LONG
    return None


class UnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        answer = unavailable(exception)
        if answer is None:
            return None
        message, retry_after = answer
        if is_api(request):
            response = JsonResponse({"detail": message}, status=503)
        else:
            response = HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = str(retry_after)
        return response
