"""What a reader arriving from a search engine, or a crawler, gets: pages nobody asked for before.

Two measurements:
  cold pages  the first visit of article and list pages in this process, with nothing in the
              shared cache (it is cleared before each visit) and the page cache off: median,
              p95 and max server time and query count. Each page is visited once on the open
              connection, and a second sample once on a new connection (as a restarted worker
              gets it).
  cold mix    the addresses wrk spreads over 8 clients for the load part: at least 10,000
              distinct pages (articles, list pages deep and shallow, photos, 10 % searches),
              each client its own share in its own order, so that no page is asked for twice
              and the page cache never answers.
"""

import random
import statistics
import time
from urllib.parse import urlencode

from queries import sample_pages

LIST_KINDS = ("articles deep", "tag first", "tag deep", "year deep", "month first", "section deep", "author first")


def cold_visit(client, path):
    """Server time (ms) and queries of one first visit with nothing cached."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        started, cpu = time.perf_counter(), time.process_time()
        response = client.get(path)
        elapsed, cpu = (time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code}")
    return elapsed, len(captured.captured_queries), cpu


def figures(visits):
    """Server time, and the CPU time of this process (the Python side: on a shared machine it
    varies far less than the clock), and queries."""
    times = sorted(ms for ms, _, _ in visits)
    return {
        "pages": len(visits),
        "median_ms": round(statistics.median(times), 2),
        "p95_ms": round(times[min(len(times) - 1, round(0.95 * (len(times) - 1)))], 2),
        "max_ms": round(times[-1], 2),
        "median_cpu_ms": round(statistics.median(cpu for _, _, cpu in visits), 2),
        "max_queries": max(q for _, q, _ in visits),
        "median_queries": statistics.median(q for _, q, _ in visits),
    }


def bench_cold_pages(count=40):
    """First visits of distinct article and list pages: on the open connection and on new ones."""
    from django.db import connection
    from django.test import Client

    client = Client()
    client.get("/")  # the process is warm (templates, URL resolver); the pages are not
    rng = random.Random(17)
    articles = article_paths(rng, 2 * count)
    lists = list_paths(rng, 2 * count)
    results = {}
    for name, paths in (("article", articles), ("list", lists)):
        results[name] = figures([cold_visit(client, path) for path in paths[:count]])
        fresh = []
        for path in paths[count:]:
            connection.close()
            fresh.append(cold_visit(client, path))
        results[f"{name}_new_connection"] = figures(fresh)
    by_kind = {}
    for path in lists[:count]:
        by_kind.setdefault(list_kind(path), []).append(cold_visit(client, path))
    results["list_by_kind"] = {kind: figures(visits) for kind, visits in by_kind.items()}
    return results


def list_kind(path):
    if path.startswith("/articles/"):
        return "articles deep"
    if path.startswith("/tags/"):
        return "tag deep" if "cursor" in path else "tag first"
    if path.startswith("/sections/"):
        return "section deep"
    if path.startswith("/authors/"):
        return "author first"
    return "year deep" if "cursor" in path else "month first"


# --- addresses -----------------------------------------------------------------------------


def random_rows(model, fields, rng, count, where=""):
    """``count`` rows of ``model`` picked at random, cheaply at any size (by id ranges)."""
    from django.db import connection

    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT min(id), max(id), count(*) FROM {table} WHERE TRUE {where}")
        low, high, available = cursor.fetchone()
        count = min(count, available)  # fewer rows than asked for: each of them
        rows = {}
        while len(rows) < count:
            ids = sorted({rng.randint(low, high) for _ in range(count)})
            cursor.execute(
                f"SELECT id, {', '.join(fields)} FROM {table} WHERE id IN ({', '.join(['%s'] * len(ids))}) {where}",
                ids,
            )
            rows.update((row[0], row) for row in cursor.fetchall())
    chosen = sorted(rows)
    rng.shuffle(chosen)
    return [rows[pk] for pk in chosen[:count]]


def article_paths(rng, count):
    from articles.models import Article

    return [f"/articles/{pk}/{slug}/" for pk, slug in random_rows(Article, ["slug"], rng, count)]


def list_paths(rng, count):
    """List pages as a crawler following the pages' own links reaches them: first pages of
    tags, months and authors, and pages deep inside the lists (a cursor from a random row)."""
    from articles.models import ArchiveMonth, Article, ArticleTag, Author, Section, Tag
    from articles.paging import encode_cursor

    tags = {pk: slug for pk, slug in Tag.objects.filter(article_count__gt=1).values_list("id", "slug")}
    sections = dict(Section.objects.filter(article_count__gt=0).values_list("id", "slug"))
    authors = list(Author.objects.filter(article_count__gt=0).values_list("slug", flat=True))
    months = list(ArchiveMonth.objects.filter(article_count__gt=0).values_list("year", "month"))
    dated = random_rows(Article, ["sort_date", "section_id"], rng, count, "AND published_on IS NOT NULL")
    links = [
        row for row in random_rows(ArticleTag, ["tag_id", "sort_date", "article_id"], rng, count) if has_older(row)
    ]
    paths = []
    for i in range(count):
        pk, sort_date, section_id = dated[i % len(dated)]
        deep = {"page": 2, "cursor": encode_cursor([sort_date, pk], False)}
        kind = LIST_KINDS[i % len(LIST_KINDS)]
        if kind == "articles deep":
            paths.append("/articles/?" + urlencode(deep))
        elif kind == "tag first" and tags:
            paths.append(f"/tags/{rng.choice(list(tags.values()))}/")
        elif kind == "tag deep" and links:
            _, tag_id, tag_date, article_id = links[i % len(links)]
            cursor = encode_cursor([tag_date, article_id], False)
            paths.append(
                f"/tags/{tags.get(tag_id) or Tag.objects.get(pk=tag_id).slug}/?"
                + urlencode({"page": 2, "cursor": cursor})
            )
        elif kind == "year deep":
            paths.append(f"/archive/{sort_date.year}/?" + urlencode(deep))
        elif kind == "month first" and months:
            year, month = rng.choice(months)
            paths.append(f"/archive/{year}/{month}/")
        elif kind == "section deep" and section_id in sections:
            paths.append(f"/sections/{sections[section_id]}/?" + urlencode(deep))
        elif kind == "author first" and authors:
            paths.append(f"/authors/{rng.choice(authors)}/")
        else:
            paths.append("/articles/?" + urlencode(deep))
    return paths


def has_older(link):
    """Whether a tag's list goes on after this link: a page after it is no 404."""
    from articles.models import ArticleTag

    _, tag_id, sort_date, article_id = link
    older = ArticleTag.objects.filter(tag_id=tag_id, sort_date__lte=sort_date).exclude(
        sort_date=sort_date, article_id__gte=article_id
    )
    return older.exists()


def search_paths(folder, rng, count):
    """Distinct searches: one or two words of middling or rare frequency, some with a year."""
    import re
    from collections import Counter

    frequency = Counter()
    for text in sample_pages(folder, count=1000, seed=23):
        frequency.update(set(re.findall(r"[a-z]{4,}", text.split("Select Page", 1)[-1].lower())))
    words = sorted(w for w, c in frequency.items() if 3 <= c <= 600)
    queries = set()
    while len(queries) < count:
        q = " ".join(rng.sample(words, rng.choice((1, 1, 2))))
        params = {"q": q, **({"year": str(rng.randint(2005, 2017))} if rng.random() < 0.2 else {})}
        queries.add(urlencode(params))
    return [f"/search/?{q}" for q in sorted(queries)]


def photo_paths(rng, count):
    from articles.models import MediaItem

    return [
        f"/media/{media_id}/"
        for _, media_id in random_rows(MediaItem, ["media_id"], rng, count, "AND media_id IS NOT NULL")
    ]


def cold_mix(folder, count, seed):
    """``count`` distinct addresses: 10 % searches, 55 % articles, 30 % lists, 5 % photos."""
    rng = random.Random(seed)
    searches = search_paths(folder, rng, count // 10)
    photos = photo_paths(rng, count // 20)
    lists = sorted(set(list_paths(rng, count * 3 // 10)))
    articles = article_paths(rng, count - len(searches) - len(photos) - len(lists))
    paths = sorted(set(searches + photos + lists + articles))
    rng.shuffle(paths)
    return paths


# Each of wrk's threads is one client with one connection: it takes its own share of the
# addresses (every 8th, from its own start) in an order of its own.
WRK_COLD_SCRIPT = """
local counter = 0
local threads = {}
setup = function(thread)
  thread:set("client", counter)
  counter = counter + 1
  table.insert(threads, thread)
end
init = function(args)
  urls = {}
  local n = 0
  for line in io.lines("%(file)s") do
    if n %% %(clients)d == client then urls[#urls + 1] = line end
    n = n + 1
  end
  math.randomseed(1000 + client)
  for i = #urls, 2, -1 do
    local j = math.random(i)
    urls[i], urls[j] = urls[j], urls[i]
  end
  i = 0
end
request = function()
  i = i %% #urls + 1
  return wrk.format("GET", urls[i])
end
response = function(status, headers, body)
  if status >= 400 then io.write(string.format("FAILED %%d %%s\\n", status, urls[i])) end
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%d %%d %%d %%d %%d %%.1f\\n", summary.requests, e.connect, e.read, e.write,
    e.status, e.timeout, summary.duration, latency:percentile(95)))
end
"""
