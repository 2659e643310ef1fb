from django.urls import path, re_path

from . import views

app_name = "articles"

SLUG = r"[-\w]+"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("articles/", views.ArticleListView.as_view(), name="article-list"),
    path("articles/<int:pk>/<str:slug>/", views.ArticleDetailView.as_view(), name="article"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("media/", views.PhotoListView.as_view(), name="photo-list"),
    path("media/<int:media_id>/", views.PhotoDetailView.as_view(), name="photo"),
    path("photos/<int:pk>/", views.PhotoDetailView.as_view(), name="photo-unnumbered"),
    path("tags/<str:slug>/", views.TagDetailView.as_view(), name="tag"),
    path("sections/<str:slug>/", views.SectionDetailView.as_view(), name="section"),
    path("authors/<str:slug>/", views.AuthorDetailView.as_view(), name="author"),
    path("archive/", views.ArchiveIndexView.as_view(), name="archive"),
    path("archive/<int:year>/", views.YearArchiveView.as_view(), name="archive-year"),
    path("archive/<int:year>/<int:month>/", views.YearArchiveView.as_view(), name="archive-month"),
    # The original site's addresses answer with a permanent redirect to their page here.
    re_path(rf"^(?P<kind>tag|category|author)/(?P<slug>{SLUG})(?:/page/(?P<number>\d+))?/?$",
            views.legacy_listing, name="legacy-listing"),
    re_path(rf"^(?P<author>{SLUG})/(?P<section>{SLUG})/(?P<post>{SLUG})/attachment/(?P<attachment>{SLUG})/?$",
            views.legacy_attachment, name="legacy-attachment"),
    re_path(rf"^(?P<author>{SLUG})/(?P<section>{SLUG})/(?P<post>{SLUG})/?$",
            views.legacy_article, name="legacy-article"),
]
