"""Who a client is: its address, as rate limits, login lockouts and the API count it.

Behind proxies (``settings.NUM_PROXIES`` of them, as docs/deploy.md configures) the connection
comes from the nearest proxy, and the client's address is the one that proxy appended to
X-Forwarded-For: the last ``NUM_PROXIES`` entries were written by our proxies, anything before
them by whoever sent the request, and is not believed. Without proxies the header is ignored.
"""

from django.conf import settings


def client_address(request):
    """The client's address: the connection's, or the one the nearest of our proxies saw."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    proxies = settings.NUM_PROXIES
    if not proxies or not forwarded:
        return request.META.get("REMOTE_ADDR", "")
    addresses = [address.strip() for address in forwarded.split(",")]
    return addresses[-min(proxies, len(addresses))]
