"""Downloads of every match, streamed within bounds: one server process streams at most
``settings.ARCHIVE_EXPORTS_AT_ONCE`` at once (more are answered 503 with Retry-After, at once),
and a client that stops reading for ``settings.ARCHIVE_SEND_TIMEOUT_SECONDS`` is let go. Without
them a few clients that open downloads and never read would hold every thread of a server.

The send timeout is set on the connection gunicorn hands the request (``gunicorn.socket``),
for this request only (gunicorn sets it back for the next request of the connection); other
servers (runserver in development) stream unbounded in time.
"""

import threading
import weakref
from functools import wraps

from django.conf import settings
from django.http import HttpResponse

RETRY_AFTER_SECONDS = 60


class Slots:
    """How many downloads this process streams now, at most ``settings.ARCHIVE_EXPORTS_AT_ONCE``."""

    def __init__(self):
        self.lock = threading.Lock()
        self.taken = 0

    def take(self):
        with self.lock:
            if self.taken >= settings.ARCHIVE_EXPORTS_AT_ONCE:
                return False
            self.taken += 1
            return True

    def give_back(self):
        with self.lock:
            self.taken -= 1


SLOTS = Slots()


class Released:
    """A response's chunks, giving its slot back once: when the server closes the response, read
    to its end or not (a client gone, a send timed out), or should a response be dropped
    unclosed (a test client's), when it is collected."""

    def __init__(self, chunks):
        self.chunks = iter(chunks)
        self.close = weakref.finalize(self, SLOTS.give_back)

    def __iter__(self):
        return self  # the response holds this, not the chunks alone, as long as it streams

    def __next__(self):
        return next(self.chunks)


def within_bounds(view):
    """Serve a streaming download view within the process's bounds."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not SLOTS.take():
            return busy()
        try:
            response = view(request, *args, **kwargs)
        except BaseException:
            SLOTS.give_back()
            raise
        if not response.streaming:
            SLOTS.give_back()
            return response
        connection = request.META.get("gunicorn.socket")
        if connection is not None and settings.ARCHIVE_SEND_TIMEOUT_SECONDS:
            connection.settimeout(settings.ARCHIVE_SEND_TIMEOUT_SECONDS)
        response.streaming_content = Released(response.streaming_content)
        return response

    return wrapper


def busy():
    response = HttpResponse(
        "The server is streaming as many downloads as it can: please try again in a minute.",
        status=503,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
