"""ingest.writer: an article is identified by its original address; of two copies the fuller
text wins, in either order; an editor's version is kept."""

import os
import shutil

from django.test import TestCase

from articles.models import Article
from tests.helpers import ROOT, PageFolderMixin, ingest

SEED = ROOT / "seeds" / "000_cf8551d73f26d5b1.txt"
URL_NAME = "article-theaawsat-news-middle-east-us-led-jets-kill-dozens.txt"


class IdentityTests(PageFolderMixin, TestCase):
    def full(self):
        return SEED.read_text(encoding="utf-8")

    def cut(self):
        return self.full().encode("utf-8")[:2000].decode("utf-8", "ignore")

    def test_a_changed_copy_from_another_folder_updates_the_article_at_its_address(self):
        ingest(self.page(f"crawl-1/{URL_NAME}", self.full()))
        fuller = self.full() + "\nA paragraph a later crawl found.\n"
        output = ingest(self.page(f"crawl-2/{URL_NAME}", fuller))
        self.assertIn("1 updated", output)
        article = Article.objects.get()
        self.assertIn("a later crawl found", article.body)
        self.assertTrue(article.source_path.endswith(f"crawl-2/{URL_NAME}"))

    def test_a_complete_text_replaces_a_truncated_one_never_the_reverse(self):
        ingest(self.page(f"cut/{URL_NAME}", self.cut()))
        self.assertTrue(Article.objects.get().is_truncated)
        ingest(self.page(f"full/{URL_NAME}", self.full()))
        self.assertFalse(Article.objects.get().is_truncated)
        output = ingest(self.folder)
        self.assertIn("1 duplicate", output)
        self.assertEqual(Article.objects.count(), 1)
        self.assertFalse(Article.objects.get().is_truncated)

    def test_either_order_of_two_copies_gives_the_same_article(self):
        for order in (("a-cut", "b-full"), ("a-full", "b-cut")):
            with self.subTest(order=order):
                Article.objects.all().delete()
                for folder in order:
                    text = self.cut() if folder.endswith("cut") else self.full()
                    self.page(f"{folder}/{URL_NAME}", text)
                ingest(self.folder)
                self.assertEqual(Article.objects.count(), 1)
                self.assertFalse(Article.objects.get().is_truncated)
                shutil.rmtree(self.folder)
                os.mkdir(self.folder)

    def test_an_editors_version_is_kept_against_another_copy(self):
        ingest(self.page(f"cut/{URL_NAME}", self.cut()))
        Article.objects.update(title="Corrected by an editor", staff_edited=True)
        output = ingest(self.page(f"full/{URL_NAME}", self.full()))
        self.assertIn("1 kept staff edits", output)
        self.assertEqual(Article.objects.get().title, "Corrected by an editor")
