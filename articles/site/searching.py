"""Search: the results page, the timeline of a search's matches per month (page, chart and
CSV), and the downloads of every match of a list or a search."""

import calendar
import re

from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.views.generic import TemplateView

from .. import exporting
from ..addresses import address, list_params
from ..criteria import ArticleFilter, CriteriaError, PhotoFilter, SearchForm, errors_text, search_criteria
from ..models import Article, MediaItem
from ..paging import address_number
from ..records import PhotoSerializer
from ..search import months
from ..throttles import ExportThrottle, throttled
from . import timeline
from .downloads import within_bounds
from .mixins import AlternatesMixin
from .search_results import results as search_results


class SearchView(AlternatesMixin, TemplateView):
    template_name = "articles/search.html"
    api_name = "api:search"
    export_name = "articles:search-export"
    export_about_name = "articles:search-about"

    def get(self, request, *args, **kwargs):
        photo = media_id_photo(request.GET.get("q"))
        if photo is not None:
            return redirect(photo)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        form = SearchForm(self.request.GET or None)
        results = search_results(form, self.request.GET)
        if not (results and results.matches and results.matches.total):
            kwargs.update(api_url=None, exports=None)  # nothing to take away
        return super().get_context_data(
            form=form,
            results=results,
            export_note="oldest first" if results and results.order == "oldest" else "newest first",
            search_query=self.request.GET.get("q", ""),
            timeline=search_timeline(self.request, results),
            **kwargs,
        )

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        response["X-Robots-Tag"] = "noindex"
        return response


# A Media ID as pages print it ("Media ID: 55303551"), or the number alone.
# A timeline's own parameters, and those a month's search sets itself: the rest are its filters.
TIMELINE_ONLY_PARAMS = ("q", "per", "scale", "frame", "from", "to")
MEDIA_ID_RE = re.compile(r"(?:media\s*id\s*:?\s*)?([0-9]+)", re.IGNORECASE)


def media_id_photo(text):
    """The photo whose Media ID is the whole of a search (the number, or "Media ID: 55303551"
    as the pages print it), or None."""
    match = MEDIA_ID_RE.fullmatch(text.strip()) if isinstance(text, str) else None
    text = match[1] if match else ""
    media_id = address_number(text, max_digits=10)
    if media_id is None or len(text) < 5:
        return None
    return MediaItem.objects.filter(media_id=media_id).first()


def search_timeline(request, results):
    """Under the first page of results, as the photos found are: the addresses of the chart of the
    search's matches per month, drawn by its own request (``search_timeline_svg``) so that the
    results never wait for a count over every month, and of its numbers."""
    if not (results and results.matches and results.matches.total and results.page.number == 1):
        return None
    return timeline_addresses(request, [results.query.text])


def timeline_series(params):
    """A line for each search of the parameters (``q``, repeated to compare, at most
    MAX_SERIES), each with the parameters' filters; searches of no words are left out.
    CriteriaError when the filters are in error."""
    series = []
    for text in params.getlist("q")[: timeline.MAX_SERIES]:
        one = params.copy()
        one.setlist("q", [text])
        query, filters, _, _ = search_criteria(one, query_needed=False)
        if query:
            series.append(months.Series(query.text, months.points(query, filters)))
    return series


def plain_bad_request(text):
    """A 400 for a file's address (an export, a CSV, a chart): what was wrong, in plain text."""
    return HttpResponseBadRequest(text, content_type="text/plain; charset=utf-8")


def per_thousand(request):
    """Whether the timeline counts matches per 1,000 of the month's articles (``per=thousand``)."""
    return request.GET.get("per") == "thousand"


def log_scale(request):
    """Whether the timeline is drawn on a logarithmic scale (``scale=log``)."""
    return request.GET.get("scale") == "log"


def month_linker(request):
    """query, month point -> the search of that query narrowed to that month, with the
    timeline's other filters."""
    kept = [(k, v) for k, v in list_params(request.GET) if k not in TIMELINE_ONLY_PARAMS]

    def link(query, point):
        last = calendar.monthrange(point.year, point.month)[1]
        days = [("from", f"{point.label}-01"), ("to", f"{point.label}-{last:02d}")]
        return address("articles:search", params=[("q", query), *kept, *days])

    return link


def timeline_addresses(request, queries):
    """The chart's images (wide and narrow) and CSV, its counts or per-1,000 form, its scale,
    and the page comparing searches."""
    params = list_params(request.GET)
    here = request.resolver_match.view_name
    normalised, log = per_thousand(request), log_scale(request)
    drawn = [("per", "thousand")] * normalised + [("scale", "log")] * log

    def without(name):
        return [(k, v) for k, v in params if k != name]

    return {
        "queries": queries,
        "normalised": normalised,
        "log": log,
        "image_url": address("articles:search-timeline-svg", params=params),
        "narrow_image_url": address("articles:search-timeline-svg", params=[*params, ("frame", "narrow")]),
        "counts_url": address(here, params=without("per")),
        "normalised_url": address(here, params=[*without("per"), ("per", "thousand")]),
        "linear_url": address(here, params=without("scale")),
        "log_url": address(here, params=[*without("scale"), ("scale", "log")]),
        "csv_url": address("articles:search-timeline", params=[(k, v) for k, v in params if k not in ("per", "scale")]),
        "compare_url": address("articles:timeline", params=[*(("q", query) for query in queries), *drawn]),
    }


def timeline_context(request, series):
    """The chart drawn into the page (wide, and narrow for a phone), each month a link to the
    search narrowed to it, its legend and the table of its numbers."""
    link = month_linker(request)
    drawn = {"normalised": per_thousand(request), "log": log_scale(request)}
    return {
        **timeline_addresses(request, [line.query for line in series]),
        "frames": [
            (name, timeline.svg(series, frame=frame, **drawn), timeline.month_links(series, link, frame=frame))
            for name, frame in (("wide", timeline.WIDE), ("narrow", timeline.NARROW))
        ],
        "series": series,
        "legend": timeline.legend(series),
        "rows": timeline.rows(series, link),
    }


class TimelineView(AlternatesMixin, TemplateView):
    """Several searches' matches per month on one chart, a line each."""

    template_name = "articles/timeline.html"
    api_name = "api:search-months"
    export_name = None

    def list_params(self):
        """The first search's: the API counts the months of one search at a time."""
        params = [(k, v) for k, v in list_params(self.request.GET) if k not in ("q", "per")]
        return [("q", q) for q in self.request.GET.getlist("q")[:1]] + params

    def get_context_data(self, **kwargs):
        try:
            series, errors = timeline_series(self.request.GET), None
        except CriteriaError as error:
            series, errors = [], error.errors
        kwargs.setdefault("errors", errors)
        texts = self.request.GET.getlist("q")[: timeline.MAX_SERIES]
        fields = [(i, texts[i] if i < len(texts) else "") for i in range(timeline.MAX_SERIES)]
        return super().get_context_data(
            fields=fields,
            timeline=timeline_context(self.request, series) if series else None,
            **kwargs,
        )


def search_timeline_csv(request):
    """The timeline's numbers: a row per month and search (matches, the month's articles, per 1,000)."""
    try:
        series = timeline_series(request.GET)
    except CriteriaError as error:
        return plain_bad_request(str(error))
    if not series:
        return HttpResponseBadRequest("A search is needed: /search/timeline.csv?q=…", content_type="text/plain")
    response = HttpResponse(timeline.csv_text(series), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="timeline.csv"'
    return response


def search_timeline_svg(request):
    """The timeline's chart as an image file: what a search's results show under their first page."""
    try:
        series = timeline_series(request.GET)
    except CriteriaError as error:
        return plain_bad_request(str(error))
    if not series:
        return HttpResponseBadRequest("A search is needed: /search/timeline.svg?q=…", content_type="text/plain")
    frame = timeline.NARROW if request.GET.get("frame") == "narrow" else timeline.WIDE
    chart = timeline.svg(series, per_thousand(request), frame=frame, log=log_scale(request))
    response = HttpResponse(chart, content_type="image/svg+xml; charset=utf-8")
    response["X-Robots-Tag"] = "noindex"
    return response


@throttled(ExportThrottle)
@within_bounds
def article_export(request, fmt):
    """Every article of the list with these filters, as CSV or JSON Lines, streamed."""
    filterset = ArticleFilter(request.GET, queryset=Article.objects.all())
    if not filterset.is_valid():
        return plain_bad_request(errors_text(filterset.errors))
    batches = exporting.article_batches(filterset.qs, filterset.order_fields)
    return exporting.streamed(batches, fmt, "articles", request)


@throttled(ExportThrottle)
@within_bounds
def photo_export(request, fmt):
    """Every photo of the photo list with these filters, newest first, streamed."""
    filterset = PhotoFilter(request.GET, queryset=MediaItem.objects.all())
    if not filterset.is_valid():
        return plain_bad_request(errors_text(filterset.errors))
    batches = exporting.keyset_batches(filterset.qs, exporting.KEYSETS["photos"])
    return exporting.streamed(batches, fmt, "photos", request, PhotoSerializer)


@throttled(ExportThrottle)
@within_bounds
def search_export(request, fmt):
    """Every match of a search, newest first (oldest first when asked), streamed."""
    try:
        query, filters, _, order = search_criteria(request.GET)
    except CriteriaError as error:
        return plain_bad_request(str(error))
    return exporting.streamed(exporting.search_batches(query, filters, order), fmt, "search", request)
