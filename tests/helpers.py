"""Building an archive for tests: the real seed and test pages, plus generated articles."""

import datetime as dt
import importlib
import shutil
import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import call_command

from articles import caching, changes, counts, derive, search
from articles.models import Article, ArticleMedia, Section, Tag

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"
SEEDS = ROOT / "seeds"


def ingest(*paths, **options):
    """Run the ingest command as an operator would; return what it printed."""
    out = StringIO()
    call_command("ingest", *[str(p) for p in paths], stdout=out, stderr=StringIO(), no_progress=True, **options)
    return out.getvalue()


class PageFolderMixin:
    """A temporary folder of page files for a test (``self.folder``), removed afterwards."""

    def setUp(self):
        super().setUp()
        self.folder = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.folder)

    def page(self, name, content, encoding="utf-8"):
        path = self.folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
        return path


def ingest_real_pages():
    """The seed and every test page, through the real ingest command, in this process: the
    browser tests' processes hold Playwright's threads, which a forked worker process would
    inherit half-made (tests/ingest/ test the worker processes)."""
    call_command("ingest", str(SEEDS), str(DATA), stdout=StringIO(), stderr=StringIO(), no_progress=True, jobs=1)


def article_make(*, tags=(), photos=(), **fields):
    """One article as the archive's write path leaves it: derived columns and links filled in.

    ``fields`` are Article fields; a title, body, source path and content hash are made up
    when not given.
    """
    fields.setdefault("title", "Generated article")
    fields.setdefault("body", f"Paragraph of {fields['title']}.")
    fields.setdefault("source_path", f"generated/{fields['title']}.txt")
    fields.setdefault("content_hash", fields["source_path"])
    if fields.get("published_on") and "date_source" not in fields:
        fields["date_source"] = Article.DateSource.CAPTION
    article = derive.article_derive(Article(**fields))
    article.save()
    derive.tags_assign([article], [[t.pk for t in tags]])
    ArticleMedia.objects.bulk_create(ArticleMedia(article=article, media=m, position=i) for i, m in enumerate(photos))
    derive.articles_rederive([article.pk])
    article.refresh_from_db()
    return article


def make_articles(count, *, section=None, tag=None, start=dt.date(2010, 1, 1), title="Generated article"):
    """``count`` dated articles, one a day from ``start``, optionally in a section and tag."""
    articles = [
        derive.article_derive(
            Article(
                title=f"{title} {i:05d}",
                slug=f"generated-{i}",
                body=f"Paragraph of generated article {i}.",
                section=section,
                published_on=start + dt.timedelta(days=i),
                date_source=Article.DateSource.CAPTION,
                source_path=f"generated/{title}/{i}.txt",
                content_hash=f"{title}-{start}-{i}",
            )
        )
        for i in range(count)
    ]
    Article.objects.bulk_create(articles)
    if tag is not None:
        derive.tags_assign(articles, [[tag.pk]] * len(articles))
    changes.record(article_ids=[a.pk for a in articles])
    counts.refresh()
    caching.invalidate()
    # As an ingest ends: its articles searchable (a search leaves a long log to its writer).
    search.catch_up()
    return articles


def load_tag_vocabulary():
    """The starting vocabulary, as its data migration loads it."""
    from django.apps import apps

    migration = importlib.import_module("articles.migrations.0003_tag_vocabulary")
    migration.load(apps, None)


def section(slug="news-middle-east", name="Middle East"):
    return Section.objects.get_or_create(slug=slug, defaults={"name": name})[0]


def tag(slug="generated", name="Generated"):
    return Tag.objects.get_or_create(slug=slug, defaults={"name": name})[0]


def reader_pages():
    """(name, address) of every kind of reader's page, error states included, on the archive of
    the real pages (``ingest_real_pages``): what the HTML and accessibility checks visit."""
    from django.urls import reverse

    from articles.models import Author, MediaItem

    article = Article.objects.filter(photo_count__gt=1).order_by("-photo_count", "id").first()
    photo = MediaItem.objects.filter(media_id=55358541).get()
    author = Author.objects.exclude(article_count=0).order_by("-article_count").first()
    bylined = Article.objects.get(title="Syria: Violence flares along border with Lebanon")
    return {
        "home": "/",
        "article with photos": article.get_absolute_url(),
        "article with section and author": bylined.get_absolute_url(),
        "article known only from a listing": Article.objects.filter(listing_only=True).first().get_absolute_url(),
        "photo": photo.get_absolute_url(),
        "tag, with its search and year": Tag.objects.get(slug="syria").get_absolute_url(),
        "section": Section.objects.get(slug="opinion").get_absolute_url(),
        "author": author.get_absolute_url(),
        "year": reverse("articles:archive-year", args=[2016]),
        "month": reverse("articles:archive-month", args=[2016, 9]),
        "date index": reverse("articles:archive"),
        "coverage": reverse("articles:coverage"),
        "filtered list": "/articles/?has_photo=on&order=oldest",
        "list in error": "/articles/?year=x",
        "photo index": reverse("articles:photo-list"),
        "search": "/search/?q=syria",
        "search read as a name": "/search/?q=islamic+state",
        "search in date order, page 2": "/search/?q=syria&order=newest&page=2",
        "search in error": "/search/?q=syria&from=2013",
        "zero results": "/search/?q=qqqzzz+syria",
        "timeline": "/search/timeline/?q=syria",
        "timeline compared, logarithmic": "/search/timeline/?q=syria&q=isis&scale=log",
        "suggest a correction": reverse("articles:suggest-article", args=[article.pk]),
        "suggest a correction of a photo": reverse("articles:suggest-photo", args=[photo.pk]),
        "readers' corrections": reverse("articles:corrections"),
        "not found": "/no/such/page/",
    }
