"""Citations: the pure renderings and records (citing.py), and the article page and downloads."""

import datetime as dt
import re

from django.test import SimpleTestCase, TestCase
from django.urls import reverse

from articles import citing
from articles.citing import Citation, Name, apa, as_html, as_text, bibtex, chicago, highwire, mla, names, ris
from articles.models import Article, Author

from .helpers import article_make

URL = "https://archive.example.org/articles/7/truce-holds/"
TODAY = dt.date(2026, 12, 3)


def cited(authors="Abdulrahman Al-Rashed", date=dt.date(2016, 9, 18), certain=True, title="Truce holds"):
    return Citation(
        title=title, url=URL, authors=names(authors), date=date, date_certain=certain, accessed=TODAY, key="k"
    )


def ris_fields(text):
    """[(tag, value)] of an RIS record, checking every line's shape."""
    fields = []
    for line in text.split("\r\n")[:-1]:
        match = re.fullmatch(r"([A-Z][A-Z0-9])  - (.*)", line)
        assert match, f"not an RIS line: {line!r}"
        fields.append((match[1], match[2]))
    return fields


class NameTests(SimpleTestCase):
    def test_a_person_is_surname_and_given_names(self):
        self.assertEqual(names("Abdul Rahman Al-Rashed"), (Name("Al-Rashed", "Abdul Rahman"),))
        self.assertEqual(names("Abdul Rahman Al-Rashed")[0].initials, "A. R.")
        self.assertEqual(names("Jean-Pierre Filiu")[0].initials, "J.-P.")

    def test_a_particle_stays_with_the_surname(self):
        self.assertEqual(names("Ahmed Al Omran"), (Name("Al Omran", "Ahmed"),))

    def test_a_joint_byline_is_two_authors(self):
        self.assertEqual(
            names("Youssef Diab and Mohammed Al-Khatib"), (Name("Diab", "Youssef"), Name("Al-Khatib", "Mohammed"))
        )

    def test_the_paper_itself_is_no_author_and_an_agency_is_an_organisation(self):
        self.assertEqual(names("Asharq Al-Awsat"), ())
        self.assertEqual(names(""), ())
        self.assertTrue(names("Reuters")[0].is_organisation)
        self.assertTrue(names("Associated Press")[0].is_organisation)


class StyleTests(SimpleTestCase):
    def test_a_certain_date_is_cited_in_each_style(self):
        c = cited()
        self.assertEqual(as_text(apa(c)), f"Al-Rashed, A. (2016, September 18). Truce holds. Asharq Al-Awsat. {URL}")
        self.assertEqual(
            as_text(mla(c)),
            "Al-Rashed, Abdulrahman. “Truce holds.” Asharq Al-Awsat, 18 Sept. 2016, "
            "archive.example.org/articles/7/truce-holds/.",
        )
        self.assertEqual(
            as_text(chicago(c)), f"Al-Rashed, Abdulrahman. “Truce holds.” Asharq Al-Awsat, September 18, 2016. {URL}."
        )

    def test_an_estimated_date_is_cited_as_circa_the_year_never_as_a_day(self):
        c = cited(date=dt.date(2016, 3, 1), certain=False)
        for style in (apa, mla, chicago):
            with self.subTest(style=style.__name__):
                text = as_text(style(c))
                self.assertIn("ca. 2016", text)
                self.assertNotIn("March", text)
                self.assertNotIn("Mar.", text)
        self.assertIn("(ca. 2016)", as_text(apa(c)))
        self.assertIn("Accessed December 3, 2026.", as_text(chicago(c)))

    def test_an_unknown_date_is_no_date(self):
        c = cited(date=None, certain=False)
        self.assertIn("(n.d.)", as_text(apa(c)))
        self.assertIn("Asharq Al-Awsat, n.d. Accessed December 3, 2026.", as_text(chicago(c)))
        # MLA 9 leaves the date out and gives the day the page was consulted.
        self.assertTrue(as_text(mla(c)).endswith("Accessed 3 Dec. 2026."))

    def test_several_authors(self):
        c = cited(authors="Youssef Diab and Mohammed Al-Khatib")
        self.assertTrue(as_text(apa(c)).startswith("Diab, Y., & Al-Khatib, M. (2016"))
        self.assertTrue(as_text(mla(c)).startswith("Diab, Youssef, and Mohammed Al-Khatib. “"))
        self.assertTrue(as_text(chicago(c)).startswith("Diab, Youssef, and Mohammed Al-Khatib. “"))
        three = cited(authors="Ann Bee, Cy Dee and Eve Eff")
        self.assertTrue(as_text(mla(three)).startswith("Bee, Ann, et al. “"))
        self.assertTrue(as_text(apa(three)).startswith("Bee, A., Dee, C., & Eff, E. (2016"))

    def test_an_unsigned_article_is_cited_by_its_title(self):
        c = cited(authors="Asharq Al-Awsat")
        self.assertTrue(as_text(apa(c)).startswith("Truce holds. (2016, September 18). Asharq Al-Awsat."))
        self.assertTrue(as_text(mla(c)).startswith("“Truce holds.” Asharq Al-Awsat, 18 Sept. 2016"))

    def test_a_title_ending_in_a_question_mark_takes_no_full_stop(self):
        c = cited(title="Will he truly use chemical weapons?")
        self.assertIn("Will he truly use chemical weapons? Asharq", as_text(apa(c)))
        self.assertIn("“Will he truly use chemical weapons?” ", as_text(mla(c)))

    def test_html_rendering_escapes_and_italicises_the_paper(self):
        c = cited(title="<b>Truce</b> & peace")
        html = as_html(apa(c))
        self.assertIn("&lt;b&gt;Truce&lt;/b&gt; &amp; peace", html)
        self.assertIn("<i>Asharq Al-Awsat</i>", html)


class RecordTests(SimpleTestCase):
    def test_ris_record_of_a_certain_date(self):
        fields = ris_fields(ris(cited(authors="Youssef Diab and Mohammed Al-Khatib")))
        self.assertEqual(fields[0], ("TY", "NEWS"))
        self.assertEqual(fields[-1], ("ER", ""))
        found = dict(fields)
        self.assertEqual(found["TI"], "Truce holds")
        self.assertEqual([v for t, v in fields if t == "AU"], ["Diab, Youssef", "Al-Khatib, Mohammed"])
        self.assertEqual((found["PY"], found["DA"]), ("2016", "2016/09/18"))
        self.assertEqual((found["UR"], found["T2"], found["Y2"]), (URL, "Asharq Al-Awsat", "2026/12/03"))

    def test_ris_record_gives_an_estimated_date_as_circa_and_no_year_as_fact(self):
        found = dict(ris_fields(ris(cited(date=dt.date(2016, 3, 1), certain=False))))
        self.assertEqual(found["DA"], "ca. 2016")
        self.assertNotIn("PY", found)
        self.assertIn("not certain", found["N1"])
        undated = dict(ris_fields(ris(cited(date=None, certain=False))))
        self.assertNotIn("PY", undated)
        self.assertNotIn("DA", undated)
        self.assertEqual(undated["N1"], "Date of publication unknown.")

    def test_ris_values_are_one_line(self):
        found = dict(ris_fields(ris(cited(title="Two\r\nlines"))))
        self.assertEqual(found["TI"], "Two lines")

    def test_bibtex_entry(self):
        entry = bibtex(cited(title="50% of {Syria} & more", authors="Reuters and Ann Bee"))
        self.assertTrue(entry.startswith("@article{k,\n"))
        self.assertIn("  author = {{Reuters} and Bee, Ann},\n", entry)
        self.assertIn(r"  title = {{50\% of \{Syria\} \& more}},", entry)
        self.assertIn("  year = {2016},\n", entry)
        self.assertIn("  date = {2016-09-18},\n", entry)
        self.assertEqual(entry.count("{"), entry.count("}"))

    def test_bibtex_estimated_and_unknown_dates(self):
        estimated = bibtex(cited(date=dt.date(2016, 3, 1), certain=False))
        self.assertIn("  year = {ca. 2016},\n", estimated)
        self.assertIn("  date = {2016~},\n", estimated)
        self.assertIn("  year = {n.d.},\n", bibtex(cited(date=None, certain=False)))

    def test_highwire_tags_give_the_date_only_when_certain(self):
        tags = dict(highwire(cited()))
        self.assertEqual(tags["citation_publication_date"], "2016/09/18")
        self.assertEqual(tags["citation_journal_title"], "Asharq Al-Awsat")
        self.assertEqual(tags["citation_author"], "Al-Rashed, Abdulrahman")
        self.assertEqual(tags["citation_language"], "en")
        self.assertNotIn("citation_publication_date", dict(highwire(cited(certain=False))))


class ArticleCitationTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        writer = Author.objects.create(name="Abdulrahman Al-Rashed", slug="abdul-rahman-al-rashed")
        cls.certain = article_make(
            title="Truce holds",
            published_on=dt.date(2016, 9, 18),
            date_source=Article.DateSource.BYLINE,
            author=writer,
        )
        cls.estimated = article_make(
            title="Markets recover", published_on=dt.date(2016, 3, 1), date_source=Article.DateSource.MEDIA_ID
        )

    def test_article_page_carries_meta_tags_canonical_and_open_graph(self):
        html = self.client.get(self.certain.get_absolute_url()).content.decode()
        url = f"http://testserver{self.certain.get_absolute_url()}"
        self.assertIn(f'<link rel="canonical" href="{url}">', html)
        self.assertIn('<meta name="citation_title" content="Truce holds">', html)
        self.assertIn('<meta name="citation_author" content="Al-Rashed, Abdulrahman">', html)
        self.assertIn('<meta name="citation_publication_date" content="2016/09/18">', html)
        self.assertIn('<meta name="citation_journal_title" content="Asharq Al-Awsat">', html)
        self.assertIn(f'<meta name="citation_public_url" content="{url}">', html)
        self.assertIn('<meta property="og:type" content="article">', html)
        self.assertIn(f'<meta property="og:url" content="{url}">', html)
        self.assertIn('<meta property="article:published_time" content="2016-09-18">', html)

    def test_an_estimated_date_is_no_publication_date_in_the_meta_tags(self):
        html = self.client.get(self.estimated.get_absolute_url()).content.decode()
        self.assertNotIn("citation_publication_date", html)
        self.assertNotIn("article:published_time", html)
        self.assertIn("(ca. 2016)", html)
        self.assertIn("date as certain (estimated from the Media ID), so it is cited as “ca. 2016”", html)

    def test_cite_block_shows_three_styles_and_links_the_downloads(self):
        response = self.client.get(self.certain.get_absolute_url())
        self.assertContains(response, "Cite this article")
        self.assertContains(response, "Al-Rashed, A. (2016, September 18). Truce holds. <i>Asharq Al-Awsat</i>.")
        self.assertContains(response, "18 Sept. 2016")
        self.assertContains(response, "September 18, 2016.")
        self.assertContains(response, f'href="{reverse("articles:citation", args=[self.certain.pk, "ris"])}"')
        self.assertContains(response, f'href="{reverse("articles:citation", args=[self.certain.pk, "bib"])}"')

    def test_ris_and_bibtex_downloads(self):
        response = self.client.get(reverse("articles:citation", args=[self.certain.pk, "ris"]))
        self.assertEqual(response["Content-Type"], "application/x-research-info-systems; charset=utf-8")
        self.assertEqual(
            response["Content-Disposition"], f'attachment; filename="asharq-al-awsat-{self.certain.pk}.ris"'
        )
        found = dict(ris_fields(response.content.decode()))
        self.assertEqual(found["UR"], f"http://testserver{self.certain.get_absolute_url()}")
        self.assertEqual(found["DA"], "2016/09/18")
        response = self.client.get(reverse("articles:citation", args=[self.estimated.pk, "bib"]))
        self.assertEqual(response["Content-Type"], "application/x-bibtex; charset=utf-8")
        self.assertIn("year = {ca. 2016}", response.content.decode())

    def test_citation_of_a_missing_article_is_404(self):
        self.assertEqual(self.client.get(reverse("articles:citation", args=[999999, "ris"])).status_code, 404)

    def test_the_module_names_the_paper(self):
        self.assertEqual(citing.JOURNAL, "Asharq Al-Awsat")
