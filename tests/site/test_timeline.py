"""Timelines: a search's matches per month over every match, name variants together, per 1,000
of the month's articles, searches compared a line each, drawn as SVG on the server; the CSV."""

import csv
import datetime as dt
import io
import re

from django.test import TestCase

from articles import caching, search
from articles.counts import refresh as counts_refresh
from articles.models import Tag
from articles.search import months

from ..helpers import article_make, make_articles


def timeline_archive():
    """Three names of one group, on three months, forty weather reports of March 2015."""
    isis = Tag.objects.get(slug="isis")
    # Three names of one group, in text and tags: one line of the timeline.
    article_make(title="Daesh retreats", body="Fighters left.", published_on=dt.date(2015, 3, 2))
    article_make(title="ISIL attack", body="A bombing.", published_on=dt.date(2015, 3, 20))
    article_make(title="Raqqa", body="Strikes.", published_on=dt.date(2016, 7, 1), tags=[isis])
    article_make(title="Undated ISIS report", body="No date survives.")
    make_articles(40, title="Weather", start=dt.date(2015, 3, 1))
    counts_refresh()
    caching.invalidate()


class TimelineTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        timeline_archive()

    def test_name_variants_are_counted_together_per_month(self):
        counts = search.month_counts(search.parse("daesh"))
        self.assertEqual(len(counts), 13 * 12)
        self.assertEqual(counts[2015, 3], 2)
        self.assertEqual(counts[2016, 7], 1)
        self.assertEqual(sum(counts.values()), 3)  # the undated one has no month
        self.assertEqual(search.month_counts(search.parse("isis")), counts)

    def test_normalised_by_the_months_articles(self):
        points = {p.label: p for p in months.points(search.parse("daesh"))}
        self.assertEqual(points["2015-03"].articles, 33)  # 2 + 31 weather reports in March
        self.assertEqual(points["2015-03"].per_thousand, round(2 * 1000 / 33, 2))
        self.assertEqual(points["2016-07"].per_thousand, 1000.0)
        self.assertIsNone(points["2010-01"].per_thousand)

    def test_chart_drawn_on_the_server(self):
        response = self.client.get("/search/timeline.svg", {"q": "daesh"})
        self.assertEqual(response["Content-Type"], "image/svg+xml; charset=utf-8")
        chart = response.content.decode()
        self.assertTrue(chart.startswith("<svg") and chart.endswith("</svg>"))
        self.assertIn('xmlns="http://www.w3.org/2000/svg"', chart)
        self.assertIn('role="img"', chart)
        self.assertIn("Matches per month (articles) of daesh, 2005-01 to 2017-12; highest 2</title>", chart)
        self.assertEqual(chart.count("<polyline"), 1)
        line = re.search(r'points="([^"]+)"', chart)[1].split()
        self.assertEqual(len(line), 156)
        heights = [float(point.split(",")[1]) for point in line]
        march_2015 = (2015 - 2005) * 12 + 2
        self.assertEqual(min(heights), heights[march_2015])  # the highest point
        self.assertEqual(heights[0], max(heights))  # nothing in January 2005
        self.assertIn("2005</text>", chart)
        # Its colours are its own: an image file reads no style sheet, and the CSP allows no inline style.
        self.assertIn('stroke="#0f4c3a"', chart)
        self.assertNotIn("style", chart)
        self.assertNotIn("<script", chart)
        self.assertEqual(self.client.get("/search/timeline.svg").status_code, 400)

    def test_search_page_shows_the_chart_as_an_image_and_links_its_numbers(self):
        response = self.client.get("/search/", {"q": "daesh"})
        self.assertNotContains(response, "<svg")
        self.assertContains(response, '<img class="timeline__chart" src="/search/timeline.svg?q=daesh"')
        self.assertContains(response, 'alt="A line chart of the dated matches of “daesh” per month, 2005 to 2017;')
        self.assertContains(response, 'href="/search/timeline.csv?q=daesh"')
        self.assertContains(response, 'href="/search/timeline/?q=daesh">The numbers, and other searches beside it')
        numbers = self.client.get("/search/timeline/", {"q": "daesh"})
        self.assertContains(
            numbers,
            '<th scope="row">2015-03</th><td>33</td>'
            '<td><a href="/search/?q=daesh&amp;from=2015-03-01&amp;to=2015-03-31">2</a> (60.61)</td>',
        )

    def test_normalised_chart_says_so(self):
        chart = self.client.get("/search/timeline.svg", {"q": "daesh", "per": "thousand"}).content.decode()
        self.assertIn("Matches per month (per 1,000 of the month&#x27;s articles) of daesh", chart)
        self.assertIn("highest 1,000</title>", chart)
        response = self.client.get("/search/", {"q": "daesh", "per": "thousand"})
        self.assertContains(response, 'src="/search/timeline.svg?q=daesh&amp;per=thousand"')
        self.assertContains(response, "per month, per 1,000 of the month’s articles, 2005 to 2017")
        self.assertContains(response, 'href="/search/?q=daesh">Counts</a>')

    def test_no_chart_without_matches_nor_after_the_first_page(self):
        self.assertNotContains(self.client.get("/search/", {"q": "zebra"}), "timeline__chart")
        self.assertContains(self.client.get("/search/", {"q": "weather"}), "timeline__chart")
        self.assertNotContains(self.client.get("/search/", {"q": "weather", "page": 2}), "timeline__chart")

    def test_searches_compared_a_line_each(self):
        response = self.client.get("/search/timeline/", {"q": ["isil", "weather", "", "zebra"]})
        html = response.content.decode()
        chart = html[html.index('<svg class="timeline__chart') : html.index("</svg>", html.index("timeline__chart"))]
        self.assertEqual(chart.count("<polyline"), 3)
        self.assertNotIn("<a ", chart, "several searches: each month's links are in the table, one a search")
        self.assertIn("<title>isil: 2</title>", chart)
        self.assertIn("<title>weather: 31</title>", chart)
        self.assertContains(response, '<q dir="auto">isil</q>: 3 dated matches')
        self.assertContains(response, 'value="weather"')
        self.assertContains(
            response, '<link rel="alternate" type="application/json" href="/api/v1/search/months/?q=isil'
        )
        self.assertNotContains(self.client.get("/search/timeline/"), "<svg")

    def test_csv_a_row_per_month_and_search(self):
        response = self.client.get("/search/timeline.csv", {"q": ["isil", "weather"], "year": 2015})
        rows = list(csv.DictReader(io.StringIO(response.content.decode())))
        self.assertEqual(len(rows), 2 * 156)
        march = {r["query"]: r for r in rows if r["month"] == "2015-03"}
        self.assertEqual((march["isil"]["matches"], march["isil"]["articles"]), ("2", "33"))
        self.assertEqual(march["weather"]["matches"], "31")
        self.assertEqual(next(r for r in rows if r["month"] == "2016-07")["matches"], "0")  # year filter
        self.assertEqual(next(r for r in rows if r["month"] == "2005-01")["per_thousand"], "")
        self.assertEqual(self.client.get("/search/timeline.csv").status_code, 400)


class TimelineReadingTests(TestCase):
    """What a reader does with the chart: opens a month, reads a small search beside a large
    one, and reads its numbers on a phone."""

    @classmethod
    def setUpTestData(cls):
        timeline_archive()

    def test_a_month_opens_the_search_narrowed_to_it_with_the_timeline_s_filters(self):
        html = self.client.get("/search/timeline/", {"q": "daesh", "has_photo": "", "year": "2015"}).content.decode()
        link = "/search/?q=daesh&amp;has_photo=&amp;year=2015&amp;from=2015-03-01&amp;to=2015-03-31"
        self.assertIn(f'<a href="{link}" tabindex="-1"><rect class="timeline__month"', html)
        self.assertIn("<title>2015-03: 2</title>", html)
        self.assertNotIn("2015-04-01", html, "a month without matches has no link")
        opened = self.client.get("/search/", {"q": "daesh", "from": "2015-03-01", "to": "2015-03-31"})
        self.assertEqual(opened.context["results"].matches.total, 2)

    def test_a_logarithmic_scale_keeps_a_small_search_off_the_floor(self):
        def height_of_march_2015(chart, line):
            points = re.search(rf'timeline__line--{line}".*?points="([^"]+)"', chart)[1].split()
            return 212 - float(points[122].split(",")[1])  # 2015-03 is the 123rd month

        linear = self.client.get("/search/timeline.svg", {"q": ["isil", "weather"]}).content.decode()
        log = self.client.get("/search/timeline.svg", {"q": ["isil", "weather"], "scale": "log"}).content.decode()
        self.assertIn("logarithmic scale", log)
        self.assertIn(">10</text>", log)  # the scale names its powers of ten
        self.assertLess(height_of_march_2015(linear, 0), 15)  # 2 beside 31: near the floor
        self.assertGreater(height_of_march_2015(log, 0), 50)
        page = self.client.get("/search/timeline/", {"q": "isil"})
        self.assertContains(page, 'href="/search/timeline/?q=isil&amp;scale=log">Logarithmic scale</a>')

    def test_a_phone_gets_the_chart_drawn_narrow_with_fewer_years_named(self):
        narrow = self.client.get("/search/timeline.svg", {"q": "daesh", "frame": "narrow"}).content.decode()
        self.assertIn('viewBox="0 0 390 240"', narrow)
        self.assertEqual(re.findall(r">(\d{4})</text>", narrow), ["2005", "2008", "2011", "2014", "2017"])
        page = self.client.get("/search/", {"q": "daesh"})
        self.assertContains(
            page, '<source media="(max-width: 40rem)" srcset="/search/timeline.svg?q=daesh&amp;frame=narrow"'
        )
        inline = self.client.get("/search/timeline/", {"q": "daesh"})
        self.assertContains(inline, 'class="timeline__chart timeline__chart--narrow" viewBox="0 0 390 240"')
        self.assertContains(inline, 'aria-labelledby="timeline-title-narrow"')
