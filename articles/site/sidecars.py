"""Beside every download, what it holds: ``…/export.about.json`` with the same parameters gives
the list or search, its filters, how many rows, when, and the archive's state then — the file a
researcher keeps beside a CSV so that it can be cited and made again. As cheap as a page (a
count, no rows): limited as pages are, not as downloads."""

from django.http import JsonResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from .. import counts, exporting, reads, search
from ..addresses import address, list_params
from ..criteria import ArticleFilter, CriteriaError, PhotoFilter, search_criteria
from ..models import Article, MediaItem
from .mixins import EXPORT_LABELS
from .searching import plain_bad_request

# kind -> (the download's route, the page's route, the API's route)
ROUTES = {
    "search": ("articles:search-export", "articles:search", "api:search"),
    "articles": ("articles:article-export", "articles:article-list", "api:article-list"),
    "photos": ("articles:photo-export", "articles:photo-list", "api:photo-list"),
}


def about(request, kind):
    """The sidecar of a download of ``kind`` with the request's parameters; 400 as the
    download itself would answer it."""
    try:
        count = _count(kind, request.GET)
    except CriteriaError as error:
        return plain_bad_request(str(error))
    params = list_params(request.GET)
    export, page, api = ROUTES[kind]
    record = exporting.sidecar(
        kind,
        request.GET,
        count=count,
        files={fmt: request.build_absolute_uri(address(export, fmt, params=params)) for fmt, _ in EXPORT_LABELS},
        page=request.build_absolute_uri(address(page, params=params)),
        api=request.build_absolute_uri(address(api, params=params)),
        made_at=timezone.now(),
        state=_archive_state(),
    )
    response = JsonResponse(record, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = content_disposition_header(True, record["file_name"])
    response["X-Robots-Tag"] = "noindex"
    return response


def _count(kind, params):
    """How many rows the download of these parameters holds; CriteriaError when they are in error."""
    if kind == "search":
        query, filters, _, _ = search_criteria(params)
        return search.count(query, filters)
    filterset_class, model = (ArticleFilter, Article) if kind == "articles" else (PhotoFilter, MediaItem)
    filterset = filterset_class(params, queryset=model.objects.all())
    if not filterset.is_valid():
        raise CriteriaError(filterset.errors)
    if kind == "articles":
        total, capped = counts.for_filters(filterset)
        return filterset.qs.count() if capped else total
    return filterset.qs.count()


def _archive_state():
    """The change log's last entry (any article, photo or tag written moves it) and the
    number of articles: equal states give equal downloads."""
    head = reads.change_log_head()
    return {
        "change": head[0] if head else 0,
        "changed_at": head[1].isoformat(timespec="seconds") if head else None,
        "articles": counts.total(),
    }
