"""The original site's addresses, answered with a permanent redirect to their page here."""

import math

from django.http import Http404
from django.shortcuts import redirect

from ..addresses import address
from ..ingest.parsing import SITE_URL
from ..models import Article, Author, MediaItem, Section, Tag
from ..paging import PER_PAGE, address_number

LEGACY_PER_PAGE = 10


def redirect_post_id(value):
    media_id = address_number(value)
    if media_id is None:
        raise Http404("The original site had no such post.")
    photo = MediaItem.objects.filter(media_id=media_id).first()
    if photo is None:
        raise Http404("The archive holds no photo with that Media ID.")
    return redirect(photo, permanent=True)


def redirect_site_search(words):
    """The original site's search, /?s=words, as this archive's search for the same words."""
    words = " ".join(words.split()) if isinstance(words, str) else ""
    if not words or "\x00" in words:
        return redirect("articles:search", permanent=True)
    return redirect(address("articles:search", params={"q": words}), permanent=True)


def legacy_listing(request, kind, slug, number=None):
    """/tag/<slug>/, /category/<slug>/, /author/<slug>/ and their /page/<n>/ forms."""
    model = {"tag": Tag, "category": Section, "author": Author}[kind]
    obj = model.objects.filter(slug=slug).first()
    if obj is None and model is Tag:
        obj = Tag.objects.named_by_alias_slug(slug)
    if obj is None:
        raise Http404("The archive has no such tag, section or author.")
    url = obj.get_absolute_url()
    if number:
        # The original site listed 10 articles a page, the archive lists PER_PAGE.
        last = max(1, math.ceil(obj.article_count / PER_PAGE))
        page = min(math.ceil(int(number) * LEGACY_PER_PAGE / PER_PAGE), last)
        if page > 1:
            url = f"{url}?page={page}"
    return redirect(url, permanent=True)


def legacy_article(request, author, section, post):
    """/<author-slug>/<section-slug>/<post-slug>/: by the stored original URL, else by slug."""
    original = f"{SITE_URL}/{author}/{section}/{post}"
    article = (
        Article.objects.filter(original_url=original).only("id", "slug").first()
        or Article.objects.filter(slug=post, author__slug=author).only("id", "slug").first()
        or Article.objects.filter(slug=post).only("id", "slug").order_by("id").first()
    )
    if article is None:
        raise Http404("The archive holds no article at this address of the original site.")
    return redirect(article, permanent=True)


def legacy_attachment(request, author, section, post, attachment):
    """…/attachment/<image-slug>/: the photo page, else the article it belonged to."""
    photo = MediaItem.objects.filter(slug=attachment).order_by("id").first()
    if photo is not None:
        return redirect(photo, permanent=True)
    return legacy_article(request, author, section, post)
