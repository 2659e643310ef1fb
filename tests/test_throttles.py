"""throttles: what one anonymous client may ask per period. Past its rate a client is answered
429 with Retry-After, on the costly pages, the staff login and the API alike; the limits hold
while the shared cache does not answer, and behind proxies they count the client, not the proxy."""

from unittest import mock

from django.contrib.auth.models import User
from django.test import TestCase, override_settings

from archive.cache import SharedCache
from articles.throttles import AnonymousThrottle

# A clock that stands still: the tests never straddle the end of a period.
STILL = mock.patch.object(AnonymousThrottle, "timer", lambda self: 1_000_000.0)
COSTLY_PAGES = [
    "/search/",
    "/search/timeline/",
    "/search/timeline.csv",
    "/search/timeline.svg",
    "/feed/",
    "/sitemap.xml",
]
# A shared cache whose server does not answer (nothing listens on port 1).
REDIS_AWAY = {
    "default": {
        "BACKEND": "archive.cache.SharedCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


@STILL
@override_settings(ARCHIVE_PAGES_ANON_RATE="3/minute")
class CostlyPageTests(TestCase):
    def test_each_costly_page_is_limited_and_says_when_to_come_back(self):
        for url in COSTLY_PAGES:
            with self.subTest(url=url):
                self.client.defaults["REMOTE_ADDR"] = f"192.0.2.{COSTLY_PAGES.index(url) + 1}"
                answered = [self.client.get(url).status_code for _ in range(3)]
                self.assertNotIn(429, answered)
                refused = self.client.get(url)
                self.assertEqual(refused.status_code, 429)
                self.assertEqual(refused["Retry-After"], "60")
                self.assertIn("Too many searches", refused.content.decode())

    def test_the_costly_pages_share_one_allowance_and_lists_are_not_counted(self):
        for url in ["/search/", "/feed/", "/search/timeline/"]:
            self.client.get(url)
        for _ in range(5):
            self.assertEqual(self.client.get("/articles/").status_code, 200)
        self.assertEqual(self.client.get("/sitemap.xml").status_code, 429)

    def test_staff_logged_in_are_not_limited(self):
        self.client.force_login(User.objects.create_user("editor", password="pw", is_staff=True))
        self.assertEqual({self.client.get("/search/").status_code for _ in range(5)}, {200})


@STILL
@override_settings(ARCHIVE_LOGIN_ANON_RATE="3/minute")
class LoginAttemptTests(TestCase):
    def test_login_posts_are_limited_per_address_and_the_form_still_shows(self):
        for _ in range(3):
            response = self.client.post("/admin/login/", {"username": "x", "password": "y"})
            self.assertEqual(response.status_code, 200)
        response = self.client.post("/admin/login/", {"username": "x", "password": "y"})
        self.assertEqual(response.status_code, 429)
        self.assertIn("Too many login attempts", response.content.decode())
        self.assertEqual(self.client.get("/admin/login/").status_code, 200)
        other = self.client.post("/admin/login/", {"username": "x", "password": "y"}, REMOTE_ADDR="192.0.2.9")
        self.assertEqual(other.status_code, 200)


@STILL
class SharedCacheAwayTests(TestCase):
    def setUp(self):
        AnonymousThrottle.cache.local.clear()  # what earlier tests' outages counted here
        self.addCleanup(setattr, SharedCache, "_down_until", 0.0)

    @override_settings(CACHES=REDIS_AWAY, ARCHIVE_API_ANON_RATE="3/minute", ARCHIVE_PAGES_ANON_RATE="3/minute")
    def test_the_limits_hold_in_the_process_while_the_shared_cache_does_not_answer(self):
        with self.assertLogs("archive.cache", "ERROR"):
            answered = [self.client.get("/api/v1/sections/").status_code for _ in range(3)]
        self.assertEqual(answered, [200, 200, 200])
        self.assertFalse(SharedCache.answering())
        self.assertEqual(self.client.get("/api/v1/sections/").status_code, 429)
        self.assertEqual([self.client.get("/search/").status_code for _ in range(4)], [200, 200, 200, 429])


@STILL
@override_settings(NUM_PROXIES=1, ARCHIVE_PAGES_ANON_RATE="2/minute")
class BehindAProxyTests(TestCase):
    """Every request comes from the proxy's address; the client is the one it forwarded."""

    def get(self, forwarded):
        return self.client.get("/search/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded).status_code

    def test_clients_behind_the_proxy_are_counted_apart(self):
        self.assertEqual([self.get("198.51.100.1") for _ in range(3)], [200, 200, 429])
        self.assertEqual(self.get("198.51.100.2"), 200)

    def test_an_address_the_client_wrote_itself_is_not_believed(self):
        self.assertEqual([self.get(f"203.0.113.{n}, 198.51.100.1") for n in range(3)], [200, 200, 429])


@override_settings(ARCHIVE_PAGES_ANON_RATE="")
class NoLimitTests(TestCase):
    def test_an_empty_rate_is_no_limit_and_counts_nothing(self):
        self.assertEqual({self.client.get("/search/").status_code for _ in range(5)}, {200})
        self.assertIsNone(AnonymousThrottle.cache.get("throttle_pages_127.0.0.1"))
