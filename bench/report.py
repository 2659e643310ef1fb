"""The benchmark's table: one row per figure, beside its goal."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def load_figures(run):
    return f"{run['requests_per_second']}, {run['p95_ms']}, {run['errors']}"


def report(results):
    """Print the table of ``results``: a row per figure, beside its goal."""
    database = "SQLite" if results.get("database") == "sqlite" else "PostgreSQL"
    print(f"\nArchive benchmark at {results['n']:,} generated articles ({database}, {os.cpu_count()} cores)")
    print(f"{'measure':<50} {'value':>18}   goal")
    rows = []
    for part in (ingest_rows, cold_rows, ceiling_rows, page_rows, search_rows, load_rows, export_rows, api_rows):
        rows += part(results)
    for name, value, goal in rows:
        print(f"{name:<50} {value:>18}   {goal}")


def ingest_rows(results):
    ingest = results.get("ingest")
    if not ingest:
        return []
    first, unchanged = ingest["first"], ingest["unchanged"]
    return [
        ("ingest, first run (files/s)", f"{first['files_per_second']:,}", "≥ 2,000"),
        ("ingest, unchanged re-run (files/s)", f"{unchanged['files_per_second']:,}", "≥ 20,000"),
        (
            "ingest, peak memory first / unchanged (MB)",
            f"{first['peak_memory_mb']} / {unchanged['peak_memory_mb']}",
            "",
        ),
        (
            "  of it the processes' own (MB)",
            f"{first.get('peak_own_memory_mb')} / {unchanged.get('peak_own_memory_mb')}",
            "flat in N",
        ),
    ]


def cold_rows(results):
    cold = results.get("cold_pages")
    rows = []
    for name in ("article", "article_new_connection", "list", "list_new_connection") if cold else ():
        f = cold[name]
        rows.append(
            (
                f"first visit, {name.replace('_', ' ')}: median / p95 ms, CPU, q",
                f"{f['median_ms']} / {f['p95_ms']}, {f['median_cpu_ms']}, {f['max_queries']} q",
                "≤ 10 ms, ≤ 6 q" if "new" not in name else "",
            )
        )
    return rows


def ceiling_rows(results):
    ingest, ceiling = results.get("ingest"), results.get("ceiling")
    if not (ingest and ceiling):
        return []
    return [
        (
            "ceiling: COPY + search index (files/s)",
            f"{ceiling['files_per_second']:,}",
            f"{ceiling['copy_seconds']} s + {ceiling['search_index_seconds']} s",
        ),
        (
            "ingest, first run / ceiling",
            f"{ingest['first']['files_per_second'] / ceiling['files_per_second']:.0%}",
            "≥ 80 % (or ≥ 2,000 files/s)",
        ),
    ]


def page_rows(results):
    pages = results.get("pages")
    if not pages:
        return []
    rows = []
    for name in ("home", "article", "list_first", "list_last", "tag_first", "tag_last", "year_last", "photo"):
        goal = {"article": "≤ 10 ms, ≤ 6 q"}.get(name, "≤ 25 ms" if "list" in name or "tag" in name else "")
        rows.append(
            (f"{name.replace('_', ' ')} (ms, queries)", f"{pages[name]['ms']} ms, {pages[name]['queries']} q", goal)
        )
    rows.append(
        ("list: last page / first page", f"{pages['list_last']['ms'] / pages['list_first']['ms']:.2f}", "≤ 1.5")
    )
    return rows


def search_rows(results):
    search, old = results.get("search"), results.get("old_design")
    rows = []
    if search:
        naive = search["naive_icontains"]
        rows += [
            (
                f"search p50 / p95 ({search['queries']} queries, ms)",
                f"{search['p50_ms']} / {search['p95_ms']}",
                "p95 ≤ 150",
            ),
            ("naive icontains p50 / p95 (ms)", f"{naive['p50_ms']} / {naive['p95_ms']}", ""),
            ("icontains p50 / our p50", f"{naive['p50_ms'] / search['p50_ms']:.0f}×", "large"),
        ]
    if old:
        rows.append(
            ("old design (tsvector, newest 2,000) p50 / p95 ms", f"{old['p50_ms']} / {old['p95_ms']}", "SQL only")
        )
    return rows


def load_rows(results):
    load = results.get("load")
    if not load:
        return []
    return [
        (
            f"cold mix ({load['cold_urls']:,} pages): req/s, p95 ms, errors",
            load_figures(load["cold"]),
            "≥ 300, ≤ 100, 0",
        ),
        ("cold mix while ingesting: req/s, p95 ms, errors", load_figures(load["cold_during_ingest"]), "≥ 150, 0"),
        ("small mix, page cache: req/s, p95 ms, errors", load_figures(load["steady"]), ""),
        ("  same without the page cache", load_figures(load["uncached"]), ""),
    ]


def export_rows(results):
    export = results.get("export")
    rows = []
    for name, count in (("search_csv", "matches"), ("all_articles_csv", "articles")) if export else ():
        run = export[name]
        label = f"CSV of every match of '{export['word']}'" if name == "search_csv" else "CSV of every article"
        rows += [
            (f"{label} (rows, MB)", f"{export[count]:,}, {run['megabytes']}", ""),
            ("  first byte ms, total s", f"{run['first_byte_ms']}, {run['total_s']}", ""),
            ("  worker RSS before / peak (MB)", f"{run['worker_rss_before_mb']} / {run['worker_rss_peak_mb']}", ""),
        ]
    return rows


def api_rows(results):
    api = results.get("api")
    return [
        (f"API {name} p50 / p95 (ms)", f"{api[name]['p50_ms']} / {api[name]['p95_ms']}", "")
        for name in (("article", "list", "search") if api else ())
    ]
