"""The one write path: what an article derives is computed the same way by ingest and editors,
and an article is identified by its original address."""

import datetime as dt
import os
import shutil
from pathlib import Path

from django.db import IntegrityError, transaction
from django.test import TestCase

from articles import derive, editing
from articles.models import UNDATED_SORT_DATE, Article, ArticleTag, MediaItem, Tag
from tests.helpers import PageFolderMixin, article_make, ingest

SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_cf8551d73f26d5b1.txt"
URL_NAME = "article-theaawsat-news-middle-east-us-led-jets-kill-dozens.txt"


class DerivedColumnsTests(PageFolderMixin, TestCase):
    def test_a_photo_printed_twice_is_indexed_once_and_an_editors_save_changes_nothing(self):
        text = SEED.read_text(encoding="utf-8")
        block = "Media ID: 55358541\nCaption:\n"
        doubled = text.replace(block, block + "\n" + text.split(block)[1].split("\n\n\n")[0] + "\n\n" + block, 1)
        ingest(self.page("a.txt", doubled))
        article = Article.objects.get()
        caption = MediaItem.objects.get().caption
        self.assertEqual(article.index_terms.count(caption), 1)
        self.assertEqual(article.photo_count, 1)
        self.assertEqual(derive.articles_rederive([article.pk]), 0, "an editor's save would change the search text")

    def test_ingest_and_rederive_agree_on_every_derived_column(self):
        ingest(SEED, Path(__file__).parent / "data")
        before = list(Article.objects.order_by("pk").values_list("pk", "sort_date", "index_terms", "photo_count"))
        self.assertEqual(derive.articles_rederive(Article.objects.values_list("pk", flat=True)), 0)
        after = list(Article.objects.order_by("pk").values_list("pk", "sort_date", "index_terms", "photo_count"))
        self.assertEqual(before, after)

    def test_the_database_refuses_a_sort_date_that_disagrees_with_the_date(self):
        article = article_make(title="Dated", published_on=dt.date(2014, 5, 1))
        article.published_on = dt.date(2015, 1, 1)
        with self.assertRaises(IntegrityError), transaction.atomic():
            article.save()
        article.sort_date = UNDATED_SORT_DATE
        article.published_on = None
        article.save()

    def test_an_editors_new_date_moves_the_article_and_its_tag_links(self):
        tag = Tag.objects.get(slug="aleppo")
        article = article_make(title="Dated", published_on=dt.date(2014, 5, 1), tags=[tag])
        article.published_on = dt.date(2016, 2, 3)
        editing.article_save(article)
        editing.article_edited(article, tags=[tag])
        self.assertEqual(article.sort_date, dt.date(2016, 2, 3))
        self.assertEqual(ArticleTag.objects.get(article=article).sort_date, dt.date(2016, 2, 3))
        self.assertTrue(article.staff_edited)


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


class SearchChangeLogTests(PageFolderMixin, TestCase):
    """Every write that changes what search reads logs it, in the write's own transaction."""

    def logged(self):
        from articles.models import SearchChange

        rows = SearchChange.objects.values_list("article_id", "photo_id")
        return {a for a, _ in rows if a is not None}, {p for _, p in rows if p is not None}

    def test_ingest_logs_each_article_and_photo_it_writes_and_nothing_when_unchanged(self):
        from articles.models import SearchChange

        page = self.page("a.txt", SEED.read_text(encoding="utf-8"))
        ingest(page)
        articles, photos = self.logged()
        self.assertEqual(articles, set(Article.objects.values_list("pk", flat=True)))
        self.assertEqual(photos, set(MediaItem.objects.values_list("pk", flat=True)))
        before = SearchChange.objects.count()
        ingest(page)
        self.assertEqual(SearchChange.objects.count(), before, "an unchanged page writes nothing")

    def test_a_failed_write_leaves_no_log_row(self):
        from articles.models import SearchChange

        article = article_make(title="Kept", body="Text.")
        before = SearchChange.objects.count()
        with self.assertRaises(IntegrityError), transaction.atomic():
            derive.articles_rederive([article.pk])
            Article.objects.create(title="Clash", source_path="x", content_hash=article.content_hash)
        self.assertEqual(SearchChange.objects.count(), before)

    def test_editors_tag_merge_and_deletes_are_logged(self):
        tag = Tag.objects.create(name="Zanzibar Accord", slug="zanzibar-accord")
        other = Tag.objects.create(name="Zanzibar Pact", slug="zanzibar-pact")
        article = article_make(title="Accord", tags=[other])
        photo = MediaItem.objects.create(fingerprint="f-1", caption="A photo")
        from articles.models import SearchChange

        SearchChange.objects.all().delete()
        editing.tags_merge(tag, [other])
        self.assertEqual(self.logged(), ({article.pk}, set()))
        article_id, photo_id = article.pk, photo.pk
        article.delete()
        photo.delete()
        self.assertEqual(self.logged(), ({article_id}, {photo_id}))
        self.assertEqual(SearchChange.objects.filter(article_id=article_id).count(), 2)

    def test_deleting_a_section_or_author_logs_their_articles(self):
        from articles.models import Author, SearchChange, Section

        section = Section.objects.create(name="Opinion", slug="opinion")
        author = Author.objects.create(name="Michel Kilo", slug="michel-kilo")
        filed = article_make(title="Filed", section=section, author=author)
        article_make(title="Elsewhere")
        SearchChange.objects.all().delete()
        section.delete()
        self.assertEqual(self.logged(), ({filed.pk}, set()))
        author.delete()
        self.assertEqual(SearchChange.objects.filter(article_id=filed.pk).count(), 2)
