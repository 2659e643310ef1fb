"""Search: ranking, syntax, name variants, snippets, facets and bad input, on both databases."""

import datetime as dt

from django.test import TestCase
from django.urls import reverse

from articles import search
from articles.models import Article, MediaItem, Section, Tag
from articles.query import MAX_QUERY_LENGTH, parse_query
from articles.services import counts_refresh
from tests.helpers import article_make


def article(title, body, *, date=dt.date(2015, 1, 1), section=None, tags=(), agency=None):
    photos = [MediaItem.objects.create(fingerprint=f"f-{title}", caption="A photo", agency=agency)] if agency else []
    made = article_make(
        title=title,
        body=body,
        published_on=date,
        section=section,
        source_path=f"{title}.txt",
        content_hash=title,
        tags=tags,
        photos=photos,
    )
    return made


def found(query, **params):
    return [row[0].title for row in search_page(query, **params).context["results"].rows]


def search_page(query, **params):
    from django.test import Client

    return Client().get(reverse("articles:search"), {"q": query, **params})


class SearchTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.news = Section.objects.create(name="Middle East", slug="news-middle-east")
        cls.opinion = Section.objects.create(name="Opinion", slug="opinion")
        cls.isis = Tag.objects.get(slug="isis")
        cls.syria = Tag.objects.get(slug="syria")
        article(
            "Truce holds in Aleppo",
            "Fighting stopped overnight in the northern city.",
            date=dt.date(2016, 3, 1),
            section=cls.news,
            tags=[cls.syria],
            agency="Reuters",
        )
        article(
            "Markets",
            "Traders said a truce would help the markets recover.",
            date=dt.date(2017, 5, 1),
            section=cls.opinion,
            agency="AFP",
        )
        article(
            "Daesh retreats from Palmyra",
            "The group withdrew east.",
            date=dt.date(2016, 3, 27),
            section=cls.news,
            tags=[cls.isis],
        )
        article(
            "ISIS claims attack",
            "The Islamic State group said it carried out the bombing.",
            date=dt.date(2015, 11, 14),
            section=cls.news,
            tags=[cls.isis],
        )
        article(
            "Deir el-Zour besieged",
            "Regime forces in Deir el-Zour are besieged by militants.",
            date=dt.date(2016, 9, 17),
            section=cls.news,
        )
        article("Zour and Deir apart", "Deir is a word. Zour is another.", date=dt.date(2014, 2, 2))
        article(
            "سوريا اليوم",
            "The Arabic name of Syria, سوريا, appears in this report.",
            date=dt.date(2013, 6, 1),
            section=cls.opinion,
        )
        article(
            "Hezbollah in Qusayr", "Hezbollah fighters entered Qusayr.", date=dt.date(2013, 5, 20), section=cls.news
        )
        article("Amal and elections", "The Amal movement joined the election list.", date=dt.date(2013, 5, 21))
        counts_refresh()
        search.invalidate()


class RankingAndSyntaxTests(SearchTestCase):
    def test_title_match_outranks_body_match(self):
        self.assertEqual(found("truce")[:2], ["Truce holds in Aleppo", "Markets"])

    def test_newest_and_oldest_orders(self):
        self.assertEqual(found("truce", order="newest"), ["Markets", "Truce holds in Aleppo"])
        self.assertEqual(found("truce", order="oldest"), ["Truce holds in Aleppo", "Markets"])

    def test_quoted_phrase_needs_the_words_together(self):
        self.assertEqual(found('"deir el-zour"'), ["Deir el-Zour besieged"])
        self.assertIn("Zour and Deir apart", found("deir zour"))

    def test_or_and_exclusion(self):
        self.assertEqual(set(found("hezbollah OR amal")), {"Hezbollah in Qusayr", "Amal and elections"})
        self.assertEqual(found("truce -markets"), ["Truce holds in Aleppo"])

    def test_name_variants_find_each_other(self):
        self.assertEqual(set(found("daesh")), {"Daesh retreats from Palmyra", "ISIS claims attack"})
        self.assertEqual(set(found("isil")), {"Daesh retreats from Palmyra", "ISIS claims attack"})
        self.assertIn("ISIS claims attack", found("islamic state"))

    def test_editors_teach_new_variants_without_a_deploy(self):
        self.assertEqual(found("kusayyir"), [])
        Tag.objects.create(name="Qusayr town", slug="qusayr-town", aliases="Qusayr\nKusayyir")
        search.invalidate()
        self.assertEqual(found("kusayyir"), ["Hezbollah in Qusayr"])

    def test_arabic_words_are_searchable(self):
        self.assertEqual(found("سوريا"), ["سوريا اليوم"])

    def test_snippets_mark_matches_and_escape_the_rest(self):
        Article.objects.filter(title="Markets").update(body="<b>Traders</b> said a truce would help & heal.")
        search.invalidate()
        response = search_page("truce")
        html = response.content.decode()
        self.assertIn("<mark>truce</mark>", html.lower())
        self.assertIn("&amp; heal", html)
        self.assertNotIn("<b>Traders</b>", html)
        self.assertIn("<mark>Truce</mark> holds in Aleppo", html)


class FacetTests(SearchTestCase):
    def test_facets_count_and_narrow(self):
        results = search_page("truce").context["results"]
        facets = {param: {value: n for value, _, n, _ in choices} for param, _, choices in results.facets}
        self.assertEqual(facets["section"], {"news-middle-east": 1, "opinion": 1})
        self.assertEqual(facets["year"], {"2017": 1, "2016": 1})
        self.assertEqual(facets["agency"], {"Reuters": 1, "AFP": 1})
        self.assertEqual(found("truce", section="opinion"), ["Markets"])
        self.assertEqual(found("truce", year="2016"), ["Truce holds in Aleppo"])
        self.assertEqual(found("truce", agency="AFP"), ["Markets"])
        self.assertEqual(found("daesh", tag="isis", year="2015"), ["ISIS claims attack"])

    def test_selected_filter_is_shown_and_removable(self):
        response = search_page("truce", section="opinion")
        self.assertContains(response, "Remove filter section: Middle East".replace("Middle East", "Opinion"))
        self.assertContains(response, 'href="?q=truce"')

    def test_unknown_facet_value_matches_nothing_without_error(self):
        response = search_page("truce", section="no-such-section", agency="Nobody", year="abc")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["results"].rows, [])


class EmptyAndBadInputTests(SearchTestCase):
    def test_zero_results_say_so_and_suggest_a_correction(self):
        response = search_page("hezbolah")
        self.assertContains(response, "No results for")
        self.assertContains(response, "Did you mean")
        self.assertContains(response, "hezbollah")

    def test_only_stop_words(self):
        self.assertContains(search_page("the and of"), "only very common words")

    def test_results_are_not_indexed_by_robots(self):
        self.assertEqual(search_page("truce")["X-Robots-Tag"], "noindex")

    def test_bad_queries_answer_normally_and_echo_escaped(self):
        bad = [
            "",
            "   ",
            "x" * 10_000,
            '"unbalanced quote',
            "syria & | ! : * ( )",
            "a:* & !b",
            "((((",
            ")",
            "'; DROP TABLE articles_article; --",
            "<script>alert(1)</script>",
            "OR",
            "-",
            "--",
            '""',
            "NOT",
            "truce OR",
            "-truce",
            "\x00",
            "سوريا OR",
            "*",
            "^",
            "NEAR(a b)",
            "title:truce",
            "{truce}",
        ]
        for query in bad:
            with self.subTest(query=query[:30]):
                response = search_page(query)
                self.assertEqual(response.status_code, 200)
                self.assertNotIn(b"<script>alert(1)</script>", response.content)
        self.assertContains(search_page("<script>alert(1)</script>"), "&lt;script&gt;")
        self.assertContains(search_page("x" * 10_000), "shortened")

    def test_page_past_the_end_is_404(self):
        self.assertEqual(search_page("truce", page="9").status_code, 404)
        self.assertEqual(search_page("truce", page="abc").status_code, 404)

    def test_results_are_paginated(self):
        for i in range(25):
            article(f"Parley talk {i}", "A parley was held.", date=dt.date(2012, 1, 1) + dt.timedelta(days=i))
        search.invalidate()
        first = search_page("parley").context["results"]
        second = search_page("parley", page="2").context["results"]
        self.assertEqual((len(first.rows), len(second.rows)), (20, 5))
        self.assertFalse({r[0].pk for r in first.rows} & {r[0].pk for r in second.rows})


class QueryParserTests(TestCase):
    def test_syntax(self):
        query = parse_query('syria "deir el-zour" hezbollah OR amal -russia the')
        self.assertEqual(
            [[a.words for a in c.atoms] for c in query.clauses],
            [[("syria",)], [("deir", "el", "zour")], [("hezbollah",), ("amal",)]],
        )
        self.assertEqual([a.words for a in query.excluded], [("russia",)])
        self.assertEqual(query.dropped_stop_words, ["the"])

    def test_length_is_capped(self):
        query = parse_query("word " * 1000)
        self.assertTrue(query.shortened)
        self.assertLessEqual(len(query.text), MAX_QUERY_LENGTH)


class IndexKeptCurrentTests(SearchTestCase):
    def test_edit_and_delete_update_the_index(self):
        target = Article.objects.get(title="Amal and elections")
        target.body = "Now about a referendum instead."
        target.save()
        search.invalidate()
        self.assertEqual(found("referendum"), ["Amal and elections"])
        self.assertEqual(found("movement"), [])
        target.delete()
        search.invalidate()
        self.assertEqual(found("referendum"), [])

    def test_admin_filter_uses_full_text(self):
        matched = search.filter_queryset(Article.objects.all(), "daesh")
        self.assertEqual(
            set(matched.values_list("title", flat=True)), {"Daesh retreats from Palmyra", "ISIS claims attack"}
        )
        self.assertFalse(search.filter_queryset(Article.objects.all(), "the").exists())
