"""What the database and the search index allow: the ingest's rows written by COPY.

The rows a first ingest stored are copied out of its database (not timed), then into a fresh
database of the same schema, tables, constraints and indexes by COPY in one transaction, and the
search index is built from them: no parsing, no tagging, no ORM. Its files/s is the ceiling an
ingest could reach were Python free; the ingest's files/s over it says how close it comes.
"""

import os
import shutil
import tempfile
import time
from pathlib import Path

from common import drop_database, fresh_database, manage, timed_command

# Parents before children: the foreign keys are checked as the rows arrive.
TABLES = [
    "articles_section",
    "articles_author",
    "articles_tag",
    "articles_mediaitem",
    "articles_article",
    "articles_articlemedia",
    "articles_articletag",
    "articles_archivemonth",
    "articles_listingpage",
    "articles_listingitem",
    "articles_pagefile",
    "articles_searchchange",
]


def bench_ceiling(n, source_url):
    import psycopg

    target_url = fresh_database(f"archive_bench_{n}_ceiling")
    manage(["migrate", "--noinput", "-v0"], target_url, check=True)
    dump = Path(tempfile.mkdtemp(prefix="archive-ceiling-"))
    index = Path(tempfile.mkdtemp(prefix="archive-ceiling-index-"))
    try:
        with psycopg.connect(source_url) as source:
            for table in TABLES:
                with (dump / table).open("wb") as out, source.cursor().copy(f"COPY {table} TO STDOUT") as copy:
                    for block in copy:
                        out.write(block)
        with psycopg.connect(target_url) as target:
            # Rows the migrations seed (tags) would collide with the copied ones.
            target.execute(f"TRUNCATE {', '.join(TABLES)} CASCADE")
            target.commit()
            started = time.monotonic()
            for table in TABLES:
                with (dump / table).open("rb") as rows, target.cursor().copy(f"COPY {table} FROM STDIN") as copy:
                    while block := rows.read(1 << 20):
                        copy.write(block)
            target.commit()
            copy_seconds = time.monotonic() - started
        os.environ["ARCHIVE_SEARCH_INDEX_DIR"] = str(index)
        try:
            index_seconds, _, _, _ = timed_command(["search_index", "--rebuild"], target_url)
        finally:
            os.environ.pop("ARCHIVE_SEARCH_INDEX_DIR")
    finally:
        shutil.rmtree(dump, ignore_errors=True)
        shutil.rmtree(index, ignore_errors=True)
        drop_database(f"archive_bench_{n}_ceiling")
    seconds = copy_seconds + index_seconds
    result = {
        "copy_seconds": round(copy_seconds, 1),
        "search_index_seconds": round(index_seconds, 1),
        "files_per_second": round(n / seconds),
    }
    print(f"  ceiling (COPY + search index): {result}", flush=True)
    return result
