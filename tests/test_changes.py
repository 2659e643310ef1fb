"""changes: every write logs what the search index must read again, in its own transaction, and
deleting an article, a photo, a section or an author logs it however it is deleted."""

from django.db import IntegrityError, transaction
from django.test import TestCase

from articles import derive, editing
from articles.models import Article, MediaItem, Tag
from tests.helpers import ROOT, PageFolderMixin, article_make, ingest

SEED = ROOT / "seeds" / "000_cf8551d73f26d5b1.txt"
URL_NAME = "article-theaawsat-news-middle-east-us-led-jets-kill-dozens.txt"


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
