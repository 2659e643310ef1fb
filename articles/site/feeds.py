"""Atom feeds: the latest articles, and those of a tag, a section, an author or a search.

Entries come newest first by publication date, undated articles last, as the lists do. An
entry's ``published`` is the best date the archive knows, so that a feed reader files a 2013
article in 2013; a date read from a caption or estimated from a Media ID is said to be so in
the entry's summary, and an undated article has no ``published``. ``updated`` is when the
archive last wrote the article, which is always known. A feed's ``self`` link is its whole
address, a search feed's query included.
"""

import datetime as dt

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.text import Truncator

from .. import search
from ..criteria import SearchForm, errors_text
from ..models import Article, ArticleTag, Author, Section, Tag
from .xmltext import xml_values

FEED_SIZE = 30
SUMMARY_WORDS = 60
SITE_NAME = "ASHARQ AL-AWSAT English Archive 2005-2017"


def date_note(article):
    """What an entry says of a date the archive does not hold as certain."""
    if article.published_on is None:
        return "Date unknown."
    if article.date_is_certain:
        return ""
    if article.date_source == Article.DateSource.MEDIA_ID:
        return f"Date estimated from the photo's Media ID: about {article.published_on:%B %Y}."
    return f"Date read from a photo caption: {article.published_on.day} {article.published_on:%B %Y}, not certain."


def entries():
    """Articles with what an entry shows: its summary is the body's first words."""
    return Article.objects.select_related("section", "author").defer("index_terms")


class ArticleFeed(Feed):
    """The latest articles; subclasses narrow them to a tag, a section, an author or a search."""

    feed_type = Atom1Feed
    # Atom wants an author for every entry: the paper's stands for the unsigned ones.
    author_name = "Asharq Al-Awsat"
    title = f"{SITE_NAME}: latest articles"
    subtitle = "The newest articles of the English archive of Asharq Al-Awsat, by date of publication."

    def link(self):
        return reverse("articles:home")

    def get_feed(self, obj, request):
        """The feed, its fields and its entries' text made such as XML 1.0 can hold."""
        feed = super().get_feed(obj, request)
        feed.feed = xml_values(feed.feed)
        feed.items = [xml_values(item) for item in feed.items]
        return feed

    def items(self):
        return entries().newest_first()[:FEED_SIZE]

    def item_title(self, article):
        return article.title

    def item_description(self, article):
        note = date_note(article)
        text = Truncator(" ".join(article.body.split())).words(SUMMARY_WORDS)
        return escape(f"{note} {text}".strip())

    def item_author_name(self, article):
        return article.author.name if article.author_id else None

    def item_pubdate(self, article):
        if article.published_on:
            return dt.datetime.combine(article.published_on, dt.time(), tzinfo=dt.UTC)
        return None

    def item_updateddate(self, article):
        return article.updated_at

    def item_categories(self, article):
        return [article.section.name] if article.section_id else []


class TagFeed(ArticleFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Tag, slug=slug)

    def title(self, tag):
        return f"{SITE_NAME}: {tag.name}"

    def subtitle(self, tag):
        return f"The newest articles tagged {tag.name}."

    def link(self, tag):
        return tag.get_absolute_url()

    def items(self, tag):
        # The tag's links carry the article's date: one range of their index, then the articles.
        rows = ArticleTag.objects.filter(tag=tag).order_by("-sort_date", "-article_id")[:FEED_SIZE]
        ids = [row.article_id for row in rows]
        articles = entries().in_bulk(ids)
        return [articles[pk] for pk in ids if pk in articles]


class EntityFeed(ArticleFeed):
    """A section's or an author's articles."""

    model = None

    def get_object(self, request, slug):
        return get_object_or_404(self.model, slug=slug)

    def title(self, obj):
        return f"{SITE_NAME}: {obj.name}"

    def subtitle(self, obj):
        return f"The newest articles of {obj.name}."

    def link(self, obj):
        return obj.get_absolute_url()

    def items(self, obj):
        field = self.model._meta.model_name
        return entries().filter(**{field: obj}).newest_first()[:FEED_SIZE]


class SectionFeed(EntityFeed):
    model = Section


class AuthorFeed(EntityFeed):
    model = Author


class SearchFeed(ArticleFeed):
    """A search's matches, newest first.

    Newest, not ranked: a feed reader shows entries by date and takes an entry it has not
    seen for news. Ranked, the feed would be the same best few for ever, reshuffled whenever
    an ingest moves the collection's statistics; newest first, a match that is added (or
    newly dated) enters at its place in time, as in the newest-first search results page.
    """

    def __call__(self, request, *args, **kwargs):
        form = SearchForm(request.GET)
        if not form.is_valid():
            return HttpResponseBadRequest(errors_text(form.errors), content_type="text/plain; charset=utf-8")
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request):
        query, filters, _, _ = SearchForm(request.GET).criteria()
        if not query:
            raise Http404("A search feed needs a query.")
        return query, filters, request.GET.urlencode()

    def title(self, obj):
        return f"{SITE_NAME}: search for {obj[0].text}"

    def subtitle(self, obj):
        return f"The newest articles matching {obj[0].text}."

    def link(self, obj):
        return f"{reverse('articles:search')}?{obj[2]}"

    def feed_url(self, obj):
        return f"{reverse('articles:search-feed')}?{obj[2]}"

    def items(self, obj):
        query, filters, _ = obj
        ids = list(search.find(query, filters, "newest").ids[:FEED_SIZE])
        articles = entries().in_bulk(ids)
        return [articles[pk] for pk in ids if pk in articles]
