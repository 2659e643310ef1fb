"""editing: every human write leaves every stored count exact and the search index current.

Through the admin, as editors make them: a save, a revert and a recovery from the history, a
tag merge, and the saves of a photo, a tag, a section and an author.
"""

import datetime as dt

from django.db.models import Count
from django.urls import reverse
from reversion.models import Version

from articles import reads, search
from articles.models import UNDATED_SORT_DATE, ArchiveMonth, Article, ArticleTag, Author, Section, Tag, UndatedCount

from .admin.test_admin import AdminTestCase, change_form_data, change_url, make_article, make_photo, make_tag


class EditedArchiveTestCase(AdminTestCase):
    """An article with a tag, a photo, a section and an author, counted and indexed; and what
    checks that a write left the counts exact and the index current."""

    def setUp(self):
        super().setUp()
        self.section = Section.objects.create(name="Opinion", slug="opinion")
        self.kilo = Author.objects.create(name="Michel Kilo", slug="michel-kilo")
        self.rashed = Author.objects.create(name="Abdulrahman Al-Rashed", slug="abdul-rahman-al-rashed")
        self.tag, self.photo = make_tag("Qubayr hamlet"), make_photo(1)
        self.article = make_article(
            1,
            tags=[self.tag],
            photos=[self.photo],
            section=self.section,
            author=self.kilo,
            published_on=dt.date(2013, 5, 4),
        )
        make_article(2, author=self.rashed, published_on=dt.date(2014, 6, 1))
        with self.captureOnCommitCallbacks(execute=True):
            from articles import counts

            counts.refresh()
            search.catch_up()

    def assertCountsExact(self):
        """Every stored count is what counting the rows gives now."""
        for model, counted in (
            (Tag, dict(ArticleTag.objects.values_list("tag").annotate(n=Count("*")).order_by())),
            (Section, dict(Article.objects.values_list("section").annotate(n=Count("*")).order_by())),
            (Author, dict(Article.objects.values_list("author").annotate(n=Count("*")).order_by())),
        ):
            for pk, stored in model.objects.values_list("pk", "article_count"):
                self.assertEqual(stored, counted.get(pk, 0), f"{model.__name__} {pk}")
        months = {}
        for day in Article.objects.exclude(published_on=None).values_list("published_on", flat=True):
            months[day.year, day.month] = months.get((day.year, day.month), 0) + 1
        stored = {(m.year, m.month): m.article_count for m in ArchiveMonth.objects.all()}
        self.assertEqual(stored, months)
        undated = Article.objects.filter(sort_date=UNDATED_SORT_DATE).count()
        self.assertEqual(UndatedCount.objects.get(pk=1).article_count, undated)

    def assertIndexCurrent(self):
        """The search index holds the change log to its last row, and finds the article as it is."""
        head = reads.change_log_head()
        self.assertEqual(search.backend()._state()["change"], head[0])
        title = Article.objects.get(pk=self.article.pk).title if Article.objects.filter(pk=self.article.pk) else None
        if title:
            found = search.filter_queryset(Article.objects.all(), f'title:"{title}"')
            self.assertIn(self.article.pk, [a.pk for a in found])

    def history(self, obj):
        return self.client.get(reverse(f"admin:articles_{obj._meta.model_name}_history", args=[obj.pk]))


class CountsAndIndexAfterEditsTests(EditedArchiveTestCase):
    def test_a_revert_of_a_date_and_author_change_leaves_counts_exact(self):
        self.edit(self.article, published_on="2016-02-03", author=str(self.rashed.pk), title="Moved and resigned")
        self.assertCountsExact()
        ingested = self.history(self.article).context["action_list"][-1]
        form = self.client.get(ingested["url"])
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(ingested["url"], change_form_data(form))
        self.assertEqual(response.status_code, 302)
        self.article.refresh_from_db()
        self.assertEqual((self.article.author, self.article.published_on), (self.kilo, dt.date(2013, 5, 4)))
        self.assertCountsExact()
        self.assertIndexCurrent()
        author_page = self.client.get(self.kilo.get_absolute_url())
        self.assertContains(author_page, "1 article")

    def test_a_recovered_article_is_counted_and_found_again(self):
        self.edit(self.article, title="Saved once before it went")
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("admin:articles_article_delete", args=[self.article.pk]), {"post": "yes"})
        self.assertCountsExact()
        deleted = Version.objects.get_deleted(Article).first()
        recover = reverse("admin:articles_article_recover", args=[deleted.pk])
        form = self.client.get(recover)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(recover, change_form_data(form))
        self.assertEqual(response.status_code, 302)
        self.assertTrue(Article.objects.filter(pk=self.article.pk).exists())
        self.assertCountsExact()
        self.assertIndexCurrent()

    def test_a_tag_merge_leaves_counts_exact(self):
        kept = make_tag("Qubayr district")
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(
                reverse("admin:articles_tag_changelist"),
                {"action": "merge_tags", "_selected_action": [kept.pk, self.tag.pk], "kept": kept.pk, "apply": "1"},
            )
        self.assertEqual(list(self.article.tags.all()), [kept])
        self.assertCountsExact()
        self.assertIndexCurrent()

    def test_saves_of_a_photo_tag_section_and_author_leave_counts_exact_and_the_index_current(self):
        self.edit(self.photo, media_id="55300000", caption="Smoke over Qubayr")
        self.edit(self.tag, name="Qubayr old town")
        self.edit(self.section, name="Opinion pieces")
        self.edit(self.kilo, name="Michel Kilo (columnist)")
        self.assertCountsExact()
        self.assertIndexCurrent()
        self.assertTrue(search.filter_queryset(Article.objects.all(), '"smoke over qubayr"').exists())
        self.assertTrue(search.filter_queryset(Article.objects.all(), 'tag:"qubayr old town"').exists())
        self.assertEqual(ArchiveMonth.objects.get(year=2013, month=5).media_id_low, 55300000)

    def test_an_added_article_through_the_admin_is_counted(self):
        add = reverse("admin:articles_article_add")
        data = change_form_data(self.client.get(add))
        data.update(title="Added by hand", body="Typed in.", published_on="2012-01-02", section=str(self.section.pk))
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(self.client.post(add, data).status_code, 302)
        self.assertCountsExact()
        self.assertEqual(change_url(Article.objects.get(title="Added by hand"))[-1], "/")


class SuppliedTitleEditTests(AdminTestCase):
    """A title the archive supplied stays marked until an editor gives the article its own."""

    def test_an_editors_title_replaces_the_supplied_one_and_clears_its_mark(self):
        from .helpers import article_make

        supplied = "[Untitled; begins: Gunmen killed five people…]"
        article = article_make(title=supplied, title_is_derived=True, body="Gunmen killed five people.")
        self.assertIsNone(article.title_key)
        self.assertEqual(self.edit(article, dateline="Baghdad").status_code, 302)
        article.refresh_from_db()
        self.assertEqual((article.title, article.title_is_derived, article.dateline), (supplied, True, "Baghdad"))
        self.assertIsNone(article.title_key)
        self.assertEqual(self.edit(article, title="Checkpoint attack near Baghdad").status_code, 302)
        article.refresh_from_db()
        self.assertEqual((article.title, article.title_is_derived), ("Checkpoint attack near Baghdad", False))
        self.assertEqual(article.title_key, "checkpoint attack near baghdad")
