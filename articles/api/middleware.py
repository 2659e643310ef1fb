"""The API may be read from any site's pages (a notebook in the browser, a visualisation): it is
public, read-only and sent without cookies across sites, so every origin is allowed."""

API_PREFIX = "/api/"


class ApiCorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(API_PREFIX):
            response["Access-Control-Allow-Origin"] = "*"
        return response
