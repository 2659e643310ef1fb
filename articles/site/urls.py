from functools import wraps

from django.contrib.sitemaps import views as sitemap_views
from django.urls import path, re_path
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import cache_control, never_cache

from .. import converters
from ..throttles import PageThrottle, throttled
from . import corrections, details, feeds, legacy, lists, searching, sidecars, system
from .pagecache import cached_page, seconds_until_tomorrow
from .sitemaps import SITEMAPS

app_name = "articles"

SLUG = r"[-\w]+"
# The original site never had a page beyond this; a longer number is no page of it.
LEGACY_PAGE = r"[0-9]{1,9}"
converters.register()

# Readers' pages change only when an ingest or an editor changes the archive: browsers and
# proxies may keep them five minutes, and revalidate with the ETag afterwards; the server keeps
# them rendered until the archive changes.


def public(view):
    return cache_control(public=True, max_age=300)(cached_page(view))


def public_daily(view):
    """A public page whose content changes at midnight: no cache keeps it into the next day."""
    view = cached_page(view, daily=True)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        patch_cache_control(response, public=True, max_age=min(300, seconds_until_tomorrow()))
        return response

    return wrapper


# Pages that cost more than a list to render afresh: counted per anonymous client (a page the
# page cache holds is answered before the count).
costly = throttled(PageThrottle)

urlpatterns = [
    path("", public_daily(lists.HomeView.as_view()), name="home"),
    path("feed/", public(costly(feeds.ArticleFeed())), name="feed"),
    path("search/feed/", public(costly(feeds.SearchFeed())), name="search-feed"),
    path("tags/<text:slug>/feed/", public(costly(feeds.TagFeed())), name="tag-feed"),
    path("sections/<text:slug>/feed/", public(costly(feeds.SectionFeed())), name="section-feed"),
    path("authors/<text:slug>/feed/", public(costly(feeds.AuthorFeed())), name="author-feed"),
    path("robots.txt", system.robots, name="robots"),
    path(
        "sitemap.xml",
        public(costly(sitemap_views.index)),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "articles:sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<slug:section>.xml",
        public(costly(sitemap_views.sitemap)),
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
    path("health/", system.health, name="health"),
    path("favicon.ico", system.favicon),
    path("articles/", public(lists.ArticleListView.as_view()), name="article-list"),
    path("articles/<id:pk>/", details.article_by_id, name="article-by-id"),
    path("articles/<id:pk>/<text:slug>/", public(details.ArticleDetailView.as_view()), name="article"),
    path("articles/<id:pk>/citation.<citation_format:extension>", public(details.citation_download), name="citation"),
    path("search/", never_cache(cached_page(costly(searching.SearchView.as_view()))), name="search"),
    path("search/timeline/", never_cache(cached_page(costly(searching.TimelineView.as_view()))), name="timeline"),
    path("search/timeline.csv", never_cache(costly(searching.search_timeline_csv)), name="search-timeline"),
    path(
        "search/timeline.svg",
        never_cache(cached_page(costly(searching.search_timeline_svg))),
        name="search-timeline-svg",
    ),
    # Every match of a list or a search, streamed: never kept by the page cache or a proxy.
    path("search/export.<export_format:fmt>", never_cache(searching.search_export), name="search-export"),
    path("articles/export.<export_format:fmt>", never_cache(searching.article_export), name="article-export"),
    path("media/export.<export_format:fmt>", never_cache(searching.photo_export), name="photo-export"),
    # Beside each download, what it holds and when: a count, no rows, so limited as pages are.
    *(
        path(f"{prefix}/export.about.json", never_cache(costly(sidecars.about)), {"kind": kind}, name=f"{kind}-about")
        for prefix, kind in (("search", "search"), ("articles", "articles"), ("media", "photos"))
    ),
    # Readers suggest corrections (never cached: a form with its token); the accepted ones.
    path("corrections/suggest/article/<id:pk>/", corrections.suggest_article, name="suggest-article"),
    path("corrections/suggest/photo/<id:pk>/", corrections.suggest_photo, name="suggest-photo"),
    path("corrections/", public(corrections.corrections_page), name="corrections"),
    path("corrections/feed/", public(corrections.CorrectionsFeed()), name="corrections-feed"),
    path("media/", public(lists.PhotoListView.as_view()), name="photo-list"),
    path("media/<id:media_id>/", public(details.PhotoDetailView.as_view()), name="photo"),
    path("photos/<id:pk>/", public(details.PhotoDetailView.as_view()), name="photo-unnumbered"),
    path("tags/<text:slug>/", public(lists.TagDetailView.as_view()), name="tag"),
    path("sections/<text:slug>/", public(lists.SectionDetailView.as_view()), name="section"),
    path("authors/<text:slug>/", public(lists.AuthorDetailView.as_view()), name="author"),
    path("archive/", public(lists.ArchiveIndexView.as_view()), name="archive"),
    path("archive/coverage/", public(lists.CoverageView.as_view()), name="coverage"),
    path("archive/<int:year>/", public(lists.YearArchiveView.as_view()), name="archive-year"),
    path("archive/<int:year>/<int:month>/", public(lists.YearArchiveView.as_view()), name="archive-month"),
    # The original site's addresses answer with a permanent redirect to their page here.
    re_path(
        rf"^(?P<kind>tag|category|author)/(?P<slug>{SLUG})(?:/page/(?P<number>{LEGACY_PAGE}))?/?$",
        legacy.legacy_listing,
        name="legacy-listing",
    ),
    re_path(
        rf"^(?P<author>{SLUG})/(?P<section>{SLUG})/(?P<post>{SLUG})/attachment/(?P<attachment>{SLUG})/?$",
        legacy.legacy_attachment,
        name="legacy-attachment",
    ),
    re_path(
        rf"^(?P<author>{SLUG})/(?P<section>{SLUG})/(?P<post>{SLUG})/?$", legacy.legacy_article, name="legacy-article"
    ),
]
