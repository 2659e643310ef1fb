"""Search through the site: ranking, syntax, fields, dates, orders, counts, facets, photos,
snippets, zero results and bad input, on both databases."""

import datetime as dt
import platform
import sys
from collections import Counter
from unittest import mock

from django.test import SimpleTestCase, TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from articles import caching, changes, derive, editing, search
from articles.counts import refresh as counts_refresh
from articles.models import Article, Author, MediaItem, Section, Tag
from articles.search import highlight, tantivy_engine, tantivy_index
from articles.search.query import MAX_QUERY_LENGTH, parse_query
from tests.helpers import article_make, make_articles


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
        caching.invalidate()


class RankingAndSyntaxTests(SearchTestCase):
    def test_title_match_outranks_body_match(self):
        self.assertEqual(found("truce")[:2], ["Truce holds in Aleppo", "Markets"])

    def test_newest_and_oldest_orders(self):
        self.assertEqual(found("truce", order="newest"), ["Markets", "Truce holds in Aleppo"])
        self.assertEqual(found("truce", order="oldest"), ["Truce holds in Aleppo", "Markets"])

    def test_quoted_phrase_needs_the_words_together(self):
        self.assertEqual(found('"deir el-zour"'), ["Deir el-Zour besieged"])
        self.assertIn("Zour and Deir apart", found("deir zour"))

    def test_a_phrase_needs_its_words_in_order_not_only_its_pairs(self):
        article("Gulf", "Talks in the gulf states began; states talks ended the gulf row.")
        search.catch_up()
        self.assertEqual(found('"gulf states talks"'), [], "gulf states and states talks, never all three")
        self.assertEqual(found('"the gulf states"'), ["Gulf"])
        self.assertEqual(found('"states talks ended"'), ["Gulf"])

    def test_or_and_exclusion(self):
        self.assertEqual(set(found("hezbollah OR amal")), {"Hezbollah in Qusayr", "Amal and elections"})
        self.assertEqual(found("truce -markets"), ["Truce holds in Aleppo"])

    def test_name_variants_find_each_other(self):
        self.assertEqual(set(found("daesh")), {"Daesh retreats from Palmyra", "ISIS claims attack"})
        self.assertEqual(set(found("isil")), {"Daesh retreats from Palmyra", "ISIS claims attack"})
        self.assertIn("ISIS claims attack", found("islamic state"))

    def test_an_exclusion_removes_everything_its_word_would_match_variants_included(self):
        self.assertEqual(set(found("daesh")), {"Daesh retreats from Palmyra", "ISIS claims attack"})
        self.assertEqual(found("daesh -daesh"), [])
        self.assertEqual(found("palmyra -isis"), [], "-isis removes the Daesh article too")
        self.assertEqual(found("group -isil"), [])

    def test_editors_teach_new_variants_without_a_deploy(self):
        self.assertEqual(found("kusayyir"), [])
        Tag.objects.create(name="Qusayr town", slug="qusayr-town", aliases="Qusayr\nKusayyir")
        caching.invalidate()
        self.assertEqual(found("kusayyir"), ["Hezbollah in Qusayr"])

    def test_tag_names_are_read_again_only_when_tags_change(self):
        search.parse("daesh")
        with mock.patch.object(search.names, "_tag_maps", wraps=search.names._tag_maps) as read:
            caching.invalidate()  # an article changed: the tags did not
            search.parse("daesh")
            self.assertEqual(read.call_count, 0)
            self.isis.aliases += "\nDawla"
            self.isis.save()
            caching.invalidate()
            self.assertIn("ISIS claims attack", found("dawla"))
            self.assertEqual(read.call_count, 1)

    def test_arabic_words_are_searchable(self):
        self.assertEqual(found("سوريا"), ["سوريا اليوم"])

    def test_snippets_mark_matches_and_escape_the_rest(self):
        Article.objects.filter(title="Markets").update(body="<b>Traders</b> said a truce would help & heal.")
        caching.invalidate()
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
        self.assertContains(response, "No articles for")
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
        caching.invalidate()
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
        editing.article_save(target)
        editing.article_edited(target)
        self.assertEqual(found("referendum"), ["Amal and elections"])
        self.assertEqual(found("movement"), [])
        target.delete()
        self.assertEqual(found("referendum"), [])

    def test_admin_filter_uses_full_text(self):
        matched = search.filter_queryset(Article.objects.all(), "daesh")
        self.assertEqual(
            set(matched.values_list("title", flat=True)), {"Daesh retreats from Palmyra", "ISIS claims attack"}
        )
        self.assertFalse(search.filter_queryset(Article.objects.all(), "the").exists())

    def test_each_commit_hands_freed_memory_back(self):
        # glibc keeps what the writer's threads freed unless asked; a long ingest would keep
        # every commit's peak (see release_freed_memory).
        target = Article.objects.get(title="Amal and elections")
        with mock.patch.object(tantivy_index, "release_freed_memory") as release:
            editing.article_edited(target)
            search.catch_up()
        self.assertTrue(release.called)
        if sys.platform == "linux" and platform.libc_ver()[0] == "glibc":
            self.assertIsNotNone(tantivy_index._malloc_trim())


def results_of(query, **params):
    return search_page(query, **params).context["results"]


class FieldTests(SearchTestCase):
    def test_title_field_matches_titles_only(self):
        self.assertEqual(found("title:truce"), ["Truce holds in Aleppo"])
        self.assertEqual(found("truce -title:truce"), ["Markets"])
        self.assertEqual(set(found("title:hezbollah OR title:amal")), {"Hezbollah in Qusayr", "Amal and elections"})

    def test_section_field_names_a_section_by_name_or_slug(self):
        self.assertEqual(found("truce section:opinion"), ["Markets"])
        self.assertEqual(found("truce section:middle-east"), ["Truce holds in Aleppo"])
        self.assertEqual(found("truce -section:opinion"), ["Truce holds in Aleppo"])
        self.assertEqual(found("truce section:nosuchsection"), [])

    def test_author_field_names_an_author(self):
        rashed = Author.objects.create(name="Abdulrahman Al-Rashed", slug="abdul-rahman-al-rashed")
        article_make(title="On the truce", body="A column.", author=rashed, published_on=dt.date(2016, 4, 1))
        self.assertEqual(found("author:rashed"), ["On the truce"])
        self.assertEqual(found('author:"al-rashed" truce'), ["On the truce"])
        self.assertNotIn("On the truce", found("truce -author:rashed"))

    def test_tag_field_uses_the_tag_and_its_aliases(self):
        expected = {"Daesh retreats from Palmyra", "ISIS claims attack"}
        self.assertEqual(set(found("tag:daesh")), expected)
        self.assertEqual(set(found("tag:isis")), expected)
        self.assertEqual(found("tag:isis palmyra"), ["Daesh retreats from Palmyra"])

    def test_caption_field_matches_photo_captions(self):
        photo = MediaItem.objects.create(fingerprint="f-kirkuk", caption="Kurdish fighters near Kirkuk", credit="AFP")
        article_make(title="Oil city", body="The front moved.", photos=[photo], published_on=dt.date(2015, 2, 2))
        self.assertEqual(found("caption:kirkuk"), ["Oil city"])
        self.assertEqual(found("title:kirkuk"), [])


class DateRangeTests(SearchTestCase):
    def test_from_and_to_narrow_to_the_day(self):
        self.assertEqual(found("truce", **{"from": "2016-03-01", "to": "2016-03-01"}), ["Truce holds in Aleppo"])
        self.assertEqual(found("truce", **{"from": "2016-03-02"}), ["Markets"])
        self.assertEqual(found("truce", to="2016-02-29"), [])

    def test_a_range_leaves_undated_articles_out(self):
        article_make(title="Undated truce", body="No date.")
        self.assertIn("Undated truce", found("truce"))
        self.assertNotIn("Undated truce", found("truce", **{"from": "1900-01-01"}))

    def test_range_is_kept_in_the_address_and_shown(self):
        response = search_page("truce", **{"from": "2016-01-01", "to": "2017-12-31"})
        self.assertContains(response, 'name="from" value="2016-01-01"')
        self.assertContains(response, "From: 1 January 2016")
        self.assertContains(response, "To: 31 December 2017")

    def test_reversed_or_bad_range_finds_nothing_without_error(self):
        for params in ({"from": "2017-01-01", "to": "2016-01-01"}, {"from": "2016-13-45"}, {"to": "yesterday"}):
            with self.subTest(params=params):
                response = search_page("truce", **params)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.context["results"].rows, [])


class EveryMatchTests(TestCase):
    """Beyond the 2,000 the old design ranked: every match counted, ranked and reachable."""

    @classmethod
    def setUpTestData(cls):
        make_articles(2100, title="Parley", start=dt.date(2008, 1, 1))
        article_make(title="Parley undated", body="A parley without a date.")
        article_make(title="Parley of 2003", body="The oldest parley of all.", published_on=dt.date(2003, 1, 1))

    def test_count_is_exact_and_one(self):
        results = results_of("parley")
        self.assertEqual(results.matches.total, 2102)
        html = search_page("parley").content.decode()
        self.assertIn("2,102 articles", html)
        self.assertNotIn("newest", html.split("Sort by")[0])

    def test_best_match_from_any_year_comes_first(self):
        self.assertEqual(found("oldest parley")[0], "Parley of 2003")

    def test_relevance_pages_go_deep_and_the_last_page_is_reachable(self):
        self.assertEqual(len(results_of("parley", page="100").rows), 20)
        self.assertEqual(len(results_of("parley", page="106").rows), 2)
        seen = set()
        for page in (1, 2, 3):
            seen |= {row[0].pk for row in results_of("parley", page=str(page)).rows}
        self.assertEqual(len(seen), 60, "pages never repeat an article")

    def test_date_orders_run_through_all_matches_undated_last(self):
        newest = results_of("parley", order="newest")
        self.assertEqual(newest.rows[0][0].title, "Parley 02099")
        self.assertEqual(results_of("parley", order="newest", page="106").rows[-1][0].title, "Parley undated")
        oldest = results_of("parley", order="oldest")
        self.assertEqual([r[0].title for r in oldest.rows[:2]], ["Parley of 2003", "Parley 00000"])
        self.assertEqual(results_of("parley", order="oldest", page="106").rows[-1][0].title, "Parley undated")

    def test_date_order_pages_join_where_reading_switches_to_the_other_end(self):
        # 2,102 matches: page 53 is read from the newest end, page 54 from the oldest.
        for order, step in (("newest", -1), ("oldest", 1)):
            titles = [r[0].title for page in ("53", "54") for r in results_of("parley", order=order, page=page).rows]
            numbers = [int(t.split()[-1]) for t in titles]
            with self.subTest(order=order):
                self.assertEqual(numbers, list(range(numbers[0], numbers[0] + step * 40, step)))

    @override_settings(ARCHIVE_PAGES_ANON_RATE="1000000/minute")  # 212 pages from one address
    def test_date_orders_walk_every_match_by_their_links_forwards_and_back(self):
        parleys = Article.objects.filter(title__startswith="Parley")
        undated_last = {
            "newest": sorted(parleys, key=lambda a: (a.published_on is None, -a.sort_date.toordinal(), -a.pk)),
            "oldest": sorted(parleys, key=lambda a: (a.published_on is None, a.sort_date, a.pk)),
        }
        for order, expected in undated_last.items():
            with self.subTest(order=order):
                seen, params = [], {"order": order}
                while True:
                    results = results_of("parley", **params)
                    seen += [row[0].pk for row in results.rows]
                    following = results.page.links.get("next")
                    if following is None:
                        break
                    self.assertTrue(following.cursor, "pages in date order are sought by place, not counted")
                    params = {"order": order, "cursor": following.cursor, "page": str(following.number)}
                self.assertEqual(seen, [a.pk for a in expected])
                last = results_of("parley", order=order, cursor="end", page="106")
                self.assertEqual([row[0].pk for row in last.rows], seen[2100:])
                back = last.page.links["previous"]
                before = results_of("parley", order=order, cursor=back.cursor, page=str(back.number))
                self.assertEqual([row[0].pk for row in before.rows], seen[2080:2100])

    def test_a_date_order_cursor_carried_to_another_query_is_404(self):
        following = results_of("parley", order="newest").page.links["next"]
        params = {"order": "newest", "cursor": following.cursor, "page": str(following.number)}
        self.assertEqual(results_of("parley", **params).page.number, 2)
        self.assertEqual(search_page("parley -undated", **params).status_code, 404)

    def test_facets_count_every_match(self):
        results = results_of("parley")
        years = {value: n for param, _, choices in results.facets if param == "year" for value, _, n, _ in choices}
        self.assertEqual(sum(years.values()), 2101)
        self.assertEqual(years["2008"], 366)
        self.assertTrue(results.matches.facets.exact)

    def test_the_results_lead_to_their_facets_which_a_phone_shows_after_them(self):
        html = search_page("parley").content.decode()
        self.assertIn('<a href="#narrow">Narrow the results', html)
        self.assertIn('<aside class="search__facets" id="narrow" tabindex="-1"', html)

    def test_a_page_counted_in_its_pass_is_the_page_and_count_of_their_own_passes(self):
        engine = search.backend()
        engine.refresh()
        for order in ("relevance", "newest"):
            with self.subTest(order=order):
                request = search.request_for(search.parse("parley"), order=order)
                self.assertEqual(engine.page_and_count(request, 40, 20), (engine.page(request, 40, 20), 2102))

    def test_facets_over_very_many_matches_are_estimated_from_a_uniform_sample(self):
        with mock.patch.object(tantivy_engine, "FACETS_SAMPLED_ABOVE", 1000):
            results = results_of("parley")
            html = search_page("parley").content.decode()
        facets = results.matches.facets
        self.assertEqual(results.matches.total, 2102, "the count stays exact")
        self.assertFalse(facets.exact)
        self.assertTrue(2102 / 16 * 0.8 < facets.sample < 2102 / 16 * 1.2, facets.sample)
        # 2008's 366 of 2,102 matches, from about 130 of them: an estimate, not the newest ones.
        self.assertTrue(366 * 0.7 < facets["year"][2008] < 366 * 1.3, facets["year"])
        self.assertLessEqual(set(facets["year"]), {2003, 2008, 2009, 2010, 2011, 2012, 2013})
        self.assertIn(f"Counts estimated from a uniform sample of {facets.sample} of the 2,102 matches", html)
        self.assertIn(f"<span>about {facets['year'][2008]}</span>", html)


class SampleTests(SimpleTestCase):
    def test_every_sample_group_holds_an_even_share_of_any_run_of_ids(self):
        for ids in (range(1, 16_001), range(5_000_000, 5_320_000, 20), range(7, 160_007, 10)):
            with self.subTest(ids=ids):
                groups = Counter(tantivy_index.sample_of(pk) for pk in ids)
                share = len(ids) / tantivy_index.SAMPLE_SHARE
                self.assertEqual(set(groups), set(range(tantivy_index.SAMPLE_SHARE)))
                self.assertLess(max(abs(n - share) for n in groups.values()) / share, 0.02, groups)


class PhotoTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.photo = MediaItem.objects.create(
            media_id=55512345,
            fingerprint="id:55512345",
            title="Erdoğan greets supporters",
            caption="Turkish President Tayyip Erdoğan greets supporters in Ankara",
            credit="REUTERS/Umit Bektas",
            agency="Reuters",
        )
        editing.captions_changed([], [cls.photo.pk])

    def test_caption_and_credit_words_find_a_photo_without_article(self):
        for query in ("erdogan", "Erdoğan ankara", "bektas", '"greets supporters"'):
            with self.subTest(query=query):
                results = results_of(query)
                self.assertEqual([photo.pk for photo, _ in results.photos], [self.photo.pk])
                self.assertEqual(results.photo_total, 1)
        response = search_page("erdogan")
        self.assertContains(response, "Media ID 55512345")
        self.assertContains(response, "Erdoğan</mark>")  # within the whole variant "Tayyip Erdoğan"

    def test_media_id_typed_in_the_box_goes_to_its_photo(self):
        for typed in [" 55512345 ", "Media ID: 55512345", "media id 55512345"]:
            with self.subTest(typed=typed):
                response = search_page(typed)
                self.assertRedirects(response, self.photo.get_absolute_url(), fetch_redirect_response=False)
        self.assertEqual(search_page("55599999").status_code, 200)
        self.assertEqual(search_page("Media ID: 55599999").status_code, 200)

    def test_article_only_filters_leave_photos_out(self):
        self.assertEqual(results_of("erdogan", section="opinion").photos, [])


class SnippetTests(TestCase):
    def test_a_caption_match_shows_the_caption_highlighted(self):
        photo = MediaItem.objects.create(
            fingerprint="f-1", caption="Kurdish fighters <near> Kirkuk & Erbil", credit="AFP Photo"
        )
        article_make(title="Oil city", body="The front moved again overnight.", photos=[photo])
        html = search_page("kirkuk").content.decode()
        self.assertIn("Photo: Kurdish fighters &lt;near&gt; <mark>Kirkuk</mark> &amp; Erbil", html)

    def test_body_snippet_is_taken_where_the_words_are(self):
        body = " ".join(["Filler words about nothing."] * 40) + " The ceasefire collapsed in Homs. " + "Tail text."
        article_make(title="Long report", body=body)
        html = search_page("ceasefire homs").content.decode()
        self.assertIn("The <mark>ceasefire</mark> collapsed in <mark>Homs</mark>", html)

    def test_the_rows_read_for_the_page_are_marked_without_reading_them_again(self):
        article = article_make(title="Homs talks", body="The ceasefire held in Homs.")
        rows = Article.objects.for_listing("body").in_bulk([article.pk])
        query = search.parse("homs")
        with self.assertNumQueries(0):  # no photos: no captions to read
            title, snippet = highlight.highlighted(query, rows.values())[article.pk]
        self.assertEqual((title, snippet), ("<mark>Homs</mark> talks", "The ceasefire held in <mark>Homs</mark>."))


class ZeroResultTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        photo = MediaItem.objects.create(fingerprint="f-e", caption="President Erdoğan speaks in Ankara")
        article_make(title="Turkey votes", body="Polls opened.", photos=[photo], published_on=dt.date(2017, 4, 16))

    def test_a_spelling_from_the_vocabulary_is_offered(self):
        response = search_page("Erdogen")
        self.assertContains(response, "No articles for")
        self.assertContains(response, "Did you mean")
        self.assertContains(response, "?q=erdogan")

    def test_fewer_words_and_ways_to_browse_are_offered(self):
        response = search_page("turkey zanzibar")
        self.assertContains(response, "With fewer words")
        self.assertContains(response, '<a href="?q=turkey">turkey</a> (1)')
        self.assertContains(response, reverse("articles:archive"))


class LanguageTests(TestCase):
    def test_accents_are_folded(self):
        article_make(title="Erdoğan vows to purge army", body="Ankara.")
        for query in ("erdogan", "Erdoğan", "ERDOGAN"):
            with self.subTest(query=query):
                self.assertEqual(found(query), ["Erdoğan vows to purge army"])

    def test_arabic_letters_are_normalised(self):
        article_make(title="الحرب في سوريا", body="زار أحمد المدرسة ثم المستشفى")
        for query in ("احمد", "إحمد", "مدرسه", "مستشفي", "حرب", "الحرب", "سـوريا", "سُوريا", "المستشفى"):
            with self.subTest(query=query):
                self.assertEqual(found(query), ["الحرب في سوريا"])


class IndexCurrentTests(TestCase):
    """The change log: written with each change, applied by the next search or catch-up."""

    def test_an_editors_change_is_logged_in_its_transaction_and_found_at_once(self):
        from articles.models import SearchChange

        article = article_make(title="Draft", body="Nothing yet.")
        self.assertEqual(found("draft"), ["Draft"])
        logged = SearchChange.objects.filter(article_id=article.pk).count()
        article.title = "Armistice signed"
        editing.article_save(article)
        editing.article_edited(article)
        self.assertEqual(SearchChange.objects.filter(article_id=article.pk).count(), logged + 1)
        self.assertEqual(found("armistice"), ["Armistice signed"])
        self.assertEqual(found("draft"), [])

    def test_a_change_left_by_a_failed_apply_is_applied_by_the_next_search(self):
        from unittest import mock

        article_make(title="First", body="Alpha.")
        self.assertEqual(found("alpha"), ["First"])
        article_make(title="Second", body="Bravo.")
        with (
            mock.patch.object(type(search.backend()), "_reindex", side_effect=OSError("disk full")),
            self.assertRaises(OSError),
        ):
            search.catch_up()
        self.assertEqual(found("bravo"), ["Second"])

    def test_the_log_forgets_old_rows_and_an_index_that_missed_them_rebuilds(self):
        from articles.changes import prune as search_changes_prune
        from articles.models import SearchChange

        article_make(title="Early", body="Delta.")
        self.assertEqual(found("delta"), ["Early"])
        # Written while this host's index read nothing, and then forgotten by the log.
        article_make(title="Late", body="Delta echo.")
        newest = article_make(title="Latest", body="Foxtrot.")
        logged = SearchChange.objects.count()
        SearchChange.objects.exclude(article_id=newest.pk).update(created_at=timezone.now() - dt.timedelta(days=40))
        self.assertEqual(search_changes_prune(30), logged - 1)
        self.assertEqual(list(SearchChange.objects.values_list("article_id", flat=True)), [newest.pk])
        self.assertEqual(sorted(found("delta")), ["Early", "Late"])

    def test_a_rebuild_reads_the_rows_there_were_when_it_began_and_the_log_brings_the_rest(self):
        article_make(title="Before", body="Hotel.")
        engine = search.backend()
        reindex, during = type(engine)._reindex, []

        def written_meanwhile(*args, **kwargs):
            if not during:  # as an ingest's workers write while the index is rebuilt
                during.append(article_make(title="During", body="Hotel india."))
            return reindex(*args, **kwargs)

        with mock.patch.object(type(engine), "_reindex", written_meanwhile):
            self.assertEqual(engine.rebuild(), 1, "the row written meanwhile is not read twice")
        self.assertEqual(found("hotel"), ["Before", "During"], "the next catch-up applies it from the log")

    def test_a_catch_up_applies_the_log_as_it_began_and_leaves_rows_written_meanwhile_to_the_next(self):
        from articles.models import SearchChange

        article_make(title="Before", body="Juliet.")
        self.assertEqual(found("juliet"), ["Before"])
        article_make(title="Logged", body="Juliet kilo.")
        engine = search.backend()
        reindex, during = type(engine)._reindex, []

        def written_meanwhile(*args, **kwargs):
            if not during:
                during.append(article_make(title="During", body="Juliet lima."))
            return reindex(*args, **kwargs)

        with mock.patch.object(type(engine), "_reindex", written_meanwhile):
            engine.catch_up()
        later = SearchChange.objects.filter(article_id=during[0].pk).values_list("id", flat=True).get()
        self.assertLess(engine._state()["change"], later)
        self.assertEqual(sorted(found("juliet")), ["Before", "During", "Logged"], "the next catch-up")

    def test_a_log_longer_than_the_index_is_rebuilt_from_the_tables_and_a_shorter_one_applied(self):
        from articles.models import SearchChange

        article_make(title="Held", body="Mike.")
        self.assertEqual(found("mike"), ["Held"])
        engine = search.backend()
        with mock.patch.object(
            type(engine), "_rebuild_locked", autospec=True, side_effect=type(engine)._rebuild_locked
        ) as rebuilt:
            article_make(title="Applied", body="Mike november.")
            self.assertEqual(SearchChange.objects.filter(id__gt=engine._state()["change"]).count(), 1)
            self.assertEqual(search.catch_up(), 1, "one change, one document held: applied")
            for title in ("Rebuilt one", "Rebuilt two", "Rebuilt three"):
                article_make(title=title, body="Mike oscar.")
            search.catch_up()
        self.assertEqual(rebuilt.call_count, 1, "three changes, two documents held: rebuilt")
        self.assertEqual(len(found("mike")), 5)

    def test_an_index_that_does_not_hold_the_log_is_rebuilt(self):
        article_make(title="Kept", body="Charlie.")
        self.assertEqual(found("charlie"), ["Kept"])
        Article.objects.create(title="Unlogged", slug="unlogged", body="Golf.", source_path="u.txt", content_hash="u")
        self.assertEqual(found("golf"), [], "written past the log, so the index cannot know")
        search.backend()._write_state(10**12, "a row this database never had")
        self.assertEqual(found("golf"), ["Unlogged"])
        self.assertEqual(found("charlie"), ["Kept"])

    def test_a_long_log_still_growing_is_left_to_the_ingest_writing_it(self):
        from unittest import mock

        article_make(title="Seen", body="Echo.")
        self.assertEqual(found("echo"), ["Seen"])
        batch = [
            derive.article_derive(Article(title=f"Foxtrot {i}", body="Foxtrot.", source_path=f"f{i}.txt"))
            for i in range(tantivy_index.SEARCH_APPLIES_AT_MOST + 1)
        ]
        for article in batch:
            article.content_hash = article.source_path
        Article.objects.bulk_create(batch)
        changes.record(article_ids=[a.pk for a in batch])
        self.assertEqual(results_of("foxtrot").matches.total, 0, "an ingest's batch, applied by the ingest")
        with mock.patch.object(tantivy_index, "WRITER_APPLIES_SECONDS", -1):
            # Nothing logged lately: the writer stopped, so the search applies the log.
            self.assertEqual(results_of("foxtrot").matches.total, len(batch))

    def test_another_process_sees_a_commit_without_applying_it(self):
        from articles.search.tantivy_engine import TantivyBackend

        other = TantivyBackend(search.backend().path)
        article_make(title="Delta", body="Delta.")
        search.catch_up()
        request = search.request_for(search.parse("delta"))
        self.assertEqual(other.count(request), 1)

    def test_command_rebuilds_and_catches_up(self):
        from io import StringIO

        from django.core.management import call_command

        article_make(title="Echo", body="Echo.")
        out = StringIO()
        call_command("search_index", "--rebuild", stdout=out)
        self.assertIn("Indexed 1 articles and photos", out.getvalue())
        article_make(title="Foxtrot", body="Foxtrot.")
        out = StringIO()
        call_command("search_index", "--catch-up", stdout=out)
        self.assertIn("Applied 1 changes", out.getvalue())
        request = search.request_for(search.parse("foxtrot"))
        self.assertEqual(search.backend().count(request), 1)


class TieAndWaitTests(TestCase):
    def test_recency_breaks_ties_and_only_ties(self):
        article_make(title="Parley", body="Same words.", published_on=dt.date(2010, 1, 1), source_path="a.txt")
        article_make(title="Parley", body="Same words.", published_on=dt.date(2015, 1, 1), source_path="b.txt")
        article_make(title="Parley parley", body="Same words.", published_on=dt.date(2005, 1, 1), source_path="c.txt")
        dates = [row[0].published_on.year for row in results_of("parley").rows]
        self.assertEqual(dates, [2005, 2015, 2010])

    def test_a_query_of_names_only_lists_newest_first(self):
        rashed = Author.objects.create(name="Abdulrahman Al-Rashed", slug="abdul-rahman-al-rashed")
        for year in (2011, 2016, 2013):
            article_make(title=f"Column {year}", author=rashed, published_on=dt.date(year, 1, 1))
        self.assertEqual(found("author:rashed"), ["Column 2016", "Column 2013", "Column 2011"])

    def test_a_search_does_not_wait_long_for_another_writer(self):
        import fcntl
        from unittest import mock

        article_make(title="Before", body="Hotel.")
        self.assertEqual(found("hotel"), ["Before"])
        article_make(title="After", body="Hotel.")
        lock = self.enterContext(open(search.backend().path / "writer.lock", "a"))
        fcntl.flock(lock, fcntl.LOCK_EX)
        with mock.patch("articles.search.tantivy_index.SEARCH_WAITS_SECONDS", 0.05):
            self.assertEqual(found("hotel"), ["Before"], "answered from the index as it was")
        fcntl.flock(lock, fcntl.LOCK_UN)
        self.assertEqual(set(found("hotel")), {"Before", "After"})


class IndexFaultTests(TestCase):
    """An index that cannot be written fails the ingest loudly and leaves search answering from
    the last good index; no reader's request rebuilds a large index."""

    def disk_full(self):
        return mock.patch.object(
            tantivy_index.TantivyIndex, "_writer", side_effect=OSError(28, "No space left on device")
        )

    def test_an_index_that_cannot_be_written_fails_the_ingest_and_search_answers_from_the_last_good_one(self):
        from django.core.management import CommandError

        from tests.helpers import DATA, ingest

        article_make(title="Armistice signed", body="The guns fell silent.")
        self.assertEqual(found("armistice"), ["Armistice signed"])
        with (
            self.disk_full(),
            self.assertRaisesMessage(CommandError, "The search index could not be written"),
            self.assertLogs("articles.ingest.pipeline", "ERROR"),
        ):
            ingest(DATA / "seed-000_cf8551d73f26d5b1.txt")
        self.assertTrue(Article.objects.filter(title__startswith="U.S.-led Jets").exists(), "the page is stored")
        with self.disk_full(), self.assertLogs("articles.search.tantivy_index", "ERROR"):
            response = self.client.get(reverse("articles:search"), {"q": "armistice"})
            self.assertEqual(response.status_code, 200)
            self.assertContains(response, "<mark>Armistice</mark> signed")
            self.assertEqual(self.client.get("/api/v1/search/", {"q": "armistice"}).status_code, 200)
        self.assertEqual(
            found("jets"), ["U.S.-led Jets Kill Dozens of Syrian Soldiers"], "found once it can be written"
        )

    def test_a_reader_never_waits_for_a_large_rebuild_and_is_told_search_is_not_ready(self):
        article_make(title="Armistice signed", body="The guns fell silent.")
        engine = search.backend()
        engine.catch_up()
        with (
            mock.patch.object(tantivy_index, "REBUILD_FOR_A_READER_AT_MOST", 0),
            self.assertLogs("articles.search.tantivy_index", "WARNING"),
        ):
            (engine.path / tantivy_index.STATE_FILE).unlink()  # as a killed first ingest leaves it
            response = self.client.get(reverse("articles:search"), {"q": "armistice"})
            self.assertEqual(response.status_code, 200, "the index as it stands answers")
            for name in list(engine.path.iterdir()):
                if name.name not in tantivy_index.KEEP_FILES:
                    name.unlink() if name.is_file() else None
            engine._index = None
            response = self.client.get(reverse("articles:search"), {"q": "armistice"})
            self.assertEqual(response.status_code, 503)
            self.assertEqual(response["Retry-After"], "300")
            self.assertContains(response, "Search is not available yet", status_code=503)
            self.assertEqual(self.client.get("/api/v1/search/", {"q": "armistice"}).status_code, 503)
        search.rebuild()
        self.assertEqual(found("armistice"), ["Armistice signed"])
