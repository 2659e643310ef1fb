"""/api/v1/: the records (routed viewsets), search, months, the OpenAPI description and its docs."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import views

app_name = "api"

router = DefaultRouter()
router.register("articles", views.ArticleViewSet, basename="article")
router.register("photos", views.PhotoViewSet, basename="photo")
router.register("tags", views.TagViewSet, basename="tag")
router.register("sections", views.SectionViewSet, basename="section")
router.register("authors", views.AuthorViewSet, basename="author")
router.register("corrections", views.CorrectionViewSet, basename="correction")

urlpatterns = [
    path("search/", views.SearchView.as_view(), name="search"),
    path("search/months/", views.SearchMonthsView.as_view(), name="search-months"),
    # The description and its docs are not counted against the API's rate limit: a reader
    # who has used it up can still read how to use it.
    path("schema/", SpectacularAPIView.as_view(throttle_classes=[]), name="schema"),
    # The split view serves Swagger UI's start-up code as a script file of its own: the CSP
    # allows no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema", throttle_classes=[]), name="docs"),
    *router.urls,
]
