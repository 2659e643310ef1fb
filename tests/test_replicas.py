"""Read replicas: which requests read from a replica, and a real PostgreSQL streaming replica.

The real-replica tests need DATABASE_REPLICA_URLS naming a streaming replica of the primary
(`bin/pg-replica up` starts one on port 5433); where none is configured they are skipped with a
clear reason. CI starts the replica and sets ARCHIVE_REQUIRE_REPLICA=1, which turns a missing
replica into a failure (see .ci/run).
"""

import http.cookiejar
import json
import os
import subprocess
import sys
import time
import unittest
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from unittest import mock

from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connection, connections, transaction
from django.http import HttpResponse
from django.test import Client, RequestFactory, SimpleTestCase, TestCase, TransactionTestCase, override_settings
from django.test.utils import CaptureQueriesContext

from archive import replicas
from articles import caching, counts, search
from articles.models import Article, Tag

from .admin.test_admin import change_form_data, change_url
from .helpers import article_make
from .ingest.test_processes import ROOT, ArchiveProcessMixin
from .test_hosts import PORTS, TwoHostsMixin

REQUIRED = os.environ.get("ARCHIVE_REQUIRE_REPLICA") == "1"
REPLICA = "replica_1"
# The test runner checks and prepares every database a test names: only a configured one.
WITH_REPLICA = {"default", REPLICA} if REPLICA in settings.DATABASES else {"default"}


def read_database(request):
    """The database a read of an article goes to while ``request`` is served."""
    seen = []

    def view(request):
        seen.append(replicas.PrimaryReplicaRouter().db_for_read(Article))
        return HttpResponse()

    response = replicas.ReadFromReplicaMiddleware(view)(request)
    return seen[0], response


@override_settings(DATABASE_REPLICAS=[REPLICA])
@mock.patch("archive.replicas.reachable_replica", return_value=REPLICA)
class RoutingTests(SimpleTestCase):
    def test_a_readers_page_reads_from_a_replica(self, _):
        self.assertEqual(read_database(RequestFactory().get("/articles/"))[0], REPLICA)

    def test_a_write_request_reads_from_the_primary_and_pins_its_client_there(self, _):
        database, response = read_database(RequestFactory().post("/admin/login/"))
        self.assertEqual(database, "default")
        pin = response.cookies[replicas.PIN_COOKIE]
        self.assertEqual(pin["max-age"], settings.ARCHIVE_PRIMARY_PIN_SECONDS)
        self.assertTrue(pin["httponly"])

    def test_a_pinned_client_reads_from_the_primary_and_is_not_pinned_again(self, _):
        request = RequestFactory().get("/articles/")
        request.COOKIES[replicas.PIN_COOKIE] = "1"
        database, response = read_database(request)
        self.assertEqual(database, "default")
        self.assertNotIn(replicas.PIN_COOKIE, response.cookies)

    def test_the_admin_always_reads_from_the_primary(self, _):
        self.assertEqual(read_database(RequestFactory().get("/admin/articles/article/"))[0], "default")

    def test_outside_a_request_reads_go_to_the_primary(self, _):
        # Management commands (ingest, search_index) and worker processes read what they wrote.
        self.assertEqual(replicas.PrimaryReplicaRouter().db_for_read(Article), "default")


class TransactionRoutingTests(TestCase):
    def test_reads_inside_a_transaction_go_to_the_primary(self):
        with replicas.replica(REPLICA), transaction.atomic():
            self.assertEqual(replicas.PrimaryReplicaRouter().db_for_read(Article), "default")


class ReplicaSettingsTests(SimpleTestCase):
    def settings_with(self, urls):
        script = (
            "import json; from django.conf import settings; "
            "print(json.dumps([settings.DATABASE_REPLICAS, {k: [v['HOST'], v['PORT'], v['NAME'], v['TEST']['MIRROR']] "
            "for k, v in settings.DATABASES.items() if k != 'default'}, settings.DATABASE_ROUTERS, "
            "'archive.replicas.ReadFromReplicaMiddleware' in settings.MIDDLEWARE]))"
        )
        env = {**os.environ, "DATABASE_REPLICA_URLS": urls, "DJANGO_SETTINGS_MODULE": "archive.settings"}
        result = subprocess.run(
            [sys.executable, "-c", f"import django; django.setup(); {script}"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        return json.loads(result.stdout)

    def test_each_replica_url_becomes_a_test_mirror_of_the_primary(self):
        aliases, databases, routers, middleware = self.settings_with(
            "postgres://root@10.0.0.2:5433/archive, postgres://root@10.0.0.3/archive"
        )
        self.assertEqual(aliases, ["replica_1", "replica_2"])
        self.assertEqual(databases["replica_1"], ["10.0.0.2", 5433, "archive", "default"])
        self.assertEqual(databases["replica_2"][0], "10.0.0.3")
        self.assertEqual(routers, ["archive.replicas.PrimaryReplicaRouter"])
        self.assertTrue(middleware)

    def test_without_replica_urls_nothing_changes(self):
        self.assertEqual(self.settings_with(""), [[], {}, [], False])


class UnreachableReplicaTests(ArchiveProcessMixin, SimpleTestCase):
    databases = {"default"}

    def test_readers_read_from_the_primary_when_the_replica_refuses_connections(self):
        self.write_pages("pages", range(3))
        self.manage("ingest", "--no-progress", str(self.folder / "pages"))
        # Port 8409 is this project's and nothing listens there: the replica is down.
        self.env["DATABASE_REPLICA_URLS"] = "postgres://root@127.0.0.1:8409/archive"
        result = self.manage(
            "shell",
            "-v0",
            "-c",
            "from django.test import Client; from articles.models import Article; "
            "url = Article.objects.order_by('pk').first().get_absolute_url(); "
            "print([Client().get(url).status_code for _ in range(3)])",
        )
        self.assertEqual(result.stdout.strip(), "[200, 200, 200]")
        # Tried once, then left alone for a while: not one failed connection per reader.
        self.assertEqual(result.stderr.count("Replica replica_1 refused a connection"), 1, result.stderr)


# --- A real streaming replica -------------------------------------------------------------------


def require_replica():
    if REPLICA in settings.DATABASES and settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    message = "Replica tests skipped: no PostgreSQL replica in DATABASE_REPLICA_URLS (bin/pg-replica up starts one)."
    if REQUIRED:
        raise AssertionError(message + " ARCHIVE_REQUIRE_REPLICA=1 requires them.")
    raise unittest.SkipTest(message)


def lsn(alias, sql):
    with connections[alias].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


class StreamingReplicaMixin:
    """Real commits on the primary, read back from the streaming replica."""

    @classmethod
    def setUpClass(cls):
        require_replica()
        super().setUpClass()

    def replica_url(self):
        """The replica's copy of the database this test's processes use (self.env)."""
        replica = connections[REPLICA].settings_dict
        user, host, port = replica["USER"] or "root", replica["HOST"] or "127.0.0.1", replica["PORT"] or 5432
        return f"postgres://{user}@{host}:{port}/{self.env['DATABASE_URL'].rsplit('/', 1)[1]}"

    def wait_for_replay(self, timeout=30):
        written = lsn("default", "SELECT pg_current_wal_lsn()")
        deadline = time.monotonic() + timeout
        while not lsn(REPLICA, f"SELECT pg_last_wal_replay_lsn() >= '{written}'::pg_lsn"):
            self.assertLess(time.monotonic(), deadline, "the replica did not replay the primary's writes")
            time.sleep(0.05)

    def pause_replay(self):
        lsn(REPLICA, "SELECT pg_wal_replay_pause()")
        self.addCleanup(lsn, REPLICA, "SELECT pg_wal_replay_resume()")
        deadline = time.monotonic() + 10
        while lsn(REPLICA, "SELECT pg_get_wal_replay_pause_state()") != "paused":
            self.assertLess(time.monotonic(), deadline, "the replica did not pause its replay")
            time.sleep(0.05)

    def resume_replay(self):
        lsn(REPLICA, "SELECT pg_wal_replay_resume()")


class StreamingReplicaTests(StreamingReplicaMixin, TransactionTestCase):
    databases = WITH_REPLICA

    def setUp(self):
        cache.clear()

    def test_a_write_on_the_primary_is_read_from_the_replica_once_replayed(self):
        article = article_make(title="Written to the primary")
        self.wait_for_replay()
        self.assertTrue(Article.objects.using(REPLICA).filter(pk=article.pk).exists())
        with CaptureQueriesContext(connections[REPLICA]) as on_replica, CaptureQueriesContext(connection) as on_primary:
            self.assertContains(Client().get(article.get_absolute_url()), "Written to the primary")
        self.assertTrue(any("articles_article" in q["sql"] for q in on_replica.captured_queries))
        self.assertFalse(any("articles_article" in q["sql"] for q in on_primary.captured_queries))

    @override_settings(ARCHIVE_PAGE_CACHE_SECONDS=300)
    def test_while_the_replica_lags_a_reader_may_see_the_old_title_and_the_editor_never_does(self):
        User.objects.create_superuser("editor", "editor@example.com", "pw")
        article = article_make(
            title="Before the correction", body="The text of the article.", source_path="pages/lag.txt"
        )
        url = article.get_absolute_url()
        reader, editor = Client(), Client()
        self.wait_for_replay()
        self.assertContains(reader.get(url), "Before the correction")
        self.assertEqual(editor.post("/admin/login/", {"username": "editor", "password": "pw"}).status_code, 302)

        self.pause_replay()
        data = change_form_data(editor.get(change_url(article)))
        data["title"] = "After the correction"
        self.assertEqual(editor.post(change_url(article), data).status_code, 302)
        self.assertContains(reader.get(url), "Before the correction")
        # Had the reader's page been kept, the editor would be served it from the cache.
        for page in (editor.get(url), editor.get(change_url(article))):
            self.assertContains(page, "After the correction")
            self.assertNotContains(page, "Before the correction")

        self.resume_replay()
        self.wait_for_replay()
        # The old title the reader was shown while the replica lagged was not kept in the cache.
        page = reader.get(url)
        self.assertContains(page, "After the correction")
        self.assertNotContains(page, "Before the correction")

    def test_a_replica_further_behind_than_allowed_is_not_read_until_it_catches_up(self):
        article = article_make(title="Before the pause", body="The text.", source_path="pages/late.txt")
        url = article.get_absolute_url()
        self.wait_for_replay()
        self.pause_replay()
        Article.objects.filter(pk=article.pk).update(title="After the pause")
        time.sleep(1 + replicas.LAG_CHECK_SECONDS)
        with override_settings(ARCHIVE_REPLICA_MAX_LAG_SECONDS=1), self.assertLogs("archive.replicas", "WARNING"):
            self.assertContains(Client().get(url), "After the pause")
        self.resume_replay()
        self.wait_for_replay()
        time.sleep(replicas.LAG_CHECK_SECONDS)
        # Allowed the default lag again: other databases of the cluster may keep it busy replaying.
        with CaptureQueriesContext(connections[REPLICA]) as on_replica:
            self.assertContains(Client().get(url), "After the pause")
        self.assertTrue(any("articles_article" in q["sql"] for q in on_replica.captured_queries))

    def test_a_count_read_from_a_lagging_replica_is_shown_but_not_kept(self):
        article_make(title="The first")
        self.wait_for_replay()
        self.pause_replay()
        article_make(title="The second")
        caching.invalidate()  # as every writer does once it has committed
        with replicas.replica(REPLICA):
            self.assertEqual(counts.total(), 1)
            self.resume_replay()
            self.wait_for_replay()
            self.assertEqual(counts.total(), 2)

    def test_the_search_index_keeps_current_from_the_primary_in_a_readers_request(self):
        article_make(title="Before the pause")
        search.catch_up()
        self.wait_for_replay()
        self.pause_replay()
        article_make(title="An okapi at the border")
        search.catch_up()  # as ingest does after each batch, on the primary
        # Read from the paused replica, the log would lack the row the index holds: a rebuild,
        # from the replica's tables, without the okapi.
        engine = search.backend()
        with replicas.replica(REPLICA):
            engine.refresh()
        self.assertEqual(engine.count(search.request_for(search.parse("okapi"))), 1)

    def test_a_tags_new_alias_is_searched_at_once_while_the_replica_lags(self):
        self.pause_replay()
        Tag.objects.create(name="Zanzibar Accord", aliases="Stone Town Pact")
        caching.invalidate()
        with replicas.replica(REPLICA):
            expanded = search.parse("zanzibar accord")  # words that name the tag: its aliases too
        self.assertIn("Stone Town Pact", [atom.text for clause in expanded.clauses for atom in clause.atoms])


class IngestWithReplicasTests(StreamingReplicaMixin, ArchiveProcessMixin, SimpleTestCase):
    """Ingest from any host with replicas configured: it writes, and reads what it wrote, on
    the primary. With the replica's replay paused, anything read from it would be missing."""

    databases = WITH_REPLICA

    def test_concurrent_ingests_with_a_paused_replica_write_everything_once_on_the_primary(self):
        self.pause_replay()
        self.env["DATABASE_REPLICA_URLS"] = self.replica_url()
        self.write_pages("crawl-1", range(0, 200))
        self.write_pages("crawl-2", range(100, 300))
        first = self.ingest_process(str(self.folder / "crawl-1"), str(self.folder / "crawl-2"), "--batch-size", "40")
        second = self.ingest_process(str(self.folder / "crawl-2"), str(self.folder / "crawl-1"), "--batch-size", "40")
        for process in (first, second):
            out, err = process.communicate(timeout=300)
            self.assertEqual(process.returncode, 0, out + err)
        state = self.state()
        self.assertEqual((state["articles"], state["urls"]), (300, 300))
        self.assertTrue(state["tag_counts_exact"])
        self.assertTrue(state["month_counts_exact"])
        again = self.manage("ingest", "--no-progress", str(self.folder / "crawl-1"), str(self.folder / "crawl-2"))
        self.assertIn("Nothing to write: every file is already in the archive.", again.stdout)


class FormFields(HTMLParser):
    """The fields a browser sends when the form ``form_id`` is submitted as it is."""

    def __init__(self, html, form_id):
        super().__init__()
        self.form_id, self.fields, self.in_form, self.select, self.textarea = form_id, [], False, None, None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.in_form = a.get("id") == self.form_id
        if not self.in_form or (tag != "option" and not a.get("name")):
            return  # outside the form, or a field the browser does not send
        if tag == "input" and a.get("type") not in ("submit", "button", "file", "image"):
            if a.get("type") not in ("checkbox", "radio"):
                self.fields.append((a["name"], a.get("value") or ""))
            elif "checked" in a:
                self.fields.append((a["name"], a.get("value") or "on"))
        elif tag == "select":
            self.select = a["name"]
        elif tag == "option" and self.select and "selected" in a:
            self.fields.append((self.select, a.get("value") or ""))
        elif tag == "textarea":
            self.textarea = [a["name"], ""]

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea:
            name, text = self.textarea
            # Browsers drop the newline that opens a textarea, as Django renders it.
            self.fields.append((name, text[1:] if text.startswith("\n") else text))
            self.textarea = None
        elif tag == "form":
            self.in_form = False

    def handle_data(self, data):
        if self.textarea:
            self.textarea[1] += data


class Browser:
    """An editor's browser: one cookie jar for every host of the site, as behind a proxy."""

    def __init__(self):
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, host, path):
        with self.opener.open(f"http://127.0.0.1:{PORTS[host]}{path}", timeout=30) as response:
            return response.read().decode("utf-8")

    def submit(self, host, path, form_id, **changes):
        """Open the page, change some fields of its form, send it; return the page it leads to."""
        fields = [(n, v) for n, v in FormFields(self.get(host, path), form_id).fields if n not in changes]
        data = urllib.parse.urlencode([*fields, *changes.items()]).encode()
        with self.opener.open(f"http://127.0.0.1:{PORTS[host]}{path}", data=data, timeout=30) as response:
            return response.read().decode("utf-8")


class EditorAcrossHostsTests(StreamingReplicaMixin, TwoHostsMixin, ArchiveProcessMixin, SimpleTestCase):
    """Two gunicorn hosts reading from the streaming replica: an editor saves through one and
    reads through the other while the replica's replay is paused."""

    databases = WITH_REPLICA

    def server_env(self):
        return {"DATABASE_REPLICA_URLS": self.replica_url()}

    def test_an_editor_sees_their_save_on_every_host_while_the_replica_lags(self):
        self.shell("from django.contrib.auth.models import User; User.objects.create_superuser('editor', '', 'pw')")
        url = self.url_of(0)
        self.wait_for_replay()
        editor = Browser()
        editor.submit("a", "/admin/login/?next=/admin/", "login-form", username="editor", password="pw")
        self.assertIn("Kill Group 0 of Syrian Soldiers", self.get("b", url)[1])

        self.pause_replay()
        article_id = url.split("/")[2]
        change = f"/admin/articles/article/{article_id}/change/"
        saved = editor.submit("a", change, "article_form", title="Saved while it lags", _save="Save")
        self.assertIn("was changed successfully", saved)
        self.assertIn("Kill Group 0 of Syrian Soldiers", self.get("b", url)[1])
        self.assertIn("Saved while it lags", editor.get("b", url))

        self.resume_replay()
        self.wait_for_replay()
        self.assertIn("Saved while it lags", self.get("b", url)[1])
