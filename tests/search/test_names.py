"""Names in a query, as a researcher types them: the words typed rank above their name
variants, words that happen to form a tag's name keep their meaning (the name widens what they
find and ranks first, never narrows it), the page says how it read them, an exclusion removes
the variants too, and only whole variants are highlighted. Purpose-made pages over the tag
vocabulary the archive starts with (Ceasefire: cease-fire, truce, cessation of hostilities …;
Humanitarian Aid: humanitarian assistance, aid convoy, relief aid …; Syria: Syrian, Syrian Arab
Republic)."""

import datetime as dt

from django.test import TestCase

from articles.search import names
from tests.helpers import article_make

from .test_search import found, results_of, search_page


def page(title, body="Reported from the region.", date=dt.date(2016, 5, 1)):
    return article_make(title=title, body=body, published_on=date, source_path=f"{title}.txt", content_hash=title)


class TypedWordsRankFirstTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        # As in the archive, the words typed are common in bodies and their variants rare, so
        # each variant weighs more by itself; short, newer titles hold the variants.
        for i in range(40):
            page(f"Daily briefing {i}", body="Syria was mentioned, and a ceasefire, and a truce, in Hama and Homs.")
        for i in range(6):
            page(f"Syrian Cease-fire {i}", date=dt.date(2016, 9, 1 + i))
            page(f"Syria cease-fire {i}", date=dt.date(2016, 10, 1 + i))
            page(f"Cease-fire in Hama {i}", date=dt.date(2016, 11, 1 + i))
            page(f"Cessation of hostilities in Homs {i}", date=dt.date(2016, 12, 1 + i))
        page("U.S. and Russia Meet Reluctantly to Save Syria Ceasefire", date=dt.date(2013, 5, 7))
        page("Ceasefire in Hama", date=dt.date(2012, 2, 1))
        page("Truce in Homs", date=dt.date(2012, 3, 1))

    def test_the_title_holding_every_word_typed_ranks_first(self):
        self.assertEqual(found("syria ceasefire")[0], "U.S. and Russia Meet Reluctantly to Save Syria Ceasefire")

    def test_a_word_typed_outranks_a_variant_of_two_words_in_the_same_place(self):
        self.assertEqual(found("ceasefire hama")[0], "Ceasefire in Hama")
        self.assertEqual(found("truce homs")[0], "Truce in Homs")

    def test_variants_still_find_what_the_word_alone_would_not(self):
        self.assertIn("Cease-fire in Hama 0", found("ceasefire hama"))
        self.assertIn("Syrian Cease-fire 0", found("syria ceasefire"))


class WordsThatFormANameTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        page("Humanitarian aid reaches Madaya", date=dt.date(2016, 1, 11))
        page("Donors meet", body="Aid pledged in London will be humanitarian in purpose, donors said.")
        page("Relief aid for Yemen stalls", date=dt.date(2015, 6, 1))
        page("Convoy attacked", body="A convoy carrying food aid was attacked near Aleppo.")
        page("Oil prices", body="Nothing about either word.")

    def test_every_article_holding_all_the_words_matches_and_the_name_ranks_first(self):
        titles = found("humanitarian aid")
        self.assertEqual(titles[0], "Humanitarian aid reaches Madaya")
        self.assertIn("Donors meet", titles, "both words, apart: read as words, it matches")
        self.assertIn("Relief aid for Yemen stalls", titles, "a variant of the name they form widens the match")
        self.assertNotIn("Oil prices", titles)

    def test_a_variant_typed_keeps_its_words(self):
        titles = found("aid convoy")
        self.assertIn("Convoy attacked", titles, "aid and convoy, apart")
        self.assertIn("Humanitarian aid reaches Madaya", titles, "the name they form widens the match")

    def test_the_page_says_how_it_read_the_query_and_offers_the_words_alone(self):
        response = search_page("humanitarian aid")
        self.assertContains(response, "Also searched as the name")
        self.assertContains(response, "“relief aid”")
        self.assertContains(response, "Search the words alone")
        self.assertContains(response, "q=%22humanitarian%22+%22aid%22")
        self.assertEqual(set(found('"humanitarian" "aid"')), {"Humanitarian aid reaches Madaya", "Donors meet"})

    def test_quoted_words_take_no_variants(self):
        self.assertEqual(found('"humanitarian aid"'), ["Humanitarian aid reaches Madaya"])
        self.assertEqual(found('"relief"'), ["Relief aid for Yemen stalls"])
        self.assertEqual(names.parse('"syria"').clauses[0].variants, [])

    def test_a_query_of_words_that_name_nothing_says_nothing_of_names(self):
        self.assertNotContains(search_page("aid madaya"), "Also searched as the name")


class ExclusionAndHighlightTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        page(
            "Syrian Arab Republic signs", body="The Syrian Arab Republic agreed. Arab states of the region welcomed it."
        )
        page(
            "Talks in Geneva",
            body="A cessation of hostilities was agreed. Most of the envoys left; the fate of the city is open.",
        )

    def test_an_exclusion_removes_everything_its_word_would_match(self):
        self.assertEqual(found("syria -syria"), [])
        self.assertEqual(found("ceasefire -truce"), [])

    def test_only_whole_variants_are_marked_never_their_single_words(self):
        (row,) = results_of("ceasefire").rows
        snippet = str(row[2])
        self.assertIn("<mark>cessation of hostilities</mark>", snippet)
        self.assertNotIn("<mark>of</mark>", snippet)
        (row,) = results_of("syria").rows
        self.assertIn("<mark>Syrian Arab Republic</mark> signs", str(row[1]))
        self.assertNotIn("<mark>Arab</mark>", str(row[2]))
