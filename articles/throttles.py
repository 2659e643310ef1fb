"""Anonymous clients' rate limits: the API's, and the exports'. Its own module: DRF imports it
while defining its views."""

import math
from functools import wraps

from django.conf import settings
from django.http import HttpResponse
from rest_framework.throttling import AnonRateThrottle


class AnonymousThrottle(AnonRateThrottle):
    """Anonymous clients' requests per period, read from the settings when a request comes
    (so a test or a deployment may change it), counted in the shared cache."""

    def get_rate(self):
        return settings.ARCHIVE_API_ANON_RATE


class ExportThrottle(AnonymousThrottle):
    """Anonymous clients' downloads of every match: each may read the whole archive."""

    scope = "export"

    def get_rate(self):
        return settings.ARCHIVE_EXPORT_ANON_RATE


def throttled(throttle_class):
    """Limit a plain Django view as DRF limits the API: past the rate, 429 with Retry-After."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            throttle = throttle_class()
            if throttle.allow_request(request, None):
                return view(request, *args, **kwargs)
            response = HttpResponse(
                "Too many downloads from your address: please wait and try again.",
                status=429,
                content_type="text/plain",
            )
            wait = throttle.wait()
            if wait is not None:
                response["Retry-After"] = str(math.ceil(wait))
            return response

        return wrapper

    return decorator
