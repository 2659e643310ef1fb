"""A search with no index to answer from (``search.SearchUnavailable``) is a 503 that says so,
on the readers' pages and in the API alike, never a 500."""

from django.http import HttpResponse, JsonResponse

from ..search import SearchUnavailable

RETRY_AFTER_SECONDS = 300
MESSAGE = "Search is not available yet: its index is being built. Please try again in a few minutes."


class SearchUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, SearchUnavailable):
            return None
        if request.path.startswith("/api/"):
            response = JsonResponse({"detail": MESSAGE}, status=503)
        else:
            response = HttpResponse(MESSAGE, status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
