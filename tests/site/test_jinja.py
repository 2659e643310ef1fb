"""The Jinja2 environment of the readers' pages: it renders as Django's templates did."""

import datetime

from django.http import QueryDict
from django.template import engines
from django.test import RequestFactory, SimpleTestCase, override_settings
from jinja2 import DebugUndefined

from articles.addresses import querystring
from articles.criteria import ArticleFilter, PhotoFilter
from articles.site.jinja import environment


class TemplatingTests(SimpleTestCase):
    def render(self, source, **context):
        return engines["jinja2"].from_string(source).render(context)

    def test_a_missing_value_shows_as_nothing_in_development_too(self):
        # Django's Jinja2 backend asks for DebugUndefined when DEBUG is on.
        env = environment(undefined=DebugUndefined, autoescape=True)
        self.assertEqual(env.from_string("[{{ missing }}][{{ article.missing }}]").render(), "[][]")

    def test_querystring_changes_the_requests_parameters_as_djangos_tag_does(self):
        request = RequestFactory().get("/articles/?tag=iran&page=3&cursor=abc&year=2010")
        self.assertEqual(querystring(request, page=4, cursor=None), "?tag=iran&page=4&year=2010")
        self.assertEqual(querystring(request, tag=["a", "b"]), "?tag=a&tag=b&page=3&cursor=abc&year=2010")
        self.assertEqual(querystring(request, QueryDict("q=a+b&order=newest"), order=None), "?q=a+b")
        self.assertEqual(querystring(RequestFactory().get("/search/"), page=None), "")
        self.assertEqual(querystring(RequestFactory().get("/search/?page=2"), page=None), "?")

    @override_settings(TIME_ZONE="Asia/Riyadh", USE_TZ=True)
    def test_dates_show_in_the_archives_time_zone(self):
        moment = datetime.datetime(2016, 1, 31, 22, 30, tzinfo=datetime.UTC)
        self.assertEqual(self.render("{{ moment|date('j F Y H:i') }}", moment=moment), "1 February 2016 01:30")

    def test_html_from_the_archives_helpers_is_not_escaped_again(self):
        html = self.render("{{ count_label(1234, True) }} {{ name }}", name="<b>")
        self.assertEqual(html, "more than 1,234 articles &lt;b&gt;")

    def test_every_filter_form_shares_one_renderer_so_widget_templates_compile_once(self):
        first, second = ArticleFilter({"year": "2010", "month": "5"}).form, PhotoFilter({}).form
        self.assertIs(first.renderer, second.renderer)
        self.assertIn('<option value="5" selected>May</option>', str(first["month"]))
