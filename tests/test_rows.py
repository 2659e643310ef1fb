"""rows.read and rows.by_id: model instances from SQL, the same as ``raw()`` and ``in_bulk`` give, on
either database."""

import datetime as dt
from unittest import mock

from django.core.exceptions import FieldDoesNotExist
from django.test import TestCase

from articles import rows
from articles.models import Article, Tag

from .helpers import article_make, tag

TAGS_SQL = (
    "SELECT t.*, l.on_original_site FROM articles_articletag l"
    " JOIN articles_tag t ON t.id = l.tag_id WHERE l.article_id = %s ORDER BY t.name"
)


def values(instance):
    return [getattr(instance, f.attname) for f in instance._meta.concrete_fields]


class ReadTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = article_make(
            title="Read back",
            published_on=dt.date(2011, 3, 4),
            listing_only=True,
            tags=[tag("oil", "Oil"), tag("yemen", "Yemen")],
        )

    def test_the_same_instances_as_raw(self):
        read = rows.read(Tag, TAGS_SQL, [self.article.pk])
        expected = list(Tag.objects.raw(TAGS_SQL, [self.article.pk]))
        self.assertEqual([values(t) for t in read], [values(t) for t in expected])
        self.assertEqual([t.on_original_site for t in read], [t.on_original_site for t in expected])
        self.assertEqual([t.name for t in read], ["Oil", "Yemen"])
        self.assertIsNotNone(read[0].updated_at.tzinfo)
        self.assertFalse(any(t._state.adding for t in read))

    def test_dates_and_booleans_come_back_as_python_values(self):
        (article,) = rows.read(Article, "SELECT * FROM articles_article WHERE id = %s", [self.article.pk])
        self.assertEqual(article.published_on, dt.date(2011, 3, 4))
        self.assertIs(article.listing_only, True)
        self.assertEqual(values(article), values(Article.objects.get(pk=self.article.pk)))

    def test_columns_not_read_are_deferred_and_extra_ones_become_attributes(self):
        sql = "SELECT title, id, 7 AS shared FROM articles_article WHERE id = %s"
        (article,) = rows.read(Article, sql, [self.article.pk])
        self.assertEqual((article.pk, article.title, article.shared), (self.article.pk, "Read back", 7))
        every_field = {f.attname for f in Article._meta.concrete_fields}
        self.assertEqual(article.get_deferred_fields(), every_field - {"id", "title"})

    def test_a_query_without_the_primary_key_is_refused(self):
        with self.assertRaises(FieldDoesNotExist):
            rows.read(Article, "SELECT title FROM articles_article", [])

    def test_the_router_chooses_the_database(self):
        with mock.patch("articles.rows.router.db_for_read", return_value="default") as chosen:
            rows.read(Tag, TAGS_SQL, [self.article.pk])
        chosen.assert_called_once_with(Tag)


class ByIdTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tags = [tag("oil", "Oil"), tag("yemen", "Yemen"), tag("gas", "Gas")]

    def test_the_same_rows_as_in_bulk_with_the_fields_asked_for_alone(self):
        wanted = [self.tags[1].pk, self.tags[0].pk, 10**9]
        with self.assertNumQueries(1):
            found = rows.by_id(Tag, wanted, ("name", "slug"))
        expected = Tag.objects.in_bulk(wanted)
        self.assertEqual(found.keys(), expected.keys())
        self.assertEqual(
            {pk: (t.name, t.slug) for pk, t in found.items()}, {pk: (t.name, t.slug) for pk, t in expected.items()}
        )
        every_field = {f.attname for f in Tag._meta.concrete_fields}
        self.assertEqual(found[self.tags[0].pk].get_deferred_fields(), every_field - {"id", "name", "slug"})

    def test_without_fields_every_field_is_read(self):
        found = rows.by_id(Tag, [self.tags[2].pk])
        self.assertEqual(values(found[self.tags[2].pk]), values(Tag.objects.get(pk=self.tags[2].pk)))

    def test_no_ids_no_query(self):
        with self.assertNumQueries(0):
            self.assertEqual(rows.by_id(Tag, []), {})
