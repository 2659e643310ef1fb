"""A new server process renders one page of each kind before its first reader arrives.

A gunicorn worker loads Django's views, compiles the templates and opens the search index on
the first requests that need them, which then take many times as long as the next ones
(docs/performance.md). gunicorn calls ``warm_up`` in each worker before it accepts a
connection (``post_worker_init`` in gunicorn.conf.py). The pages go through the worker's own
application, as a reader's would, but past the page cache: they are rendered, and neither read
from the cache nor kept in it. Nothing here is needed to serve: a page that fails is logged and
the worker starts all the same.
"""

import io
import logging
import time
from urllib.parse import urlencode, urlsplit
from wsgiref.util import setup_testing_defaults

from django.conf import settings

logger = logging.getLogger(__name__)

# The WSGI environ's mark of a warm-up request; no client can set it (their headers are HTTP_*).
WARM_UP = "archive.warm_up"


def warm_up(application, notify=lambda: None, budget=10.0):
    """Render one page of each kind the readers' mix holds through ``application``, within
    ``budget`` seconds; ``notify`` (gunicorn's worker.notify) after each tells the server this
    process is alive."""
    started = time.monotonic()
    try:
        paths = pages()
    except Exception:
        logger.warning("No pages to warm up with; the first readers will wait instead.", exc_info=True)
        return
    answers = []
    for path in paths:
        if time.monotonic() - started > budget:
            logger.warning("Warm-up stopped after %.0f s, before %s.", budget, path)
            break
        answers.append(render(application, path))
        notify()
    logger.info("Warmed up with %s in %.0f ms.", ", ".join(answers), (time.monotonic() - started) * 1000)


def pages():
    """The home page, the list of articles, the newest article, its year, its most used tag, and a
    search for that tag's name (many matches, as most searches have)."""
    from django.urls import reverse

    from articles.models import Article

    paths = [reverse("articles:home"), reverse("articles:article-list") + "?page=2"]
    article = Article.objects.order_by("-sort_date", "-id").only("id", "slug", "published_on").first()
    words = "archive"
    if article is not None:
        paths.append(article.get_absolute_url())
        if article.published_on:
            paths.append(reverse("articles:archive-year", args=[article.published_on.year]))
        tag = article.tags.order_by("-article_count").first()
        if tag is not None:
            paths.append(tag.get_absolute_url())
            words = tag.name
    paths.append(reverse("articles:search") + "?" + urlencode({"q": words}))
    return paths


def render(application, path):
    """Answer ``path`` as the server would; return its status, or the error it raised."""
    address = urlsplit(path)
    environ = {
        "PATH_INFO": address.path,
        "QUERY_STRING": address.query,
        "HTTP_HOST": host(),
        "wsgi.errors": io.StringIO(),
        WARM_UP: True,
    }
    if settings.SECURE_SSL_REDIRECT:
        environ.update({"wsgi.url_scheme": "https", "HTTPS": "on", "HTTP_X_FORWARDED_PROTO": "https"})
    setup_testing_defaults(environ)
    answered = []
    try:
        response = application(environ, lambda status, headers, exc_info=None: answered.append(status))
        for _ in response:
            pass
        getattr(response, "close", lambda: None)()
    except Exception as error:
        logger.warning("Warming up with %s failed.", path, exc_info=True)
        return f"{path} failed ({type(error).__name__})"
    return f"{path} {answered[0].split()[0] if answered else '?'}"


def host():
    """A name the site answers to."""
    for name in settings.ALLOWED_HOSTS:
        if name != "*" and not name.startswith("."):
            return name
    return "localhost"
