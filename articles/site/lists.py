"""Readers' lists: the home page, all articles, a tag's, a section's and an author's, a year's
and a month's, the archive by date and its coverage, and the photos."""

from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.views.generic import DetailView, TemplateView

from .. import counts
from ..criteria import ArticleFilter, PhotoFilter, order_fields
from ..models import Article, ArticleTag, Author, MediaItem, Section, Tag
from .legacy import redirect_post_id, redirect_site_search
from .mixins import AlternatesMixin, FilteredListView, KeysetListMixin


class HomeView(AlternatesMixin, TemplateView):
    template_name = "articles/home.html"
    export_name = None

    def list_params(self):
        return []

    def get(self, request, *args, **kwargs):
        # The original site's post-ID links, /?p=55344007, named photos by their Media ID.
        if "p" in request.GET:
            return redirect_post_id(request.GET["p"])
        # And its search, /?s=words (WordPress's).
        if "s" in request.GET:
            return redirect_site_search(request.GET["s"])
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


class ArticleListView(FilteredListView):
    filterset_class = ArticleFilter
    template_name = "articles/article_list.html"
    noun = "articles"

    def get_queryset(self):
        return Article.objects.all()

    def filtered_page(self, filterset):
        total, capped = counts.for_filters(filterset)
        return self.articles_page(filterset.qs, total, capped, filterset.order_fields)

    def filters_context(self, filterset):
        return {**super().filters_context(filterset), "suggestions": ArticleFilter.suggestions()}


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
        return super().get_context_data(**self.paging_context(page), years=counts.years(), **kwargs)


class EntityArticlesView(KeysetListMixin, DetailView):
    """A section's or an author's page: their articles, newest first."""

    template_name = "articles/entity_detail.html"

    def list_params(self):
        return {self.model._meta.model_name: self.object.slug}

    def get_context_data(self, **kwargs):
        field = self.model._meta.model_name
        page = self.articles_page(Article.objects.filter(**{field: self.object}), self.object.article_count)
        return super().get_context_data(
            **self.paging_context(page), kind=self.model._meta.verbose_name, years=counts.years(), **kwargs
        )


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
        if not months or (month is not None and month not in months):
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
            **self.paging_context(self.articles_page(articles, total, fields=order_fields(order, {"year": year}))),
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
    export_about_name = "articles:photos-about"

    def filtered_page(self, filterset):
        total, capped = counts.cached_count("photos", filterset.qs)
        return self.page_of(filterset.qs, total, capped, fields=["-id"])
