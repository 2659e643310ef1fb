"""reads: every read written as SQL gives what the ORM would, on either database, and reads
nothing for an id no table can hold (where the ORM's guard is lost)."""

import datetime
import datetime as dt
import itertools
from unittest import mock

from django.core.exceptions import FieldDoesNotExist
from django.test import TestCase

from articles import reads
from articles.models import LISTING_FIELDS, Article, Author, MediaItem, Tag

from .helpers import article_make, section, tag

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
        read = reads.read(Tag, TAGS_SQL, [self.article.pk])
        expected = list(Tag.objects.raw(TAGS_SQL, [self.article.pk]))
        self.assertEqual([values(t) for t in read], [values(t) for t in expected])
        self.assertEqual([t.on_original_site for t in read], [t.on_original_site for t in expected])
        self.assertEqual([t.name for t in read], ["Oil", "Yemen"])
        self.assertIsNotNone(read[0].updated_at.tzinfo)
        self.assertFalse(any(t._state.adding for t in read))

    def test_dates_and_booleans_come_back_as_python_values(self):
        (article,) = reads.read(Article, "SELECT * FROM articles_article WHERE id = %s", [self.article.pk])
        self.assertEqual(article.published_on, dt.date(2011, 3, 4))
        self.assertIs(article.listing_only, True)
        self.assertEqual(values(article), values(Article.objects.get(pk=self.article.pk)))

    def test_columns_not_read_are_deferred_and_extra_ones_become_attributes(self):
        sql = "SELECT title, id, 7 AS shared FROM articles_article WHERE id = %s"
        (article,) = reads.read(Article, sql, [self.article.pk])
        self.assertEqual((article.pk, article.title, article.shared), (self.article.pk, "Read back", 7))
        every_field = {f.attname for f in Article._meta.concrete_fields}
        self.assertEqual(article.get_deferred_fields(), every_field - {"id", "title"})

    def test_a_query_without_the_primary_key_is_refused(self):
        with self.assertRaises(FieldDoesNotExist):
            reads.read(Article, "SELECT title FROM articles_article", [])

    def test_the_router_chooses_the_database(self):
        with mock.patch("articles.reads.router.db_for_read", return_value="default") as chosen:
            reads.read(Tag, TAGS_SQL, [self.article.pk])
        chosen.assert_called_once_with(Tag)


class ByIdTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tags = [tag("oil", "Oil"), tag("yemen", "Yemen"), tag("gas", "Gas")]

    def test_the_same_rows_as_in_bulk_with_the_fields_asked_for_alone(self):
        wanted = [self.tags[1].pk, self.tags[0].pk, 10**9]
        with self.assertNumQueries(1):
            found = reads.by_id(Tag, wanted, ("name", "slug"))
        expected = Tag.objects.in_bulk(wanted)
        self.assertEqual(found.keys(), expected.keys())
        self.assertEqual(
            {pk: (t.name, t.slug) for pk, t in found.items()}, {pk: (t.name, t.slug) for pk, t in expected.items()}
        )
        every_field = {f.attname for f in Tag._meta.concrete_fields}
        self.assertEqual(found[self.tags[0].pk].get_deferred_fields(), every_field - {"id", "name", "slug"})

    def test_without_fields_every_field_is_read(self):
        found = reads.by_id(Tag, [self.tags[2].pk])
        self.assertEqual(values(found[self.tags[2].pk]), values(Tag.objects.get(pk=self.tags[2].pk)))

    def test_no_ids_no_query(self):
        with self.assertNumQueries(0):
            self.assertEqual(reads.by_id(Tag, []), {})


class ShownArticleTests(TestCase):
    """The article page's own query (written as SQL) reads what the ORM would."""

    def test_the_article_comes_with_its_section_and_author_in_one_query(self):
        author = Author.objects.create(name="A Ibrahim2", slug="a-ibrahim2", name_is_guess=True)
        article = article_make(title="Shown", author=author, section=section("news-middle-east"))
        with self.assertNumQueries(1):
            shown = reads.article(article.pk)
            byline = (shown.section, shown.author)
        expected = Article.objects.select_related("section", "author").get(pk=article.pk)
        for field in Article._meta.concrete_fields:
            if field.attname not in ("index_terms", "title_key", "opening_key"):
                self.assertEqual(getattr(shown, field.attname), getattr(expected, field.attname), field.name)
        for got, wanted in zip(byline, (expected.section, expected.author), strict=True):
            self.assertEqual(
                [getattr(got, f.attname) for f in got._meta.concrete_fields],
                [getattr(wanted, f.attname) for f in wanted._meta.concrete_fields],
            )
        self.assertIs(shown.author.name_is_guess, True)
        self.assertFalse(shown._state.adding)

    def test_no_section_or_author_and_no_article(self):
        article = article_make(title="Unsigned")
        with self.assertNumQueries(1):
            shown = reads.article(article.pk)
            self.assertEqual((shown.section, shown.author), (None, None))
        self.assertIsNone(reads.article(article.pk + 1000))
        self.assertEqual(self.client.get(f"/articles/{article.pk + 1000}/unsigned/").status_code, 404)


class ListedArticlesTests(TestCase):
    """A page of a list's articles by id (written as SQL) reads what for_listing() reads."""

    def test_the_same_rows_as_the_orm_in_one_query(self):
        author = Author.objects.create(name="H Qudsi", slug="h-qudsi", name_is_guess=True)
        signed = article_make(title="Signed", body="B" * 900, author=author, section=section("news-middle-east"))
        unsigned = article_make(title="Unsigned", published_on=datetime.date(2012, 5, 6))
        ids = [signed.pk, unsigned.pk, unsigned.pk + 1000]
        with self.assertNumQueries(1):
            listed = reads.listed(ids, "body")
            bylines = {pk: (a.section, a.author) for pk, a in listed.items()}
        expected = Article.objects.for_listing("body").in_bulk(ids)
        self.assertEqual(set(listed), {signed.pk, unsigned.pk})
        for pk, article in listed.items():
            wanted = expected[pk]
            self.assertEqual(article.get_deferred_fields(), wanted.get_deferred_fields())
            for name in [*LISTING_FIELDS, "body", "opening"]:
                self.assertEqual(attribute(article, name), attribute(wanted, name), name)
            self.assertEqual(bylines[pk], (wanted.section, wanted.author))
        self.assertEqual(len(listed[signed.pk].opening), 400)
        self.assertIs(listed[signed.pk].author.name_is_guess, True)
        deferred = expected[signed.pk].section.get_deferred_fields()
        self.assertEqual(listed[signed.pk].section.get_deferred_fields(), deferred)

    def test_no_ids_no_query(self):
        with self.assertNumQueries(0):
            self.assertEqual(reads.listed([]), {})


def attribute(obj, dotted):
    """``obj.section.name`` for "section__name": None along a missing by-line."""
    for name in dotted.split("__"):
        obj = getattr(obj, name) if obj is not None else None
    return obj


class DateOrderNeighbourTests(TestCase):
    def test_newer_and_older_follow_date_then_id_including_ties_and_undated(self):
        first = article_make(title="First", published_on=dt.date(2014, 1, 1), source_path="1.txt")
        tie_a = article_make(title="Tie A", published_on=dt.date(2015, 1, 1), source_path="2.txt")
        tie_b = article_make(title="Tie B", published_on=dt.date(2015, 1, 1), source_path="3.txt")
        undated = article_make(title="Undated", source_path="4.txt")
        order = [undated, first, tie_a, tie_b]
        for older, newer in itertools.pairwise(order):
            self.assertEqual(reads.neighbours(older)[0].pk, newer.pk)
            self.assertEqual(reads.neighbours(newer)[1].pk, older.pk)
        self.assertIsNone(reads.neighbours(tie_b)[0])
        self.assertIsNone(reads.neighbours(undated)[1])


class OutOfRangeIdTests(TestCase):
    """The ORM answers "no such row" for an id past 64 bits; SQL handed such an id overflows."""

    OUT_OF_RANGE = [0, -1, 2**63, 2**64, 10**26, True, "7"]

    def test_no_read_overflows_and_each_finds_nothing(self):
        article = article_make(title="In range", photos=[MediaItem.objects.create(fingerprint="x", caption="c")])
        for pk in self.OUT_OF_RANGE:
            with self.subTest(pk=pk):
                self.assertIsNone(reads.article(pk))
                self.assertEqual(reads.listed([pk]), {})
                self.assertEqual(reads.by_id(Tag, [pk]), {})
                self.assertEqual(reads.photo_captions([pk]), {})
                self.assertEqual(list(reads.among(Article.objects.all(), [pk])), [])
        self.assertEqual(set(reads.listed([article.pk, 2**64])), {article.pk})
        self.assertEqual(list(reads.among(Article.objects.all(), [article.pk, 2**64])), [article])

    def test_every_address_of_an_id_past_64_bits_is_404(self):
        article_make(title="In range")
        for number in [2**63, 2**64, 10**26]:
            for url in [
                f"/articles/{number}/x/",
                f"/articles/{number}/",
                f"/articles/{number}/citation.bib",
                f"/articles/{number}/citation.ris",
                f"/media/{number}/",
                f"/photos/{number}/",
                f"/?p={number}",
                f"/api/v1/articles/{number}/",
                f"/api/v1/photos/{number}/",
            ]:
                with self.subTest(url=url):
                    self.assertEqual(self.client.get(url).status_code, 404)
