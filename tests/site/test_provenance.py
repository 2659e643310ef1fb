"""An article's provenance: its original address, the Wayback Machine, the Memento header, the
file and time of its ingest, and what the archive's editors corrected."""

import datetime as dt

from django.contrib.auth.models import User
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import history
from articles.models import Article
from tests.admin.test_admin import change_form_data, change_url

from ..helpers import PageFolderMixin, article_make, ingest, tag

ORIGINAL = "https://aawsat.com/english/theaawsat/news-middle-east/truce-holds"
PAGE = """Truce holds in Aleppo | ASHARQ AL-AWSAT English Archive 2005 -2017
Select Page

Beirut- Fighting stopped overnight in the northern city of Aleppo, residents said.

The truce was agreed late on Friday.
"""


class IngestTimeTests(PageFolderMixin, TestCase):
    def test_ingest_records_when_it_wrote_the_article_and_an_unchanged_file_keeps_it(self):
        path = self.page("article-theaawsat-news-middle-east-truce-holds.txt", PAGE)
        before = timezone.now()
        ingest(self.folder)
        article = Article.objects.get()
        self.assertEqual(article.source_name, path.name)
        self.assertGreaterEqual(article.ingested_at, before)
        first = article.ingested_at
        ingest(self.folder)
        article.refresh_from_db()
        self.assertEqual(article.ingested_at, first)
        path.write_text(PAGE + "\nA paragraph added later.\n")
        ingest(self.folder)
        article.refresh_from_db()
        self.assertGreater(article.ingested_at, first)


class ArticleProvenanceTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = article_make(
            title="Truce holds",
            published_on=dt.date(2016, 9, 18),
            original_url=ORIGINAL,
            source_path="/crawl/2017/article-truce-holds.txt",
            ingested_at=timezone.make_aware(dt.datetime(2026, 11, 30, 12, 5, 9, 123456)),
        )

    def test_page_links_the_original_and_its_copies_in_the_wayback_machine(self):
        response = self.client.get(self.article.get_absolute_url())
        self.assertContains(response, f'<a class="url" href="{ORIGINAL}" rel="nofollow noopener">{ORIGINAL}</a>')
        self.assertContains(response, f'href="https://web.archive.org/web/*/{ORIGINAL}"')
        self.assertContains(response, "Ingested from the file <code>article-truce-holds.txt</code> on")
        self.assertContains(response, "30 November 2026")
        self.assertNotContains(response, "/crawl/2017/")

    def test_times_are_given_to_the_second_as_html_allows(self):
        response = self.client.get(self.article.get_absolute_url())
        self.assertContains(response, '<time datetime="2026-11-30T12:05:09+00:00">30 November 2026</time>')
        self.assertNotRegex(response.content.decode(), r'datetime="[^"]*\.[0-9]')

    def test_response_names_the_original_in_a_memento_link_header(self):
        response = self.client.get(self.article.get_absolute_url())
        self.assertEqual(response["Link"], f'<{ORIGINAL}>; rel="original"')

    def test_an_article_without_an_original_address_has_no_link_header(self):
        article = article_make(title="Found by file", source_path="x/page.txt")
        response = self.client.get(article.get_absolute_url())
        self.assertFalse(response.has_header("Link"))
        self.assertNotContains(response, "web.archive.org")

    def test_an_article_ingested_before_the_time_was_kept_gives_its_first_ingest(self):
        Article.objects.filter(pk=self.article.pk).update(ingested_at=None)
        response = self.client.get(self.article.get_absolute_url())
        self.assertContains(response, "first ingested on")


class CorrectionTests(TestCase):
    def setUp(self):
        self.editor = User.objects.create_superuser("lead", "lead@example.com", "pw")
        self.client.force_login(self.editor)
        self.article = article_make(title="Truce holds", published_on=dt.date(2016, 9, 18), tags=[tag()])

    def edit(self, **changes):
        data = change_form_data(self.client.get(change_url(self.article)))
        data.update(changes)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(change_url(self.article), data)
        self.assertEqual(response.status_code, 302)
        self.article.refresh_from_db()

    def test_an_edit_is_told_with_its_day_and_fields_never_its_editor(self):
        self.edit(title="Truce holds in Aleppo", published_on="2016-09-19")
        self.edit(dateline="Aleppo")
        found = history.corrections(self.article)
        self.assertEqual([c.fields for c in found], [("title", "date"), ("dateline",)])
        self.client.logout()
        response = self.client.get(self.article.get_absolute_url())
        today = timezone.localdate()
        self.assertContains(response, "Corrected by the archive's editors on <time datetime=")
        self.assertContains(response, f"{today.day} {today:%B %Y}</time>: title, date.")
        self.assertContains(response, "</time>: dateline.")
        self.assertNotRegex(response.content.decode(), r'datetime="[^"]*\.[0-9]')
        self.assertNotContains(response, "lead")

    def test_changed_tags_are_a_correction(self):
        self.edit(tag_choices=[])
        self.assertEqual([c.fields for c in history.corrections(self.article)], [("tags",)])

    def test_an_unedited_article_reads_no_history(self):
        article = article_make(title="Untouched")
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(article.get_absolute_url())
        self.assertFalse([q for q in queries.captured_queries if "reversion_" in q["sql"]])
        self.assertNotContains(response, "Corrected by")
