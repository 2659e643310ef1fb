"""derive: what an article derives is computed the same way by ingest and by editors, and the
database refuses what disagrees."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.test import TestCase

from articles import derive, editing
from articles.models import UNDATED_OLDEST_KEY, UNDATED_SORT_DATE, Article, ArticleTag, MediaItem, Tag
from tests.helpers import DATA, ROOT, PageFolderMixin, article_make, ingest

SEED = ROOT / "seeds" / "000_cf8551d73f26d5b1.txt"
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
        ingest(SEED, DATA)
        before = list(Article.objects.order_by("pk").values_list("pk", "sort_date", "index_terms", "photo_count"))
        self.assertEqual(derive.articles_rederive(Article.objects.values_list("pk", flat=True)), 0)
        after = list(Article.objects.order_by("pk").values_list("pk", "sort_date", "index_terms", "photo_count"))
        self.assertEqual(before, after)

    def test_the_database_refuses_sort_keys_that_disagree_with_the_date(self):
        article = article_make(title="Dated", published_on=dt.date(2014, 5, 1))
        article.published_on = dt.date(2015, 1, 1)
        with self.assertRaises(IntegrityError), transaction.atomic():
            article.save()
        article.sort_date = UNDATED_SORT_DATE
        article.published_on = None
        with self.assertRaises(IntegrityError), transaction.atomic():
            article.save()  # oldest first's key disagrees too
        article.oldest_key = UNDATED_OLDEST_KEY
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
