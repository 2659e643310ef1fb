from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from .models import Article, MediaItem


class HomeView(ListView):
    template_name = "articles/home.html"
    paginate_by = 20

    def get_queryset(self):
        return Article.objects.for_listing().newest_first()


class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"

    def get_queryset(self):
        return Article.objects.select_related("section", "author").prefetch_related("media", "tags")


class PhotoDetailView(DetailView):
    template_name = "articles/photo_detail.html"

    def get_object(self, queryset=None):
        if "media_id" in self.kwargs:
            return get_object_or_404(MediaItem, media_id=self.kwargs["media_id"])
        return get_object_or_404(MediaItem, pk=self.kwargs["pk"])
