"""Render a sample of the archive's addresses to a file, and compare two such files: the check that
a change of code leaves every page the same to the byte.

    python bench/snapshot.py urls > urls.txt            # up to 500 addresses of every kind
    python bench/snapshot.py render urls.txt out.jsonl  # each one's status, type and body
    python bench/snapshot.py compare before.jsonl after.jsonl

Run ``urls`` and ``render`` in the checkout to measure, against a copy of one archive
(DATABASE_URL, ARCHIVE_SEARCH_INDEX_DIR) for each: rendering may bring the index up to date.
The page cache is off; CSRF tokens are blanked. ``compare`` counts the same and different bodies
by kind of address and shows where each different one starts to differ.
"""

import collections
import json
import os
import random
import re
import sys
from pathlib import Path

SAMPLE = 500
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


def setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    os.environ.update(ARCHIVE_PAGE_CACHE_SECONDS="0", ARCHIVE_API_ANON_RATE="1000000/minute")
    os.environ["ARCHIVE_EXPORT_ANON_RATE"] = os.environ["ARCHIVE_PAGES_ANON_RATE"] = "1000000/minute"
    sys.path.insert(0, os.getcwd())
    import django

    django.setup()


def urls():
    """Addresses of every kind, up to SAMPLE of each, the same for the same archive."""
    setup()
    from articles.models import ArchiveMonth, Article, Author, MediaItem, Section, Tag

    rng = random.Random(5)

    def pick(rows, n=SAMPLE):
        rows = list(rows)
        return rng.sample(rows, min(n, len(rows)))

    found = ["/", "/articles/", "/archive/", "/archive/coverage/", "/media/", "/feed/", "/sitemap.xml", "/robots.txt"]
    for pk, slug in (articles := pick(Article.objects.values_list("id", "slug"))):
        found += [f"/articles/{pk}/{slug}/", f"/articles/{pk}/citation.ris", f"/api/v1/articles/{pk}/"]
    for slug in pick(Tag.objects.filter(article_count__gt=0).values_list("slug", flat=True)):
        found += [f"/tags/{slug}/", f"/tags/{slug}/feed/", f"/articles/?tag={slug}", f"/articles/export.csv?tag={slug}"]
    for model, kind in ((Section, "sections"), (Author, "authors")):
        for slug in pick(model.objects.values_list("slug", flat=True)):
            found += [f"/{kind}/{slug}/", f"/{kind}/{slug}/feed/", f"/api/v1/articles/?{kind[:-1]}={slug}"]
    found += [f"/archive/{y}/{m}/" for y, m in pick(ArchiveMonth.objects.values_list("year", "month"))]
    found += [
        f"/media/{m}/" if m else f"/photos/{pk}/" for pk, m in pick(MediaItem.objects.values_list("id", "media_id"))
    ]
    found += [f"/articles/?page={n}" for n in range(2, 26)]
    words = sorted({w for t, _ in articles for w in re.findall(r"[a-z]{5,}", t.lower())})
    for q in [*pick(words, SAMPLE // 2), '"islamic state"', "syria -iraq", "syria OR iraq", "tag:syria"]:
        found += [f"/search/?q={q}", f"/api/v1/search/?q={q}", f"/search/?q={q}&order=newest", f"/search/feed/?q={q}"]
        found += [f"/search/timeline.svg?q={q}", f"/api/v1/search/months/?q={q}", f"/search/export.jsonl?q={q}"]
    print("\n".join(found))


def render(url_file, out_file):
    setup()
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    client = Client()
    addresses = [line.strip() for line in Path(url_file).read_text(encoding="utf-8").splitlines() if line.strip()]
    with open(out_file, "w", encoding="utf-8") as out:
        for url in addresses:
            response = client.get(url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            body = CSRF.sub(b'name="csrfmiddlewaretoken" value="X"', body).decode("utf-8", "replace")
            row = {"url": url, "status": response.status_code, "type": response.get("Content-Type", ""), "body": body}
            out.write(json.dumps(row) + "\n")


def compare(before_file, after_file):
    before, after = (
        [json.loads(line) for line in Path(f).read_text(encoding="utf-8").splitlines()]
        for f in (before_file, after_file)
    )
    kinds, same = collections.Counter(), collections.Counter()
    for old, new in zip(before, after, strict=True):
        kind = old["url"].split("?")[0].split("/")[1] or "home"
        kinds[kind] += 1
        if (old["status"], old["type"], old["body"]) == (new["status"], new["type"], new["body"]):
            same[kind] += 1
            continue
        a, b = old["body"], new["body"]
        at = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))
        print(f"{old['url']} {old['status']}->{new['status']}")
        print(f"  before: {a[at - 60 : at + 80]!r}\n  after:  {b[at - 60 : at + 80]!r}")
    for kind in sorted(kinds):
        print(f"{kind:24} {same[kind]:6,} of {kinds[kind]:6,} the same")


if __name__ == "__main__":
    {"urls": urls, "render": render, "compare": compare}[sys.argv[1]](*sys.argv[2:])
