import logging
import math
import re

from django.db import DatabaseError, connection
from django.http import Http404, HttpResponseServerError, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.generic import DetailView, TemplateView
from django_filters.views import FilterView

from . import counts
from .filters import ORDER_FIELDS, ArticleFilter, PhotoFilter
from .forms import SearchForm
from .models import Article, ArticleTag, Author, MediaItem, Section, Tag
from .paging import PER_PAGE, address_number, paginate
from .parsing import SITE_URL

LEGACY_PER_PAGE = 10

logger = logging.getLogger(__name__)


class KeysetListMixin:
    """Pages a list with keyset pagination (see paging.py); subclasses give rows and count."""

    order_fields = ORDER_FIELDS["newest"]

    def page_of(self, queryset, count, capped=False, fields=None):
        return paginate(self.request.GET, queryset, fields or self.order_fields, count=count, count_capped=capped)

    def articles_page(self, page):
        """Turn a page of ArticleTag rows into a page of articles, in one query."""
        articles = Article.objects.for_listing().in_bulk([row.article_id for row in page.object_list])
        page.object_list = [articles[row.article_id] for row in page.object_list if row.article_id in articles]
        return page


class HomeView(TemplateView):
    template_name = "articles/home.html"

    def get(self, request, *args, **kwargs):
        # The original site's post-ID links, /?p=55344007, named photos by their Media ID.
        if "p" in request.GET:
            return redirect_post_id(request.GET["p"])
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            latest=Article.objects.for_listing().newest_first()[:12],
            sections=Section.objects.filter(article_count__gt=0).order_by("-article_count")[:12],
            tags=Tag.objects.filter(article_count__gt=0).order_by("-article_count", "name")[:30],
            photos=MediaItem.objects.filter(media_id__isnull=False).order_by("-media_id")[:6],
            years=counts.years(),
            **kwargs,
        )


class FilteredListView(KeysetListMixin, FilterView):
    """A FilterView paged by keyset; a filter form in error shows its errors and no list."""

    def get_context_data(self, **kwargs):
        filterset = self.filterset
        page = None if filterset.is_bound and not filterset.is_valid() else self.filtered_page(filterset)
        kwargs["object_list"] = page.object_list if page else []
        return super().get_context_data(page=page, **kwargs)

    def paginate_queryset(self, queryset, page_size):
        return None, None, queryset, False  # paged by the keyset instead


class ArticleListView(FilteredListView):
    filterset_class = ArticleFilter
    template_name = "articles/article_list.html"

    def get_queryset(self):
        return Article.objects.for_listing()

    def filtered_page(self, filterset):
        total, capped = counts.for_filters(filterset)
        return self.page_of(filterset.qs, total, capped, ORDER_FIELDS[filterset.ordering])


class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"

    def get_queryset(self):
        return Article.objects.select_related("section", "author").prefetch_related("media")

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.slug != kwargs["slug"]:
            return redirect(self.object, permanent=True)
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_context_data(self, **kwargs):
        article = self.object
        links = list(ArticleTag.objects.filter(article=article).select_related("tag").order_by("tag__name"))
        # The original site's own tags are shown apart from those the archive's tagger found.
        site_tags = [link.tag for link in links if link.on_original_site]
        tags = [link.tag for link in links if not link.on_original_site]
        newer, older = Article.objects.neighbours(article)
        return super().get_context_data(
            tags=tags,
            site_tags=site_tags,
            newer=newer,
            older=older,
            related=Article.objects.related_to(article, site_tags + tags),
            **kwargs,
        )


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

    def get_context_data(self, **kwargs):
        rows = ArticleTag.objects.filter(tag=self.object)
        page = self.page_of(rows, self.object.article_count, fields=["-sort_date", "-article_id"])
        return super().get_context_data(page=self.articles_page(page), **kwargs)


class EntityArticlesView(KeysetListMixin, DetailView):
    """A section's or an author's page: their articles, newest first."""

    template_name = "articles/entity_detail.html"

    def get_context_data(self, **kwargs):
        field = self.model._meta.model_name
        articles = Article.objects.for_listing().filter(**{field: self.object})
        page = self.page_of(articles, self.object.article_count)
        return super().get_context_data(page=page, kind=self.model._meta.verbose_name, **kwargs)


class SectionDetailView(EntityArticlesView):
    model = Section


class AuthorDetailView(EntityArticlesView):
    model = Author


class YearArchiveView(KeysetListMixin, TemplateView):
    template_name = "articles/archive_period.html"

    def get_context_data(self, year, month=None, **kwargs):
        months = counts.months(year)
        if not months or month is not None and month not in months:
            raise Http404("The archive holds no articles from then.")
        articles = Article.objects.for_listing().in_period(year, month)
        total = months[month] if month else sum(months.values())
        return super().get_context_data(
            year=year,
            month=month,
            months=months,
            total=total,
            page=self.page_of(articles, total),
            **kwargs,
        )


class ArchiveIndexView(TemplateView):
    template_name = "articles/archive_index.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(calendar=counts.calendar(), **kwargs)


class PhotoListView(FilteredListView):
    filterset_class = PhotoFilter
    template_name = "articles/photo_list.html"

    def filtered_page(self, filterset):
        total, capped = counts.cached_count("photos", filterset.qs)
        return self.page_of(filterset.qs, total, capped, fields=["-id"])


class PhotoDetailView(DetailView):
    template_name = "articles/photo_detail.html"
    context_object_name = "photo"

    def get_object(self, queryset=None):
        if "media_id" in self.kwargs:
            return get_object_or_404(MediaItem, media_id=self.kwargs["media_id"])
        return get_object_or_404(MediaItem, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        articles = Article.objects.for_listing().filter(media=self.object).newest_first()[:100]
        return super().get_context_data(articles=articles, **kwargs)


class SearchView(TemplateView):
    template_name = "articles/search.html"

    def get(self, request, *args, **kwargs):
        photo = media_id_photo(request.GET.get("q"))
        if photo is not None:
            return redirect(photo)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        form = SearchForm(self.request.GET or None)
        return super().get_context_data(
            form=form, results=form.results(self.request.GET), search_query=self.request.GET.get("q", ""), **kwargs
        )

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        response["X-Robots-Tag"] = "noindex"
        return response


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
