from django.test import SimpleTestCase

from articles.tagging import TagMatcher


class TagMatcherTests(SimpleTestCase):
    def setUp(self):
        self.matcher = TagMatcher(
            [
                ("ISIS", "isis"),
                ("Daesh", "isis"),
                ("Islamic State", "isis"),
                ("United States", "us"),
                ("U.S.", "us"),
                ("US", "us"),
                ("Al-Qaeda", "qaeda"),
                ("Qaida", "qaeda"),
                ("Erdoğan", "erdogan"),
                ("Syria", "syria"),
                ("Syrian", "syria"),
                ("Free Syrian Army", "fsa"),
            ]
        )

    def test_names_aliases_and_spelling_variants(self):
        self.assertEqual(self.matcher.find("Daesh fighters and al Qaeda in the U.S."), {"isis", "qaeda", "us"})
        self.assertEqual(self.matcher.find("President Erdogan spoke"), {"erdogan"})

    def test_word_boundaries(self):
        self.assertEqual(self.matcher.find("Syriana is a film; crisis in Qaidamia"), set())

    def test_acronyms_match_only_in_capitals(self):
        self.assertEqual(self.matcher.find("let us go, isis"), set())
        self.assertEqual(self.matcher.find("US troops"), {"us"})

    def test_longest_name_wins(self):
        self.assertEqual(self.matcher.find("the Free Syrian Army advanced"), {"fsa"})
        self.assertEqual(self.matcher.find("Free Syrian Army fighters in Syria"), {"fsa", "syria"})
