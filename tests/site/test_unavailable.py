"""unavailable: what cannot be answered now is a 503 that says when to come back, never a 500:
here a page whose query runs past the server processes' statement timeout (the search index
missing is tested in tests/search/test_search.py)."""

import os
import subprocess
import sys
from unittest import mock, skipUnless

from django.db import connection
from django.test import TestCase

from ..helpers import make_articles
from ..ingest.test_processes import ROOT

POSTGRESQL = skipUnless(connection.vendor == "postgresql", "the statement timeout is PostgreSQL's")


def cancelled(*args, **kwargs):
    """A read that runs past its statement timeout."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 50")
        cursor.execute("SELECT pg_sleep(5)")


@POSTGRESQL
class StatementTimeoutTests(TestCase):
    def statement_timeout(self, **env):
        """The statement timeout of a process started with ``env``, as PostgreSQL reports it."""
        code = (
            "from django.db import connection as c; k = c.cursor(); "
            "k.execute('SHOW statement_timeout'); print(*k.fetchone())"
        )
        db = connection.settings_dict
        url = f"postgres://{db['USER'] or 'root'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        result = subprocess.run(
            [sys.executable, "manage.py", "shell", "-v0", "-c", code],
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": url, **env},
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout.strip()

    def test_the_server_processes_bound_their_queries_and_commands_do_not(self):
        self.assertEqual(self.statement_timeout(ARCHIVE_DB_STATEMENT_SECONDS="1.5"), "1500ms")
        self.assertEqual(self.statement_timeout(ARCHIVE_DB_STATEMENT_SECONDS="0"), "0")
        gunicorn_settings = (ROOT / "gunicorn.conf.py").read_text(encoding="utf-8")
        self.assertIn('os.environ.setdefault("ARCHIVE_DB_STATEMENT_SECONDS", "30")', gunicorn_settings)

    def test_a_page_whose_query_is_cancelled_says_to_come_back(self):
        make_articles(3)
        with mock.patch("articles.reads.listed", cancelled), self.assertLogs("django.request", "ERROR"):
            response = self.client.get("/articles/")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response["Retry-After"], "60")
        self.assertIn("took the server too long", response.content.decode())

    def test_in_the_api_too(self):
        make_articles(3)
        with (
            mock.patch("articles.api.views.ArticleViewSet.get_queryset", side_effect=cancelled),
            self.assertLogs("django.request", "ERROR"),
        ):
            response = self.client.get("/api/v1/articles/")
        self.assertEqual(response.status_code, 503)
        self.assertIn("took the server too long", response.json()["detail"])
