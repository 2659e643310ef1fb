"""Migrations are history: they must not change when the code of today changes."""

import ast
import importlib
from pathlib import Path
from types import SimpleNamespace

from django.apps import apps
from django.db import connection
from django.test import SimpleTestCase, TestCase

from articles.models import Article, ListingItem, ListingPage, SearchChange

from .helpers import article_make

MIGRATIONS = Path(__file__).resolve().parent.parent / "articles" / "migrations"


class FrozenMigrationTests(SimpleTestCase):
    def test_migrations_import_no_live_code_of_the_archive(self):
        for path in sorted(MIGRATIONS.glob("0*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            imported = [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
            imported += [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
            imported += [
                node.args[0].value
                for node in ast.walk(tree)
                if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "import_module"
            ]
            live = [name for name in imported if name.startswith("articles") and ".migrations." not in name + "."]
            with self.subTest(migration=path.name):
                self.assertEqual(live, [], "a migration that imports the app's code changes when that code does")


class SuppliedTitlesMarkedTests(TestCase):
    """0018: the titles ingest made of a text's first words are found and marked as supplied."""

    def mark(self):
        migration = importlib.import_module("articles.migrations.0018_supplied_titles_marked")
        migration.made_titles_mark(apps, SimpleNamespace(connection=connection))

    def test_a_title_made_of_the_texts_first_words_is_bracketed_and_flagged(self):
        body = "Abdelaziz Bouteflika has barely been seen in public since his stroke last year, yet he is the man..."
        made = article_make(
            title="Abdelaziz Bouteflika has barely been seen in public since his stroke last year,…",
            body=body,
            listing_only=True,
            content_hash="made",
        )
        empty = article_make(title="Untitled", body="", listing_only=True)
        real = article_make(title="Truce holds", body="Truce holds. A ceasefire held overnight.")
        printed = article_make(title="Gunmen kill five", body="Gunmen kill five", listing_only=True)
        listing = ListingPage.objects.create(source_path="tag-iraq.txt", content_hash="h")
        ListingItem.objects.create(listing=listing, position=0, title="Gunmen kill five", article=printed)
        self.assertIsNotNone(made.title_key)
        logged = SearchChange.objects.count()
        self.mark()
        made.refresh_from_db()
        self.assertEqual(
            made.title,
            "[Untitled; begins: Abdelaziz Bouteflika has barely been seen in public since his stroke last year,…]",
        )
        self.assertTrue(made.title_is_derived)
        self.assertIsNone(made.title_key)
        self.assertEqual(Article.objects.get(pk=empty.pk).title, "[Untitled]")
        for kept in (real, printed):
            self.assertEqual(Article.objects.get(pk=kept.pk).title_is_derived, False)
        self.assertEqual(Article.objects.get(pk=printed.pk).title, "Gunmen kill five", "a listing printed it")
        changed = SearchChange.objects.order_by("id")[logged:]
        self.assertEqual(sorted(c.article_id for c in changed), [made.pk, empty.pk])
