"""Anonymous clients' rate limit. Its own module: DRF imports it while defining its views."""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle


class AnonymousThrottle(AnonRateThrottle):
    """Anonymous clients' requests per period, read from the settings when a request comes
    (so a test or a deployment may change it), counted in the shared cache."""

    def get_rate(self):
        return settings.ARCHIVE_API_ANON_RATE
