"""The API may be read from any site's pages (a notebook in the browser, a visualisation): it is
public, read-only and sent without cookies across sites, so every origin is allowed."""

from ..addresses import is_api


class ApiCorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if is_api(request):
            response["Access-Control-Allow-Origin"] = "*"
        return response
