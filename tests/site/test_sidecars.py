"""Beside each download, what it holds: the list or search, its filters, its rows, when, and
the archive's state — matching the download it describes."""

import csv
import io
import json

from django.urls import reverse

from articles.models import Article

from .test_exports import ExportTestCase, body_of


class SidecarTests(ExportTestCase):
    def about(self, path, **params):
        response = self.client.get(path, params)
        self.assertEqual(response.status_code, 200, response.content[:500])
        self.assertEqual(response["Content-Type"], "application/json")
        return response, json.loads(response.content)

    def test_a_search_s_sidecar_describes_its_download_row_for_row(self):
        response, about = self.about("/search/export.about.json", q="column", section="opinion", order="oldest")
        rows = list(csv.DictReader(io.StringIO(body_of(self.client.get("/search/export.csv", about["parameters"])))))
        self.assertEqual(about["rows"], len(rows))
        self.assertEqual(about["rows"], 55)
        self.assertEqual(about["holds"], "search")
        self.assertEqual(about["order"], "oldest")
        self.assertEqual(about["parameters"], {"q": "column", "section": "opinion", "order": "oldest"})
        self.assertEqual(about["archive"], "ASHARQ AL-AWSAT English Archive 2005-2017")
        self.assertEqual(
            about["files"]["csv"], "http://testserver/search/export.csv?q=column&section=opinion&order=oldest"
        )
        self.assertIn("excel.csv", about["files"])
        self.assertEqual(about["page"], "http://testserver/search/?q=column&section=opinion&order=oldest")
        self.assertEqual(about["api"], "http://testserver/api/v1/search/?q=column&section=opinion&order=oldest")
        self.assertRegex(about["made_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")
        self.assertEqual(about["archive_state"]["articles"], Article.objects.count())
        self.assertGreater(about["archive_state"]["change"], 0)
        self.assertRegex(
            about["file_name"], r"^asharq-al-awsat-search-column-opinion-oldest-first-[-\d]+\.about\.json$"
        )
        self.assertIn(about["file_name"], response["Content-Disposition"])

    def test_a_list_s_and_the_photos_sidecars_count_what_their_downloads_hold(self):
        _, about = self.about("/articles/export.about.json", section="opinion", year="2012")
        rows = body_of(self.client.get("/articles/export.jsonl", {"section": "opinion", "year": "2012"})).splitlines()
        self.assertEqual(about["rows"], len(rows))
        self.assertEqual((about["holds"], about["order"]), ("articles", "newest"))
        _, about = self.about("/media/export.about.json")
        self.assertEqual((about["holds"], about["rows"]), ("photos", 1))

    def test_parameters_in_error_are_refused_as_the_download_refuses_them(self):
        for path, params in (
            ("/search/export.about.json", {}),
            ("/search/export.about.json", {"q": "column", "from": "2013"}),
            ("/articles/export.about.json", {"year": "x"}),
        ):
            with self.subTest(path=path, params=params):
                response = self.client.get(path, params)
                self.assertEqual(response.status_code, 400)
                self.assertEqual(response.content, self.client.get(path.replace("about.json", "csv"), params).content)

    def test_the_pages_offer_it_beside_their_downloads(self):
        page = self.client.get(reverse("articles:article-list"), {"section": "opinion"})
        self.assertContains(page, 'href="/articles/export.about.json?section=opinion" download>What the download holds')
        search = self.client.get(reverse("articles:search"), {"q": "column"})
        self.assertContains(search, 'href="/search/export.about.json?q=column" download>')
        self.assertNotContains(self.client.get(reverse("articles:search"), {"q": "zanzibar"}), "export.about.json")
