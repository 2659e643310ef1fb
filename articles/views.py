import logging
import math
import re
from functools import partial
from urllib.parse import urlencode

from django.db import DatabaseError, connection
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseServerError, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import iri_to_uri
from django.utils.safestring import mark_safe
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.generic import DetailView, TemplateView
from django_filters.views import FilterView

from . import caching, citing, counts, exporting, history, reads, timeline
from .api.serializers import PhotoSerializer
from .api.throttling import ExportThrottle, throttled
from .filters import ORDER_FIELDS, ArticleFilter, PhotoFilter
from .forms import SearchForm
from .ingest.parsing import SITE_URL, hints_from_name
from .models import Article, ArticleTag, Author, MediaItem, Section, Tag
from .paging import PER_PAGE, address_number, paginate
from .templatetags.archive import credit_text

LEGACY_PER_PAGE = 10

# What crawlers are asked to leave alone: search results (and their feeds and exports), the
# admin, the API, exports, and a citation file per article.
ROBOTS_DISALLOW = ["/search/", "/admin/", "/api/", "/articles/export.", "/media/export.", "/articles/*/citation."]

logger = logging.getLogger(__name__)


def address(name, *args, params=None):
    """A URL by name, with a query string when there are parameters."""
    url = reverse(name, args=args)
    return f"{url}?{urlencode(params, doseq=True)}" if params else url


def list_params(request):
    """The request's parameters without its place in the list: what an export or the API lists."""
    return [(k, v) for k, values in request.GET.lists() if k not in ("page", "cursor") for v in values]


EXPORT_LABELS = [("csv", "CSV"), ("jsonl", "JSON Lines")]


class AlternatesMixin:
    """A page's JSON in the API (``<link rel="alternate">``) and, for lists, their every row as
    CSV and JSON Lines: the page sets ``api_name`` and says which rows it lists."""

    api_name = "api:article-list"
    export_name = "articles:article-export"

    def list_params(self):
        return list_params(self.request)

    def api_url(self):
        return address(self.api_name, params=self.list_params())

    def exports(self):
        params = self.list_params()
        return [(label, address(self.export_name, fmt, params=params)) for fmt, label in EXPORT_LABELS]

    def get_context_data(self, **kwargs):
        kwargs.setdefault("api_url", self.api_url())
        if self.export_name:
            kwargs.setdefault("exports", self.exports())
        return super().get_context_data(**kwargs)


class KeysetListMixin(AlternatesMixin):
    """Pages a list with keyset pagination (see paging.py); subclasses give rows and count."""

    order_fields = ORDER_FIELDS["newest"]

    def page_of(self, queryset, count, capped=False, fields=None):
        return paginate(self.request.GET, queryset, fields or self.order_fields, count=count, count_capped=capped)

    def articles_page(self, rows, count, capped=False, fields=None, article_field="id"):
        """A page of the articles ``rows`` name by ``article_field`` (articles, or their tags'
        links), in ``fields`` order. The paging query reads the sort keys alone, and the page's
        articles are read by id in one query (``listed``): the ORM took longer to build and read
        the list's whole rows than that second query takes."""
        fields = fields or self.order_fields
        keys = rows.only(*dict.fromkeys([*(name.lstrip("-") for name in fields), article_field]))
        page = self.page_of(keys, count, capped, fields)
        ids = [getattr(row, article_field) for row in page.object_list]
        articles = reads.listed(ids)
        page.object_list = [articles[pk] for pk in ids if pk in articles]
        return page


class HomeView(AlternatesMixin, TemplateView):
    template_name = "articles/home.html"
    export_name = None

    def list_params(self):
        return []

    def get(self, request, *args, **kwargs):
        # The original site's post-ID links, /?p=55344007, named photos by their Media ID.
        if "p" in request.GET:
            return redirect_post_id(request.GET["p"])
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        years = counts.years()
        today = timezone.localdate()
        return super().get_context_data(
            today=today,
            on_this_day=Article.objects.for_listing().on_this_day(today, [year for year, _ in years]),
            latest=Article.objects.for_listing().newest_first()[:12],
            sections=Section.objects.filter(article_count__gt=0).order_by("-article_count")[:12],
            tags=Tag.objects.filter(article_count__gt=0).order_by("-article_count", "name")[:30],
            photos=MediaItem.objects.filter(media_id__isnull=False).order_by("-media_id")[:6],
            years=years,
            **kwargs,
        )


class FilteredListView(KeysetListMixin, FilterView):
    """A FilterView paged by keyset; a filter form in error shows its errors and no list."""

    noun = None

    def get_context_data(self, **kwargs):
        filterset = self.filterset
        page = None if filterset.is_bound and not filterset.is_valid() else self.filtered_page(filterset)
        kwargs["object_list"] = page.object_list if page else []
        return super().get_context_data(page=page, filters=self.filters_html(filterset), **kwargs)

    def filters_html(self, filterset):
        """The filter form, rendered. Every page of the list that asks for no filter shows the
        same form, kept until the archive changes: rendering it costs more than a page of rows."""
        render = partial(loader.render_to_string, "includes/filter_form.html", self.filters_context(filterset))
        if any(name in self.request.GET for name in filterset.form.fields):
            return mark_safe(render())
        # Rendered by Jinja2, the form is a plain string: it is the page's HTML, not text.
        return mark_safe(caching.fragment(f"filters:{self.noun}", render))

    def filters_context(self, filterset):
        return {"form": filterset.form, "in_use": filterset.active, "clear_url": self.request.path, "noun": self.noun}

    def paginate_queryset(self, queryset, page_size):
        return None, None, queryset, False  # paged by the keyset instead


class ArticleListView(FilteredListView):
    filterset_class = ArticleFilter
    template_name = "articles/article_list.html"
    noun = "articles"

    def get_queryset(self):
        return Article.objects.all()

    def filtered_page(self, filterset):
        total, capped = counts.for_filters(filterset)
        return self.articles_page(filterset.qs, total, capped, ORDER_FIELDS[filterset.ordering])

    def filters_context(self, filterset):
        return {**super().filters_context(filterset), "suggestions": ArticleFilter.suggestions()}


class ArticleDetailView(AlternatesMixin, DetailView):
    template_name = "articles/article_detail.html"
    export_name = None

    def api_url(self):
        return address("api:article-detail", self.object.pk)

    def get_object(self, queryset=None):
        article = reads.article(self.kwargs["pk"])
        if article is None:
            raise Http404("No such article.")
        return article

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.slug != kwargs["slug"]:
            return redirect(self.object, permanent=True)
        response = self.render_to_response(self.get_context_data(object=self.object))
        if self.object.original_url:
            # Memento (RFC 7089): this page is a copy of the original site's page at that address.
            response["Link"] = f'<{iri_to_uri(self.object.original_url)}>; rel="original"'
        return response

    def get_context_data(self, **kwargs):
        article = self.object
        every_tag = reads.tags_of(article)
        # The original site's own tags are shown apart from those the archive's tagger found.
        site_tags = [tag for tag in every_tag if tag.on_original_site]
        tags = [tag for tag in every_tag if not tag.on_original_site]
        newer, older = reads.neighbours(article)
        return super().get_context_data(
            photos=reads.photos_of(article),
            tags=tags,
            site_tags=site_tags,
            newer=newer,
            older=older,
            related=reads.related_to(article, site_tags + tags),
            citation=article_citation(self.request, article),
            # An article an ingest has written over since (with --force) shows the file's text.
            corrections=history.corrections(article) if article.staff_edited else [],
            **kwargs,
        )


def article_by_id(request, pk):
    """/articles/17/, an address cut before its slug: the article's full address."""
    return redirect(get_object_or_404(Article.objects.only("id", "slug"), pk=pk), permanent=True)


def article_citation(request, article):
    """The article's citation at its address on this site, consulted today."""
    url = request.build_absolute_uri(article.get_absolute_url())
    return citing.of_article(article, url, accessed=timezone.localdate())


CITATION_FORMATS = {
    "ris": (citing.ris, "application/x-research-info-systems"),
    "bib": (citing.bibtex, "application/x-bibtex"),
}


def citation_download(request, pk, extension):
    """The article's reference as an RIS or BibTeX file, for a reference manager."""
    article = get_object_or_404(Article.objects.select_related("author").defer("body", "index_terms"), pk=pk)
    citation = article_citation(request, article)
    render_record, content_type = CITATION_FORMATS[extension]
    response = HttpResponse(render_record(citation), content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{citation.key}.{extension}"'
    return response


class TagDetailView(KeysetListMixin, DetailView):
    model = Tag
    template_name = "articles/tag_detail.html"

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            # A tag merged into another lives on as one of its aliases.
            merged_into = Tag.objects.named_by_alias_slug(kwargs["slug"])
            if merged_into is None:
                raise
            return redirect(merged_into, permanent=True)

    def list_params(self):
        return {"tag": self.object.slug}

    def get_context_data(self, **kwargs):
        rows = ArticleTag.objects.filter(tag=self.object)
        fields = ["-sort_date", "-article_id"]
        page = self.articles_page(rows, self.object.article_count, fields=fields, article_field="article_id")
        return super().get_context_data(page=page, **kwargs)


class EntityArticlesView(KeysetListMixin, DetailView):
    """A section's or an author's page: their articles, newest first."""

    template_name = "articles/entity_detail.html"

    def list_params(self):
        return {self.model._meta.model_name: self.object.slug}

    def get_context_data(self, **kwargs):
        field = self.model._meta.model_name
        page = self.articles_page(Article.objects.filter(**{field: self.object}), self.object.article_count)
        return super().get_context_data(page=page, kind=self.model._meta.verbose_name, **kwargs)


class SectionDetailView(EntityArticlesView):
    model = Section


class AuthorDetailView(EntityArticlesView):
    model = Author


class YearArchiveView(KeysetListMixin, TemplateView):
    """A year's or a month's articles, newest or oldest first, with the periods either side."""

    template_name = "articles/archive_period.html"

    def list_params(self):
        return {k: v for k, v in self.kwargs.items() if v is not None}

    def get_context_data(self, year, month=None, **kwargs):
        calendar = counts.all_months()
        months = {m: n for (y, m), n in calendar.items() if y == year}
        if not months or month is not None and month not in months:
            raise Http404("The archive holds no articles from then.")
        order = "oldest" if self.request.GET.get("order") == "oldest" else "newest"
        articles = Article.objects.in_period(year, month)
        total = months[month] if month else sum(months.values())
        periods = sorted(calendar) if month else sorted({y for y, _ in calendar})
        previous, following = counts.neighbours(periods, (year, month) if month else year)
        return super().get_context_data(
            year=year,
            month=month,
            months=months,
            total=total,
            order=order,
            previous=previous,
            following=following,
            page=self.articles_page(articles, total, fields=ORDER_FIELDS[order]),
            **kwargs,
        )


class ArchiveIndexView(AlternatesMixin, TemplateView):
    template_name = "articles/archive_index.html"
    export_name = None

    def list_params(self):
        return []

    def get_context_data(self, **kwargs):
        return super().get_context_data(calendar=counts.calendar(), **kwargs)


class CoverageView(TemplateView):
    template_name = "articles/coverage.html"

    def get_context_data(self, **kwargs):
        years, undated = counts.coverage()
        return super().get_context_data(years=years, undated=undated, **kwargs)


class PhotoListView(FilteredListView):
    filterset_class = PhotoFilter
    template_name = "articles/photo_list.html"
    noun = "photos"
    api_name = "api:photo-list"
    export_name = "articles:photo-export"

    def filtered_page(self, filterset):
        total, capped = counts.cached_count("photos", filterset.qs)
        return self.page_of(filterset.qs, total, capped, fields=["-id"])


class PhotoDetailView(AlternatesMixin, DetailView):
    template_name = "articles/photo_detail.html"
    context_object_name = "photo"
    export_name = None

    def api_url(self):
        return address("api:photo-detail", self.object.pk)

    def get_object(self, queryset=None):
        if "media_id" in self.kwargs:
            return get_object_or_404(MediaItem, media_id=self.kwargs["media_id"])
        return get_object_or_404(MediaItem, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        photo = self.object
        articles = list(Article.objects.for_listing().filter(media=photo).newest_first()[:100])
        # A photo page's old address, /<author>/<section>/<post>/attachment/<image>/, names
        # the article it belonged to.
        post = hints_from_name(photo.source_path).post_slug if photo.source_path else ""
        named = Article.objects.filter(slug=post).only("id", "slug", "title").first() if post else None
        credit = credit_text(photo.credit)
        return super().get_context_data(
            articles=articles,
            dated=next((a for a in articles if a.published_on), None),
            post_words=post.replace("-", " "),
            named_article=named,
            credit=credit,
            agency_in_credit=bool(photo.agency) and photo.agency.lower() in credit.lower(),
            **kwargs,
        )


class SearchView(AlternatesMixin, TemplateView):
    template_name = "articles/search.html"
    api_name = "api:search"
    export_name = "articles:search-export"

    def get(self, request, *args, **kwargs):
        photo = media_id_photo(request.GET.get("q"))
        if photo is not None:
            return redirect(photo)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        form = SearchForm(self.request.GET or None)
        results = form.results(self.request.GET)
        if not (results and results.matches):
            kwargs.update(api_url=None, exports=None)
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


def search_timeline(request, results):
    """Under the first page of results, as the photos found are: the addresses of the chart of the
    search's matches per month, drawn by its own request (``search_timeline_svg``) so that the
    results never wait for a count over every month, and of its numbers."""
    if not (results and results.matches and results.matches.total and results.page.number == 1):
        return None
    return timeline_addresses(request, [results.query.text])


def timeline_series(params):
    """A line for each search of the parameters (``q``, repeated to compare, at most
    MAX_SERIES), each with the parameters' filters; searches of no words are left out."""
    series = []
    for text in params.getlist("q")[: timeline.MAX_SERIES]:
        one = params.copy()
        one.setlist("q", [text])
        query, filters, _, _ = SearchForm(one).criteria(one)
        if query:
            series.append(timeline.Series(query.text, timeline.points(query, filters)))
    return series


def per_thousand(request):
    """Whether the timeline counts matches per 1,000 of the month's articles (``per=thousand``)."""
    return request.GET.get("per") == "thousand"


def timeline_addresses(request, queries):
    """The chart's image and CSV, its counts or per-1,000 form, and the page comparing searches."""
    without = [(k, v) for k, v in list_params(request) if k != "per"]
    here = request.resolver_match.view_name
    normalised = per_thousand(request)
    per = [("per", "thousand")] if normalised else []
    return {
        "queries": queries,
        "normalised": normalised,
        "image_url": address("articles:search-timeline-svg", params=list_params(request)),
        "counts_url": address(here, params=without),
        "normalised_url": address(here, params=[*without, ("per", "thousand")]),
        "csv_url": address("articles:search-timeline", params=without),
        "compare_url": address("articles:timeline", params=[*(("q", query) for query in queries), *per]),
    }


def timeline_context(request, series):
    """The chart drawn into the page, its legend and the table of its numbers."""
    return {
        **timeline_addresses(request, [line.query for line in series]),
        "svg": timeline.svg(series, per_thousand(request)),
        "series": series,
        "legend": timeline.legend(series),
        "rows": timeline.rows(series),
    }


class TimelineView(AlternatesMixin, TemplateView):
    """Several searches' matches per month on one chart, a line each."""

    template_name = "articles/timeline.html"
    api_name = "api:search-months"
    export_name = None

    def list_params(self):
        """The first search's: the API counts the months of one search at a time."""
        params = [(k, v) for k, v in list_params(self.request) if k not in ("q", "per")]
        return [("q", q) for q in self.request.GET.getlist("q")[:1]] + params

    def get_context_data(self, **kwargs):
        series = timeline_series(self.request.GET)
        texts = self.request.GET.getlist("q")[: timeline.MAX_SERIES]
        fields = [(i, texts[i] if i < len(texts) else "") for i in range(timeline.MAX_SERIES)]
        return super().get_context_data(
            fields=fields,
            timeline=timeline_context(self.request, series) if series else None,
            **kwargs,
        )


def search_timeline_csv(request):
    """The timeline's numbers: a row per month and search (matches, the month's articles, per 1,000)."""
    series = timeline_series(request.GET)
    if not series:
        return HttpResponseBadRequest("A search is needed: /search/timeline.csv?q=…", content_type="text/plain")
    response = HttpResponse(timeline.csv_text(series), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="timeline.csv"'
    return response


def search_timeline_svg(request):
    """The timeline's chart as an image file: what a search's results show under their first page."""
    series = timeline_series(request.GET)
    if not series:
        return HttpResponseBadRequest("A search is needed: /search/timeline.svg?q=…", content_type="text/plain")
    response = HttpResponse(timeline.svg(series, per_thousand(request)), content_type="image/svg+xml; charset=utf-8")
    response["X-Robots-Tag"] = "noindex"
    return response


@throttled(ExportThrottle)
def article_export(request, fmt):
    """Every article of the list with these filters, as CSV or JSON Lines, streamed."""
    filterset = ArticleFilter(request.GET, queryset=Article.objects.all())
    if not filterset.is_valid():
        return HttpResponseBadRequest(filterset.errors.as_text(), content_type="text/plain; charset=utf-8")
    batches = exporting.article_batches(filterset.qs, ORDER_FIELDS[filterset.ordering])
    return exporting.streamed(batches, fmt, "articles", request)


@throttled(ExportThrottle)
def photo_export(request, fmt):
    """Every photo of the photo list with these filters, newest first, streamed."""
    filterset = PhotoFilter(request.GET, queryset=MediaItem.objects.all())
    if not filterset.is_valid():
        return HttpResponseBadRequest(filterset.errors.as_text(), content_type="text/plain; charset=utf-8")
    batches = exporting.keyset_batches(filterset.qs, exporting.KEYSETS["photos"])
    return exporting.streamed(batches, fmt, "photos", request, PhotoSerializer)


@throttled(ExportThrottle)
def search_export(request, fmt):
    """Every match of a search, newest first (oldest first when asked), streamed."""
    form = SearchForm(request.GET)
    query, filters, _, order = form.criteria(request.GET)
    if not query:
        return HttpResponseBadRequest("A search is needed: /search/export.csv?q=…", content_type="text/plain")
    return exporting.streamed(exporting.search_batches(query, filters, order), fmt, "search", request)


@never_cache
def health(request):
    """For load balancers: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        # The error's text can name hosts, users and tables: it goes to the log, not the public.
        logger.exception("Health check: the database did not answer")
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@cache_control(public=True, max_age=86400)
def robots(request):
    """/robots.txt: where the sitemap is, and what crawlers should not visit."""
    sitemap = request.build_absolute_uri(reverse("articles:sitemap"))
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW), "", f"Sitemap: {sitemap}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


def favicon(request):
    """Browsers ask for /favicon.ico; the archive's icon is a hashed static file."""
    return redirect(static("favicon.svg"), permanent=True)


def media_id_photo(text):
    """The photo whose Media ID is the whole of a search, or None."""
    text = text.strip() if isinstance(text, str) else ""
    media_id = address_number(text, max_digits=10)
    if media_id is None or len(text) < 5:
        return None
    return MediaItem.objects.filter(media_id=media_id).first()


def redirect_post_id(value):
    media_id = address_number(value)
    if media_id is None:
        raise Http404("The original site had no such post.")
    photo = MediaItem.objects.filter(media_id=media_id).first()
    if photo is None:
        raise Http404("The archive holds no photo with that Media ID.")
    return redirect(photo, permanent=True)


# --- The original site's URLs ---------------------------------------------------------------


def legacy_listing(request, kind, slug, number=None):
    """/tag/<slug>/, /category/<slug>/, /author/<slug>/ and their /page/<n>/ forms."""
    model = {"tag": Tag, "category": Section, "author": Author}[kind]
    obj = model.objects.filter(slug=slug).first()
    if obj is None and model is Tag:
        obj = Tag.objects.named_by_alias_slug(slug)
    if obj is None:
        raise Http404("The archive has no such tag, section or author.")
    url = obj.get_absolute_url()
    if number:
        # The original site listed 10 articles a page, the archive lists PER_PAGE.
        last = max(1, math.ceil(obj.article_count / PER_PAGE))
        page = min(math.ceil(int(number) * LEGACY_PER_PAGE / PER_PAGE), last)
        if page > 1:
            url = f"{url}?page={page}"
    return redirect(url, permanent=True)


def legacy_article(request, author, section, post):
    """/<author-slug>/<section-slug>/<post-slug>/: by the stored original URL, else by slug."""
    original = f"{SITE_URL}/{author}/{section}/{post}"
    article = (
        Article.objects.filter(original_url=original).only("id", "slug").first()
        or Article.objects.filter(slug=post, author__slug=author).only("id", "slug").first()
        or Article.objects.filter(slug=post).only("id", "slug").order_by("id").first()
    )
    if article is None:
        raise Http404("The archive holds no article at this address of the original site.")
    return redirect(article, permanent=True)


def legacy_attachment(request, author, section, post, attachment):
    """…/attachment/<image-slug>/: the photo page, else the article it belonged to."""
    photo = MediaItem.objects.filter(slug=attachment).order_by("id").first()
    if photo is not None:
        return redirect(photo, permanent=True)
    return legacy_article(request, author, section, post)


def not_found(request, exception=None):
    """The 404 page: says what was not found and offers a search built from the address."""
    words = [
        w
        for w in re.split(r"[^\w]+", request.path)
        if w
        and not w.isdigit()
        and w not in {"tag", "category", "author", "page", "attachment", "articles", "media", "tags"}
    ]
    message = exception.args[0] if exception and exception.args and isinstance(exception.args[0], str) else ""
    context = {
        "request_path": request.path,
        "suggested_query": " ".join(words[-6:]).replace("-", " "),
        "message": message,
    }
    return render(request, "404.html", context, status=404)


@requires_csrf_token
def server_error(request):
    """The 500 page, built to render when little else works: no context processors, and the
    stylesheet only when the static files' manifest can name it (a failed collectstatic must
    not turn every error into a second one)."""
    try:
        stylesheet = static("css/archive.css")
    except ValueError:
        stylesheet = None
    return HttpResponseServerError(loader.render_to_string("500.html", {"stylesheet": stylesheet}))
