"""What every site answers besides its pages: health, robots.txt, the favicon, 404 and 500."""

import logging
import re

from django.db import DatabaseError, connection
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.csrf import requires_csrf_token

from ..addresses import is_api

# What crawlers are asked to leave alone: search results (and their feeds and exports), the
# admin, the API, exports, and a citation file per article.
ROBOTS_DISALLOW = [
    "/search/",
    "/admin/",
    "/api/",
    "/corrections/suggest/",
    "/articles/export.",
    "/media/export.",
    "/articles/*/citation.",
]


logger = logging.getLogger(__name__)


@never_cache
def health(request):
    """For load balancers: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        # The error's text can name hosts, users and tables: it goes to the log, not the public.
        logger.exception("Health check: the database did not answer")
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@cache_control(public=True, max_age=86400)
def robots(request):
    """/robots.txt: where the sitemap is, and what crawlers should not visit."""
    sitemap = request.build_absolute_uri(reverse("articles:sitemap"))
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW), "", f"Sitemap: {sitemap}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


def favicon(request):
    """Browsers ask for /favicon.ico; the archive's icon is a hashed static file."""
    return redirect(static("favicon.svg"), permanent=True)


def not_found(request, exception=None):
    """The 404 page: says what was not found and offers a search built from the address; in
    the API, the API's error in JSON."""
    if is_api(request):
        return JsonResponse({"detail": "Not found: the API has no such address."}, status=404)
    words = [
        w
        for w in re.split(r"[^\w]+", request.path)
        if w
        and not w.isdigit()
        and w not in {"tag", "category", "author", "page", "attachment", "articles", "media", "tags"}
    ]
    message = exception.args[0] if exception and exception.args and isinstance(exception.args[0], str) else ""
    context = {
        "request_path": request.path,
        "suggested_query": " ".join(words[-6:]).replace("-", " "),
        "message": message,
    }
    return render(request, "404.html", context, status=404)


@requires_csrf_token
def server_error(request):
    """The 500 page, built to render when little else works: no context processors, and the
    stylesheet only when the static files' manifest can name it (a failed collectstatic must
    not turn every error into a second one)."""
    try:
        stylesheet = static("css/archive.css")
    except ValueError:
        stylesheet = None
    return HttpResponseServerError(loader.render_to_string("500.html", {"stylesheet": stylesheet}))
