from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("articles/<int:pk>/<slug:slug>/", views.ArticleDetailView.as_view(), name="article"),
    path("media/<int:media_id>/", views.PhotoDetailView.as_view(), name="photo"),
    path("photos/<int:pk>/", views.PhotoDetailView.as_view(), name="photo-unnumbered"),
    path("tags/<slug:slug>/", views.HomeView.as_view(), name="tag"),
    path("sections/<slug:slug>/", views.HomeView.as_view(), name="section"),
    path("authors/<slug:slug>/", views.HomeView.as_view(), name="author"),
]
