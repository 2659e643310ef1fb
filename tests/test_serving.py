"""Production serving: security headers, caching, health, and settings that refuse to misstart."""

import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from unittest import mock, skipUnless

from django.conf import settings
from django.db import DatabaseError, connection
from django.test import RequestFactory, SimpleTestCase, TestCase, override_settings

from articles import caching
from articles.models import Article

from .helpers import article_make, ingest_real_pages

ROOT = Path(__file__).resolve().parent.parent


class SecurityHeaderTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        ingest_real_pages()

    def test_every_page_sends_security_headers(self):
        from articles.models import Article, MediaItem, Tag

        urls = [
            "/",
            Article.objects.first().get_absolute_url(),
            "/articles/",
            "/search/?q=syria",
            MediaItem.objects.exclude(media_id=None).first().get_absolute_url(),
            Tag.objects.get(slug="syria").get_absolute_url(),
            "/archive/",
            "/no/such/page/",
            "/health/",
        ]
        for url in urls:
            with self.subTest(url=url):
                response = self.client.get(url)
                csp = response["Content-Security-Policy"]
                self.assertIn("default-src 'self'", csp)
                self.assertIn("script-src 'self'", csp)
                self.assertIn("frame-ancestors 'none'", csp)
                self.assertNotIn("unsafe-inline", csp)
                self.assertEqual(response["X-Content-Type-Options"], "nosniff")
                self.assertEqual(response["Referrer-Policy"], "same-origin")
                self.assertEqual(response["X-Frame-Options"], "DENY")

    def test_pages_carry_no_inline_script_or_style(self):
        from articles.models import Article

        for url in ["/", Article.objects.first().get_absolute_url(), "/search/?q=syria", "/no/such/page/"]:
            with self.subTest(url=url):
                html = self.client.get(url).content.decode()
                self.assertNotIn("<script", html)
                self.assertNotIn("<style", html)
                self.assertNotIn(" style=", html)


class CachingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        ingest_real_pages()

    def test_reader_pages_are_cacheable_and_answer_304(self):
        from articles.models import Article, MediaItem, Tag

        for url in [
            Article.objects.first().get_absolute_url(),
            Tag.objects.get(slug="syria").get_absolute_url(),
            MediaItem.objects.exclude(media_id=None).first().get_absolute_url(),
            "/archive/2016/",
        ]:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response["Cache-Control"], "public, max-age=300")
                again = self.client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
                self.assertEqual(again.status_code, 304)

    def test_search_admin_and_health_are_never_cached(self):
        for url in ["/search/?q=syria", "/admin/", "/health/"]:
            with self.subTest(url=url):
                cache_control = self.client.get(url)["Cache-Control"]
                self.assertIn("no-store", cache_control)
                self.assertIn("private", cache_control)


class HealthTests(TestCase):
    def test_health_reports_the_database(self):
        response = self.client.get("/health/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"status": "ok", "database": "ok"})

    def test_health_is_503_when_the_database_fails(self):
        with (
            mock.patch("articles.site.system.connection.cursor", side_effect=DatabaseError("gone")),
            self.assertLogs("articles.site.system", "ERROR"),
        ):
            response = self.client.get("/health/")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json()["status"], "unavailable")

    def test_health_keeps_the_database_error_in_the_log_not_the_response(self):
        error = DatabaseError('connection to server at "db.internal" failed: role "archive" does not exist')
        with (
            mock.patch("articles.site.system.connection.cursor", side_effect=error),
            self.assertLogs("articles.site.system", "ERROR") as logs,
        ):
            response = self.client.get("/health/")
        self.assertEqual(response.json(), {"status": "unavailable"})
        self.assertNotIn(b"db.internal", response.content)
        self.assertIn("db.internal", "\n".join(logs.output))

    def test_health_answers_over_plain_http_when_https_is_required(self):
        with override_settings(SECURE_SSL_REDIRECT=True, SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https")):
            self.assertEqual(self.client.get("/health/").status_code, 200)
            self.assertEqual(self.client.get("/articles/").status_code, 301)


class ServerErrorPageTests(SimpleTestCase):
    def render_500(self):
        from articles.site.system import server_error

        return server_error(RequestFactory().get("/articles/"))

    def test_500_page_renders_with_the_stylesheet(self):
        response = self.render_500()
        self.assertEqual(response.status_code, 500)
        self.assertContains(response, 'rel="stylesheet"', status_code=500)

    def test_500_page_renders_when_the_static_manifest_is_missing(self):
        storages = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
        }
        with tempfile.TemporaryDirectory() as empty, override_settings(STORAGES=storages, STATIC_ROOT=empty):
            response = self.render_500()
        self.assertContains(response, "Something went wrong", status_code=500)
        self.assertNotContains(response, "stylesheet", status_code=500)


def run_manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ARCHIVE_", "REDIS_"))}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


class ProductionSettingsTests(TestCase):
    PRODUCTION = {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "x" * 60 + "-not-a-real-key-but-long-enough",
        "DJANGO_ALLOWED_HOSTS": "archive.example",
        "REDIS_URL": "redis://127.0.0.1:6379/15",
    }

    def test_refuses_to_start_without_secret_key_or_hosts(self):
        for missing in ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"):
            with self.subTest(missing=missing):
                env = {k: v for k, v in self.PRODUCTION.items() if k != missing}
                result = run_manage("check", **env)
                self.assertNotEqual(result.returncode, 0)
                self.assertIn(missing, result.stderr)

    def test_refuses_to_start_without_a_shared_cache_unless_told_it_runs_alone(self):
        env = {k: v for k, v in self.PRODUCTION.items() if k != "REDIS_URL"}
        result = run_manage("check", **env)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("REDIS_URL", result.stderr)
        result = run_manage("check", ARCHIVE_LOCAL_CACHE="1", **env)
        self.assertEqual(result.returncode, 0, result.stderr)

    def test_check_deploy_is_clean_with_and_without_tls(self):
        for extra in ({}, {"DJANGO_HTTPS": "1"}):
            with self.subTest(https=bool(extra)):
                result = run_manage("check", "--deploy", "--fail-level", "WARNING", **self.PRODUCTION, **extra)
                self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
                self.assertIn("no issues", result.stdout)


class PreparedStatementTests(TestCase):
    """On PostgreSQL a query a connection runs again and again is planned once (settings'
    postgresql_options); behind a pooler that cannot keep plans, one setting turns it off."""

    @skipUnless(connection.vendor == "postgresql", "PostgreSQL keeps prepared statements")
    def test_a_query_run_again_and_again_is_prepared_once_on_the_server(self):
        article = article_make(title="Planned once")
        for _ in range(settings.DATABASES["default"]["OPTIONS"]["prepare_threshold"] + 1):
            Article.objects.select_related("section", "author").get(pk=article.pk)
        with connection.cursor() as cursor:
            sql = "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s"
            cursor.execute(sql, ['%FROM "articles_article"%'])
            self.assertGreaterEqual(cursor.fetchone()[0], 1)

    def test_the_plans_can_be_left_to_the_pooler(self):
        show = "from django.conf import settings; print(sorted(settings.DATABASES['default']['OPTIONS'].items()))"
        url = {"DATABASE_URL": "postgres://archive@db.example/archive"}
        result = run_manage("shell", "--no-imports", "-c", show, **url)
        self.assertIn("('prepare_threshold', 5), ('server_side_binding', True)", result.stdout, result.stderr)
        result = run_manage("shell", "--no-imports", "-c", show, DJANGO_DB_PREPARE_THRESHOLD="off", **url)
        self.assertEqual(result.stdout.strip(), "[]", result.stderr)


class StaticFilesTests(TestCase):
    """The suite reads static files from their folders; production serves collectstatic's output."""

    def test_collectstatic_and_the_production_storage_serve_hashed_compressed_files(self):
        from django.core.management import call_command
        from django.templatetags.static import static

        from archive import settings as production

        with tempfile.TemporaryDirectory() as root, override_settings(STORAGES=production.STORAGES, STATIC_ROOT=root):
            call_command("collectstatic", interactive=False, verbosity=0)
            url = static("css/archive.css")
            self.assertRegex(url, r"^/static/css/archive\.[0-9a-f]{12}\.css$")
            self.assertTrue((Path(root) / url.removeprefix("/static/")).is_file())
            self.assertTrue((Path(root) / (url.removeprefix("/static/") + ".gz")).is_file())
            self.assertContains(self.client.get("/"), url)


class PageCacheTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        ingest_real_pages()

    def test_rendered_page_is_served_from_cache_until_the_archive_changes(self):
        from django.core.cache import cache
        from django.test import override_settings

        from articles.models import Article

        cache.clear()
        article = Article.objects.get(title="U.S.-led Jets Kill Dozens of Syrian Soldiers")
        with override_settings(ARCHIVE_PAGE_CACHE_SECONDS=300):
            first = self.client.get(article.get_absolute_url())
            with self.assertNumQueries(0):
                again = self.client.get(article.get_absolute_url())
            self.assertEqual(first.content, again.content)
            Article.objects.filter(pk=article.pk).update(title="Corrected headline")
            caching.invalidate()
            self.assertContains(self.client.get(article.get_absolute_url()), "Corrected headline")
            self.assertEqual(self.client.get("/no/such/page/").status_code, 404)

    def test_a_page_reads_the_archive_version_once(self):
        from django.core.cache import cache

        cache.clear()
        with (
            override_settings(ARCHIVE_PAGE_CACHE_SECONDS=300),
            mock.patch.object(caching.cache, "get_or_set", wraps=caching.cache.get_or_set) as read,
        ):
            # The page's key, its filter form's and its count's: one version, read once.
            self.assertEqual(self.client.get("/articles/").status_code, 200)
            self.assertEqual([c.args[0] for c in read.call_args_list], ["archive-search-version"])
            self.client.get("/articles/?page=2")
            self.assertEqual(read.call_count, 2)

    def test_outside_a_request_and_after_a_write_the_version_is_read_afresh(self):
        from django.core.cache import cache
        from django.core.signals import request_finished, request_started
        from django.db import close_old_connections

        # As the test client does: the signals must not close the test's transaction.
        for signal in (request_started, request_finished):
            signal.disconnect(close_old_connections)
            self.addCleanup(signal.connect, close_old_connections)
        cache.set("archive-search-version", 41, None)
        self.assertEqual(caching.version(), 41)
        cache.set("archive-search-version", 42, None)
        self.assertEqual(caching.version(), 42)
        request_started.send(sender=None)
        try:
            self.assertEqual(caching.version(), 42)
            cache.set("archive-search-version", 50, None)  # another process's write
            self.assertEqual(caching.version(), 42)
            caching.invalidate()  # this request's own write
            self.assertEqual(caching.version(), 51)
        finally:
            request_finished.send(sender=None)
        cache.set("archive-search-version", 60, None)
        self.assertEqual(caching.version(), 60)


class WorkerStartTests(SimpleTestCase):
    def test_a_worker_warms_up_then_freezes_what_it_holds_for_the_collector(self):
        """gunicorn.conf.py: after the warm-up, what the worker holds is frozen (gc.freeze), so
        that the garbage collector's full passes leave it alone."""
        import runpy

        config = runpy.run_path(str(settings.BASE_DIR / "gunicorn.conf.py"))
        steps = mock.Mock()
        with (
            mock.patch("archive.warmup.warm_up", steps.warm_up),
            mock.patch("django.db.connections.close_all", steps.close_all),
            mock.patch("gc.collect", steps.collect),
            mock.patch("gc.freeze", steps.freeze),
        ):
            worker = mock.Mock()
            config["post_worker_init"](worker)
        self.assertEqual([name for name, _, _ in steps.mock_calls], ["warm_up", "close_all", "collect", "freeze"])
        steps.warm_up.assert_called_once_with(worker.wsgi, notify=worker.notify)


class WarmUpTests(TestCase):
    """A new server process renders a page of each kind before its first reader (gunicorn.conf.py)."""

    @classmethod
    def setUpTestData(cls):
        ingest_real_pages()

    def setUp(self):
        from django.core.cache import cache

        cache.clear()
        self.enterContext(override_settings(ARCHIVE_PAGE_CACHE_SECONDS=300))

    def render(self, path):
        """Render as the warm-up does; like the test client, without closing the connection that
        holds the test's transaction at the request's start and end."""
        from django.core.signals import request_finished, request_started
        from django.db import close_old_connections

        from archive import warmup
        from archive.wsgi import application

        for signal in (request_started, request_finished):
            signal.disconnect(close_old_connections)
        try:
            return warmup.render(application, path)
        finally:
            for signal in (request_started, request_finished):
                signal.connect(close_old_connections)

    def test_each_kind_of_page_is_rendered_past_the_page_cache(self):
        from django.core.cache import cache
        from django.test.utils import CaptureQueriesContext

        from archive import warmup

        paths = warmup.pages()
        url = Article.objects.order_by("-sort_date", "-id").first().get_absolute_url()
        self.assertIn(url, paths)
        self.assertTrue(any(path.startswith("/tags/") for path in paths))
        self.assertTrue(any(path.startswith("/search/?q=") for path in paths))
        self.client.get(url)  # a reader's visit keeps the page
        with CaptureQueriesContext(connection) as warming:
            self.render(url)
        self.assertTrue(warming.captured_queries, "the kept page was rendered, not read")
        cache.clear()
        self.assertEqual([self.render(path) for path in paths], [f"{path} 200" for path in paths])
        with CaptureQueriesContext(connection) as visit:
            self.client.get(url)
        self.assertTrue(visit.captured_queries, "the warm-up kept no page: the reader's visit renders it")

    def test_the_server_hears_from_the_warm_up_after_each_page_and_it_stops_at_its_budget(self):
        from archive import warmup

        notify = mock.Mock()
        with mock.patch.object(warmup, "render", return_value="200") as render:
            warmup.warm_up(application=None, notify=notify)
            self.assertEqual(notify.call_count, len(warmup.pages()))
            render.reset_mock()
            with self.assertLogs("archive.warmup", "WARNING") as logged:
                warmup.warm_up(application=None, budget=-1)
        render.assert_not_called()
        self.assertIn("Warm-up stopped", logged.output[0])

    def test_a_warm_up_that_fails_is_logged_and_the_worker_starts(self):
        from archive import warmup

        with (
            mock.patch.object(warmup, "pages", side_effect=DatabaseError("no database")),
            self.assertLogs("archive.warmup", "WARNING") as logged,
        ):
            warmup.warm_up(application=None)
        self.assertIn("No pages to warm up with", logged.output[0])


class SharedCacheTests(TestCase):
    """Server processes share the Redis cache, so a change made through one reaches them all.

    Runs against the local Redis, in its db 15 under a prefix of its own, so that parallel runs
    and the archive's own cache (db 0) are never touched."""

    REDIS_URL = "redis://127.0.0.1:6379/15"

    @classmethod
    def setUpTestData(cls):
        ingest_real_pages()

    def setUp(self):
        import redis

        self.prefix = f"archive-test-{uuid.uuid4().hex}"
        client = redis.Redis.from_url(self.REDIS_URL)
        self.addCleanup(lambda: [client.delete(key) for key in client.scan_iter(f"{self.prefix}:*")])
        shared = {
            "default": {
                "BACKEND": "archive.cache.SharedCache",
                "LOCATION": self.REDIS_URL,
                "KEY_PREFIX": self.prefix,
            }
        }
        self.enterContext(override_settings(CACHES=shared, ARCHIVE_PAGE_CACHE_SECONDS=settings.ARCHIVE_CACHE_SECONDS))

    def invalidate_in_another_process(self):
        result = run_manage(
            "shell",
            "-v",
            "0",
            "-c",
            "from articles import caching; caching.invalidate()",
            REDIS_URL=self.REDIS_URL,
            ARCHIVE_CACHE_KEY_PREFIX=self.prefix,
        )
        self.assertEqual(result.returncode, 0, result.stderr)

    def test_an_ingest_in_another_process_replaces_this_process_cached_page(self):
        from articles.models import Article

        article = Article.objects.get(title="U.S.-led Jets Kill Dozens of Syrian Soldiers")
        url = article.get_absolute_url()
        self.client.get(url)
        with self.assertNumQueries(0):
            self.assertContains(self.client.get(url), "U.S.-led Jets Kill Dozens")
        Article.objects.filter(pk=article.pk).update(title="Corrected headline")
        self.invalidate_in_another_process()
        self.assertContains(self.client.get(url), "Corrected headline")

    def test_one_redis_client_serves_every_cache_call(self):
        from django.core.cache import cache

        for number in range(50):
            cache.set(f"key-{number}", {"number": number})
        self.assertEqual([cache.get(f"key-{number}") for number in range(50)], [{"number": n} for n in range(50)])
        self.assertEqual(len(cache._cache._clients), 1)


class CacheLifetimeTests(TestCase):
    def test_cached_counts_live_no_longer_than_cached_pages(self):
        from articles import counts
        from articles.models import Article

        with mock.patch("articles.caching.cache") as cache:
            cache.get.return_value = None
            counts.total()
            counts.cached_count("articles", Article.objects.all())
        lifetimes = {call.args[2] for call in cache.set.call_args_list}
        self.assertEqual(lifetimes, {settings.ARCHIVE_CACHE_SECONDS})
        self.assertLessEqual(settings.ARCHIVE_CACHE_SECONDS, 300, "the README promises five minutes")
