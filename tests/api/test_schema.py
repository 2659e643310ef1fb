"""The API's OpenAPI description against the API itself, by schemathesis, the tool generated
clients' authors run: every check, every operation, derandomised and bounded (its settings in
schemathesis.toml beside this file). A finding fails the test with schemathesis's report."""

import subprocess
import sys
from pathlib import Path

from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import LiveServerTestCase, override_settings

from articles import editing
from articles.models import Article, Suggestion

from ..helpers import ingest_real_pages, load_tag_vocabulary, make_articles, section

CONFIG = Path(__file__).with_name("schemathesis.toml")
# Cases per operation and phase: enough to meet every parameter's edges, bounded for CI.
EXAMPLES = 15


@override_settings(ARCHIVE_API_ANON_RATE="1000000/minute")
class SchemaConformanceTests(LiveServerTestCase):
    def setUp(self):
        cache.clear()
        load_tag_vocabulary()  # the flush between live-server tests empties what migrations loaded
        ingest_real_pages()
        make_articles(45, section=section("opinion", "Opinion"), title="Column")
        self.accept_a_correction()

    def accept_a_correction(self):
        """One published correction, so that /corrections/{id}/ has an item to answer with."""
        article = Article.objects.order_by("pk").first()
        suggestion = Suggestion.objects.create(
            article=article,
            proposed={"title": article.title + " (corrected)"},
            current=editing.suggestion_current(article, ["title"]),
            evidence="Printed edition",
            name="A reader",
        )
        editor = User.objects.create_superuser("lead", "lead@example.com", "pw")
        editing.suggestion_accept(suggestion, ["title"], editor)

    def test_schemathesis_finds_nothing(self):
        command = [
            str(Path(sys.executable).with_name("st")),
            "--config-file",
            str(CONFIG),
            "run",
            f"{self.live_server_url}/api/v1/schema/",
            "--checks",
            "all",
            "--max-examples",
            str(EXAMPLES),
            "--seed",
            "1",
            "--no-color",
        ]
        result = subprocess.run(command, capture_output=True, text=True, timeout=900)
        self.assertEqual(result.returncode, 0, result.stdout[-6000:] + result.stderr[-2000:])
        self.assertIn("No issues found", result.stdout)
