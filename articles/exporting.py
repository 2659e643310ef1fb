"""Every match, taken away: CSV and JSON Lines of any list or search, and of the whole archive.

Rows are read in batches and written as they are read, so memory holds one batch whatever the
number of matches: a list walks its keyset (each batch seeks past the last row of the one
before, on the list's index), a search walks the engine's matches in date order
(``search.ids_by_date``). The fields are the API's serializers', so an export, a JSON Lines
line and an API response give an article the same way.
"""

from __future__ import annotations

import csv
import hashlib
import itertools
import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.core.serializers.json import DjangoJSONEncoder
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify

from . import search
from .citing import ARCHIVE
from .models import Article
from .paging import Keyset
from .records import MODELS, SERIALIZERS, ArticleSerializer, CsvColumns, links_attach

BATCH = 500
CHUNK_BYTES = 64 * 1024
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    # The same CSV, begun with a byte order mark: Excel then reads it as UTF-8, not as the
    # system's code page (which turns every accent and every Arabic name into mojibake).
    "excel.csv": "text/csv; charset=utf-8",
    "jsonl": "application/jsonl; charset=utf-8",
}
BYTE_ORDER_MARK = "\ufeff"
# The parameters a download's file name gives, in this order, and how long the name may grow.
NAMED_PARAMS = (
    "q",
    "section",
    "author",
    "tag",
    "year",
    "month",
    "from",
    "to",
    "agency",
    "has_photo",
    "numbered",
    "order",
)
NAME_PART_LENGTH, NAME_LENGTH = 40, 150
KEYSETS = {"articles": ["-sort_date", "-id"], "photos": ["-id"], "tags": ["name"], "sections": ["name", "id"]}
KEYSETS["authors"] = KEYSETS["sections"]


def keyset_batches(queryset, fields, batch=None) -> Iterator[list]:
    """The queryset's rows in ``fields`` order, ``batch`` (BATCH) at a time, each batch one seek
    on the index past the last row of the one before (never OFFSET, never the whole result)."""
    batch = batch or BATCH
    keyset = Keyset(fields)
    ordered = queryset.order_by(*keyset.ordering())
    rows = list(ordered[:batch])
    while rows:
        yield rows
        if len(rows) < batch:
            return
        rows = list(ordered.filter(keyset.beyond(keyset.key_of(rows[-1])))[:batch])


def search_batches(query, filters, order) -> Iterator[list]:
    """Every match of a search as whole articles, in date order (newest first, or oldest first
    when asked), a batch at a time."""
    for ids in search.ids_by_date(query, filters, "oldest" if order == "oldest" else "newest", BATCH):
        by_pk = Article.objects.whole().in_bulk(ids)
        yield links_attach([by_pk[pk] for pk in ids if pk in by_pk])


def article_batches(queryset, fields) -> Iterator[list]:
    """Articles of a list in keyset batches, each given its tags and photos."""
    for batch in keyset_batches(queryset.whole(), fields):
        yield links_attach(batch)


def records(batches: Iterable[list], serializer_class=ArticleSerializer, context=None) -> Iterator[dict]:
    """Each row as its serializer gives it, one at a time: one serializer for the whole export
    (building one copies its fields), and a row goes out without waiting for its batch."""
    serializer = serializer_class(context=context or {})
    for batch in batches:
        for row in batch:
            yield serializer.to_representation(row)


class _Line:
    """A file-like object whose write returns the text: csv.writer then makes one line at a time."""

    def write(self, text):
        return text


def csv_lines(items: Iterable[dict], serializer_class=ArticleSerializer) -> Iterator[str]:
    columns = CsvColumns(serializer_class)
    writer = csv.writer(_Line())
    yield writer.writerow(columns.names)
    for record in items:
        yield writer.writerow(columns.row(record))


def jsonl_lines(items: Iterable[dict]) -> Iterator[str]:
    for record in items:
        yield json.dumps(record, ensure_ascii=False, cls=DjangoJSONEncoder) + "\n"


def lines(items, fmt, serializer_class=ArticleSerializer):
    if fmt == "jsonl":
        return jsonl_lines(items)
    found = csv_lines(items, serializer_class)
    if fmt == "excel.csv":
        found = itertools.chain([BYTE_ORDER_MARK + next(found)], found)
    return found


def file_name(kind, params, fmt, today):
    """What a download is called: what it holds, its filters and the day it was made, as in
    asharq-al-awsat-search-syria-ceasefire-2016-2026-12-07.csv."""
    parts = ["asharq-al-awsat", kind]
    for name in NAMED_PARAMS:
        value = params.get(name)
        if value and name in ("has_photo", "numbered"):
            parts.append(name.replace("_", "-"))
        elif value and name == "order":
            parts.append(f"{value}-first" if value in ("newest", "oldest") else f"by-{value}")
        elif value:
            parts.append(slugify(value, allow_unicode=True)[:NAME_PART_LENGTH].strip("-"))
    stem = "-".join(part for part in parts if part)[:NAME_LENGTH].strip("-")
    ending = fmt if fmt == "about.json" else fmt.rsplit(".", 1)[-1]
    return f"{stem}-{today.isoformat()}.{ending}"


def sidecar(kind, params, *, count, files, page, api, made_at, state):
    """What a download holds, for whoever reads it later: the list or search and its filters,
    how many rows, when, and the archive's state then (its change log's last entry and its
    article count: the same download of the same state holds the same rows). The JSON saved
    beside a CSV or JSON Lines file so that the file can be cited and made again."""
    return {
        "archive": ARCHIVE,
        "holds": kind,
        "parameters": {
            name: params.getlist(name) if len(params.getlist(name)) > 1 else params[name] for name in params
        },
        "order": _export_order(kind, params),
        "rows": count,
        "made_at": made_at.isoformat(timespec="seconds"),
        "archive_state": state,
        "files": files,
        "page": page,
        "api": api,
        "file_name": file_name(kind, params, "about.json", made_at.date()),
    }


def _export_order(kind, params):
    """The rows' order in the download: a search's and the photos' are by date, newest first
    unless the oldest are asked for first; an article list's is the list's own."""
    order = params.get("order")
    if kind == "articles":
        return order or "newest"
    return "oldest" if order == "oldest" and kind == "search" else "newest"


def chunks(texts: Iterable[str], size=None) -> Iterator[bytes]:
    """The texts encoded and joined into pieces of about ``size`` (CHUNK_BYTES) bytes: one
    write to the client per piece rather than per line. The first text (a CSV's header) goes
    alone, at once: the download starts before the first batch is read."""
    size = size or CHUNK_BYTES
    texts = iter(texts)
    first = next(texts, None)
    if first is None:
        return
    yield first.encode("utf-8")
    pending, length = [], 0
    for text in texts:
        data = text.encode("utf-8")
        pending.append(data)
        length += len(data)
        if length >= size:
            yield b"".join(pending)
            pending, length = [], 0
    if pending:
        yield b"".join(pending)


def streamed(batches, fmt, kind, request, serializer_class=ArticleSerializer):
    """A download of every row the batches give, written as they are read, named for what it
    holds (``file_name``)."""
    items = records(batches, serializer_class, {"request": request})
    response = StreamingHttpResponse(chunks(lines(items, fmt, serializer_class)), content_type=FORMATS[fmt])
    name = file_name(kind, request.GET, fmt, timezone.localdate())
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["X-Robots-Tag"] = "noindex"
    return response


# --- The whole archive (manage.py export) ----------------------------------------------------


def archive_write(folder: Path, fmt: str, progress=None):
    """Write every article, photo, tag, section and author to ``folder`` (one file each), then
    manifest.json (records, bytes and SHA-256 of each file) and SHA256SUMS (for
    ``sha256sum -c``). ``progress(n)`` is told of each batch written. Returns the manifest."""
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for name, serializer_class in SERIALIZERS.items():
        if name == "articles":
            batches = article_batches(Article.objects.all(), KEYSETS[name])
        else:
            batches = keyset_batches(MODELS[name].objects.all(), KEYSETS[name])
        files.append(_file_write(folder / f"{name}.{fmt}", fmt, serializer_class, batches, progress))
    manifest = {"format": fmt, "created": timezone.now().isoformat(), "files": files}
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    sums = "".join(f"{f['sha256']}  {f['name']}\n" for f in files)
    (folder / "SHA256SUMS").write_text(sums, encoding="utf-8")
    return manifest


def _file_write(path, fmt, serializer_class, batches, progress):
    digest, size, count = hashlib.sha256(), 0, 0

    def counted():
        nonlocal count
        for batch in batches:
            yield batch
            count += len(batch)
            if progress:
                progress(len(batch))

    with open(path, "wb") as out:
        for line in lines(records(counted(), serializer_class), fmt, serializer_class):
            data = line.encode("utf-8")
            out.write(data)
            digest.update(data)
            size += len(data)
    return {"name": path.name, "records": count, "bytes": size, "sha256": digest.hexdigest()}
