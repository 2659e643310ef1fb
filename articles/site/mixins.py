"""What readers' list and detail pages share: their JSON and exports named in the page
(``AlternatesMixin``), and paging by keyset (``KeysetListMixin``, ``FilteredListView``)."""

from functools import partial

from django.template import loader
from django.utils.safestring import mark_safe
from django_filters.views import FilterView

from .. import caching, reads
from ..addresses import address, list_params
from ..criteria import ORDER_FIELDS
from ..paging import PER_PAGE, paginate

EXPORT_LABELS = [("csv", "CSV"), ("excel.csv", "CSV for Excel"), ("jsonl", "JSON Lines")]


class AlternatesMixin:
    """A page's JSON in the API (``<link rel="alternate">``) and, for lists, their every row as
    CSV and JSON Lines: the page sets ``api_name`` and says which rows it lists."""

    api_name = "api:article-list"
    export_name = "articles:article-export"
    export_about_name = "articles:articles-about"

    def list_params(self):
        return list_params(self.request.GET)

    def api_url(self):
        return address(self.api_name, params=self.list_params())

    def exports(self):
        params = self.list_params()
        return [(label, address(self.export_name, fmt, params=params)) for fmt, label in EXPORT_LABELS]

    def export_about_url(self):
        """The sidecar of the page's downloads: what they hold, and when."""
        return address(self.export_about_name, params=self.list_params())

    def get_context_data(self, **kwargs):
        kwargs.setdefault("api_url", self.api_url())
        if self.export_name:
            kwargs.setdefault("exports", self.exports())
            kwargs.setdefault("export_about_url", self.export_about_url())
        return super().get_context_data(**kwargs)


class KeysetListMixin(AlternatesMixin):
    """Pages a list with keyset pagination (see paging.py); subclasses give rows and count."""

    order_fields = ORDER_FIELDS["newest"]

    @staticmethod
    def paging_context(page):
        """What Django's list views give their template of a page (``page_obj``, ``paginator``,
        ``is_paginated``, ``object_list``), and ``page``, the name the archive's templates use."""
        return {
            "page": page,
            "page_obj": page,
            "paginator": page.paginator if page else None,
            "is_paginated": bool(page and page.has_other_pages()),
            "object_list": page.object_list if page else [],
        }

    def page_of(self, queryset, count, capped=False, fields=None):
        fields = fields or self.order_fields
        return paginate(self.request.GET, queryset, fields, path=self.request.path, count=count, count_capped=capped)

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


class FilteredListView(KeysetListMixin, FilterView):
    """A FilterView paged by keyset through Django's own ``paginate_queryset`` contract; a filter
    form in error shows its errors and no list."""

    noun = None
    paginate_by = PER_PAGE

    def paginate_queryset(self, queryset, page_size):
        """(paginator, page, its rows, whether there are other pages), as Django's is; the page
        is sought by keyset (``filtered_page``), never counted to by OFFSET."""
        if self.filterset.is_bound and not self.filterset.is_valid():
            return None, None, [], False
        page = self.filtered_page(self.filterset)
        return page.paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(filters=self.filters_html(self.filterset), **kwargs)
        context["page"] = context["page_obj"]
        return context

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
