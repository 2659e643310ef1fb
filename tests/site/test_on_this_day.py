"""The home page's "on this day": articles dated to the day (for certain, or by a photo's
caption, which it says) on today's day and month in earlier years, in one indexed query, never
yesterday's list today."""

import datetime as dt
from unittest import mock

from django.core.cache import cache
from django.db import connection
from django.test import TestCase, override_settings
from django.utils import timezone

from articles import caching, counts
from articles.models import Article

from ..helpers import article_make

TODAY = dt.date(2026, 12, 3)


def at(day, hour=12):
    """Patch the clock to ``day`` at ``hour`` UTC."""
    return mock.patch(
        "django.utils.timezone.now", return_value=dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC)
    )


def on_this_day(response):
    """The home page's "on this day" section, or "" when it has none."""
    html = response.content.decode()
    start = html.find('class="on-this-day"')
    return "" if start < 0 else html[start : html.index("</section>", start)]


def dated(title, day, source=Article.DateSource.BYLINE):
    return article_make(title=title, published_on=day, date_source=source)


class OnThisDayTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        dated("Summit opens in Riyadh", dt.date(2016, 12, 3))
        dated("Editor dated this", dt.date(2009, 12, 3), Article.DateSource.EDITOR)
        dated("Caption says the third", dt.date(2015, 12, 3), Article.DateSource.CAPTION)
        dated("Estimated from the Media ID", dt.date(2014, 12, 3), Article.DateSource.MEDIA_ID)
        dated("The day before", dt.date(2016, 12, 2))
        dated("This year", dt.date(2026, 12, 3))
        for n in range(3):
            dated(f"Busy day {n}", dt.date(2012, 12, 3))
        dated("Leap day", dt.date(2016, 2, 29))
        counts.refresh()

    def titles(self, day, **options):
        years = range(2005, 2027)
        return [a.title for a in Article.objects.on_this_day(day, years, **options)]

    def test_dates_that_name_the_day_in_earlier_years_newest_first(self):
        self.assertEqual(
            self.titles(TODAY),
            ["Summit opens in Riyadh", "Caption says the third", "Busy day 2", "Busy day 1", "Editor dated this"],
        )

    def test_at_most_so_many_a_year(self):
        self.assertEqual(
            self.titles(TODAY, per_year=1),
            ["Summit opens in Riyadh", "Caption says the third", "Busy day 2", "Editor dated this"],
        )

    def test_29_february_finds_the_leap_years_only(self):
        self.assertEqual(self.titles(dt.date(2028, 2, 29)), ["Leap day"])
        self.assertEqual(self.titles(dt.date(2027, 3, 1)), [])

    def test_home_page_shows_them_with_their_year(self):
        with at(TODAY):
            section = on_this_day(self.client.get("/"))
        self.assertIn("On this day, 3 December", section)
        self.assertIn('<time datetime="2016-12-03">2016</time>', section)
        self.assertIn("Summit opens in Riyadh", section)
        self.assertIn('Caption says the third</a> <span class="date-source">(date from photo caption)</span>', section)
        self.assertNotIn("Estimated from the Media ID", section)
        self.assertNotIn("This year", section)

    def test_home_page_queries_do_not_grow_with_the_years(self):
        with at(TODAY), self.assertNumQueries(6):
            self.client.get("/")
        for year in range(2005, 2012):
            dated(f"More {year}", dt.date(year, 12, 3))
        counts.refresh()
        caching.invalidate()  # as every write ends: recounted, then the version moves on
        with at(TODAY), self.assertNumQueries(6):
            self.client.get("/")

    @override_settings(ARCHIVE_PAGE_CACHE_SECONDS=300)
    def test_the_page_cache_never_serves_yesterdays_list_today(self):
        cache.clear()
        dated("Fourth of December", dt.date(2013, 12, 4))
        counts.refresh()
        with at(TODAY, hour=23):
            self.assertNotIn("Fourth of December", on_this_day(self.client.get("/")))
        with at(TODAY + dt.timedelta(days=1), hour=0):
            section = on_this_day(self.client.get("/"))
        self.assertIn("On this day, 4 December", section)
        self.assertIn("Fourth of December", section)

    def test_browsers_keep_the_home_page_no_later_than_midnight(self):
        with mock.patch("django.utils.timezone.now", return_value=dt.datetime(2026, 12, 3, 23, 59, tzinfo=dt.UTC)):
            response = self.client.get("/")
        self.assertIn("max-age=60", response["Cache-Control"])
        with at(TODAY):
            self.assertIn("max-age=300", self.client.get("/")["Cache-Control"])

    def test_postgresql_reads_the_day_from_the_source_and_date_index(self):
        if connection.vendor != "postgresql":
            self.skipTest("EXPLAIN's plan shapes are PostgreSQL's")
        articles = Article.objects.on_this_day(TODAY, range(2005, 2027))
        sql, params = articles.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        self.assertIn("article_source_date_idx", plan)
        self.assertEqual(timezone.get_current_timezone_name(), "UTC")
