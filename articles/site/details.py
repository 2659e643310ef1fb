"""Readers' detail pages: an article (with its citation files) and a photo."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.encoding import iri_to_uri
from django.views.generic import DetailView

from .. import citing, history, reads
from ..addresses import address
from ..ingest.parsing import hints_from_name
from ..models import Article, MediaItem
from .corrections import accepted_of
from .jinja import credit_text
from .mixins import AlternatesMixin


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
            # An accepted suggestion is an editor's save: an article never edited has none.
            reader_corrections=accepted_of(article) if article.staff_edited else [],
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
    "json": (citing.csl_json, "application/vnd.citationstyles.csl+json"),
}


def citation_download(request, pk, extension):
    """The article's reference as an RIS, BibTeX or CSL-JSON file, for a reference manager."""
    article = get_object_or_404(Article.objects.select_related("author").defer("body", "index_terms"), pk=pk)
    citation = article_citation(request, article)
    render_record, content_type = CITATION_FORMATS[extension]
    response = HttpResponse(render_record(citation), content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{citation.key}.{extension}"'
    return response


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
            reader_corrections=accepted_of(photo),
            **kwargs,
        )
