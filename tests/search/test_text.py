"""The pure parts of search: normalising text, marking snippets, and the query syntax."""

from django.test import SimpleTestCase

from articles.search.query import parse_query
from articles.search.text import marked_html, normalise, snippet_html


def lower(word):
    return (normalise(word).lower(),)


class NormaliseTests(SimpleTestCase):
    def test_arabic_letter_variants_become_one(self):
        self.assertEqual(normalise("أحمد إبراهيم آمال"), "احمد ابراهيم امال")
        self.assertEqual(normalise("مدرسة"), "مدرسه")
        self.assertEqual(normalise("مستشفى"), "مستشفي")

    def test_tatweel_and_diacritics_are_dropped(self):
        self.assertEqual(normalise("سـوريا"), "سوريا")
        self.assertEqual(normalise("سُورِيَا"), "سوريا")

    def test_the_article_al_is_taken_off_words_not_letters(self):
        self.assertEqual(normalise("الحرب في الشام"), "حرب في شام")
        self.assertEqual(normalise("ال"), "ال", "a word that is only the article stays")

    def test_english_is_left_as_it_is(self):
        self.assertEqual(normalise("Al-Assad's forces"), "Al-Assad's forces")


class MarkingTests(SimpleTestCase):
    def test_everything_but_the_marks_is_escaped(self):
        html = marked_html("<b>Truce</b> & peace", {"truce"}, lower)
        self.assertEqual(html, "&lt;b&gt;<mark>Truce</mark>&lt;/b&gt; &amp; peace")

    def test_snippet_is_the_passage_with_most_words_found(self):
        text = "alpha " * 50 + "truce holds in aleppo " + "omega " * 50
        html, found = snippet_html(text, {"truce", "aleppo"}, lower)
        self.assertIn("<mark>truce</mark> holds in <mark>aleppo</mark>", html)
        self.assertTrue(html.startswith("… ") and html.endswith(" …"))
        self.assertEqual(found, 2)
        self.assertIsNone(snippet_html("nothing here", {"truce"}, lower))

    def test_distinct_words_outweigh_one_word_repeated(self):
        text = "truce " * 60 + "filler " * 40 + "aleppo truce " + "omega " * 40 + "aleppo truce"
        html, found = snippet_html(text, {"truce", "aleppo"}, lower)
        self.assertEqual(found, 2)
        self.assertIn("<mark>aleppo</mark> <mark>truce</mark> omega", html, "the first passage holding both")
        self.assertTrue(html.endswith(" …"), "not the last passage, which holds as many")

    def test_a_word_longer_than_the_passage_is_no_window_of_its_own(self):
        text = "truce " + "x" * 400 + " aleppo truce"
        html, found = snippet_html(text, {"truce", "aleppo", "x" * 400}, lower)
        self.assertEqual(found, 2)
        self.assertTrue(html.endswith("<mark>aleppo</mark> <mark>truce</mark>"))


class FieldSyntaxTests(SimpleTestCase):
    def test_fields_are_read_with_words_and_phrases(self):
        query = parse_query('Title:truce caption:"deir el-zour" author:al-rashed -tag:syria section:opinion')
        atoms = [(a.field, a.words) for c in query.clauses for a in c.atoms]
        self.assertEqual(
            atoms,
            [
                ("title", ("truce",)),
                ("caption", ("deir", "el", "zour")),
                ("author", ("al", "rashed")),
                ("section", ("opinion",)),
            ],
        )
        self.assertEqual([(a.field, a.words) for a in query.excluded], [("tag", ("syria",))])

    def test_fields_combine_with_or(self):
        query = parse_query("title:hezbollah OR caption:amal")
        self.assertEqual(
            [[(a.field, a.words) for a in c.atoms] for c in query.clauses],
            [[("title", ("hezbollah",)), ("caption", ("amal",))]],
        )

    def test_unknown_fields_and_bare_colons_are_words(self):
        query = parse_query("date:2016 title: truce")
        self.assertEqual(
            [a.words for c in query.clauses for a in c.atoms], [("date",), ("2016",), ("title",), ("truce",)]
        )

    def test_name_fields_are_no_words_to_highlight(self):
        self.assertEqual(parse_query("truce author:rashed title:aleppo").words, ["truce", "aleppo"])
