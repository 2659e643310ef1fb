"""Every kind of reader's page is valid HTML, as the Nu Html Checker (vnu, the W3C's validator)
reads it: installed from package-lock.json by `make test` (npm's vnu-jar) and run with Debian's
Java, which CI installs when missing (.ci/run)."""

import json
import os
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

from django.test import TestCase

from articles.models import Article, Suggestion

from .helpers import ROOT, ingest_real_pages, make_articles, reader_pages, section

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
REQUIRED = os.environ.get("ARCHIVE_REQUIRE_BROWSER") == "1"


class ValidHtmlTests(TestCase):
    @classmethod
    def setUpClass(cls):
        java = shutil.which("java")
        if java is None or not VNU.exists():
            message = f"HTML validation skipped: it needs Java and {VNU} (`npm ci`, as `make test` does)."
            if REQUIRED:
                raise AssertionError(message + " ARCHIVE_REQUIRE_BROWSER=1 requires it.")
            raise unittest.SkipTest(message)
        super().setUpClass()

    @classmethod
    def setUpTestData(cls):
        ingest_real_pages()
        make_articles(45, section=section("opinion", "Opinion"), title="Column")

    def test_every_kind_of_reader_page_is_valid_html(self):
        article = Article.objects.filter(photo_count__gt=1).order_by("-photo_count", "id").first()
        Suggestion.objects.create(article=article, proposed={"title": "x"}, current={"title": article.title})
        folder = Path(tempfile.mkdtemp(prefix="archive-html-"))
        self.addCleanup(shutil.rmtree, folder)
        files = {}
        for number, (name, path) in enumerate(reader_pages().items()):
            response = self.client.get(path)
            self.assertIn(response.status_code, (200, 400, 404), path)
            file = folder / f"{number:02d}.html"
            file.write_bytes(response.content)
            files[str(file)] = f"{name} ({path})"
        problems = [
            f"{files[m['url'].removeprefix('file:')]} line {m.get('lastLine')}: {m['message']}"
            for m in validate(sorted(files))
        ]
        self.assertEqual(problems, [])


def validate(paths):
    """vnu's errors (not its warnings) for these HTML files, as its JSON gives them."""
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", "--exit-zero-always", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    return json.loads(result.stderr or '{"messages": []}')["messages"]
