"""Ingest as operators run it, in real processes against a database of its own: killed with
``kill -9``, or run twice at once over overlapping folders."""

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from django.db import connection
from django.test import SimpleTestCase

from tests.helpers import ROOT

SEED = ROOT / "seeds" / "000_cf8551d73f26d5b1.txt"

# What the archive holds, and what its stored counts should be, read by a process of its own.
STATE = """
import json
from django.db.models import Count
from articles.models import Article, ArticleTag, ArchiveMonth, MediaItem, Tag
from django.db.models.functions import ExtractMonth, ExtractYear
tags = {t: n for t, n in ArticleTag.objects.values_list("tag").annotate(n=Count("*")).order_by()}
stored_tags = {pk: n for pk, n in Tag.objects.filter(article_count__gt=0).values_list("pk", "article_count")}
months = {f"{r['y']}-{r['m']}": r["n"] for r in Article.objects.exclude(published_on=None).annotate(
    y=ExtractYear("published_on"), m=ExtractMonth("published_on")).values("y", "m").annotate(n=Count("*")).order_by()}
stored_months = {f"{m.year}-{m.month}": m.article_count for m in ArchiveMonth.objects.all()}
print(json.dumps({
    "articles": Article.objects.count(),
    "urls": Article.objects.values("original_url").distinct().count(),
    "photos": MediaItem.objects.count(),
    "links": ArticleTag.objects.count(),
    "tag_counts_exact": {str(k): v for k, v in tags.items()} == {str(k): v for k, v in stored_tags.items()},
    "month_counts_exact": months == stored_months,
}))
"""


class ArchiveProcessMixin:
    """A database of the test's own (a file for SQLite, a new database on PostgreSQL) that
    ingest processes write to, as they would on a server."""

    def setUp(self):
        super().setUp()
        self.folder = Path(tempfile.mkdtemp())
        self.addCleanup(subprocess.run, ["rm", "-rf", str(self.folder)])
        self.env = {**os.environ, "DATABASE_URL": self.database_url(), "DJANGO_DEBUG": "1"}
        self.manage("migrate", "--noinput", "-v0")

    def database_url(self):
        settings = connection.settings_dict
        if connection.vendor == "sqlite":
            return f"sqlite:///{self.folder / 'archive.sqlite3'}"
        name = f"archive_proc_{uuid.uuid4().hex[:10]}"
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        self.addCleanup(self.drop_database, name)
        user = settings["USER"] or "root"
        return f"postgres://{user}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{name}"

    def drop_database(self, name):
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def manage(self, *args, check=True):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            check=check,
            capture_output=True,
            text=True,
            timeout=300,
        )

    def ingest_process(self, *args, output=subprocess.PIPE):
        return subprocess.Popen(
            [sys.executable, "manage.py", "ingest", "--no-progress", *args],
            cwd=ROOT,
            env=self.env,
            stdout=output,
            stderr=output,
            text=True,
        )

    def state(self):
        return json.loads(self.manage("shell", "-v0", "-c", STATE).stdout)

    def write_pages(self, folder, numbers, extra=""):
        text = SEED.read_text(encoding="utf-8")
        (self.folder / folder).mkdir(parents=True, exist_ok=True)
        for n in numbers:
            page = text.replace("Dozens of", f"Group {n} of").replace("55358541", str(55000000 + n % 50))
            name = f"article-theaawsat-news-middle-east-page-{n}.txt"
            (self.folder / folder / name).write_text(page + extra, encoding="utf-8")


def children(pid):
    """The live child processes of ``pid`` (Linux)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found += [int(p) for p in (task / "children").read_text().split()]
    return found


def kill(pids):
    for pid in pids:
        if alive(pid):
            os.kill(pid, signal.SIGKILL)


def alive(pid):
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


class KilledIngestTests(ArchiveProcessMixin, SimpleTestCase):
    databases = {"default"}

    def test_workers_die_with_a_killed_ingest_and_a_rerun_leaves_counts_exact(self):
        if not Path("/proc/self/task").exists():
            self.skipTest("needs Linux's /proc to find the worker processes")
        self.write_pages("pages", range(3000))
        # Its output goes nowhere: a pipe would be held open by any worker that outlived it.
        ingest = self.ingest_process(
            str(self.folder / "pages"), "--batch-size", "150", "--jobs", "2", output=subprocess.DEVNULL
        )
        deadline, workers = time.monotonic() + 60, []
        while len(workers) < 2 and time.monotonic() < deadline and ingest.poll() is None:
            workers = [pid for pid in children(ingest.pid) if alive(pid)]
            time.sleep(0.02)
        self.assertEqual(len(workers), 2, "the ingest started no worker processes")
        time.sleep(0.3)
        os.kill(ingest.pid, signal.SIGKILL)
        ingest.wait()
        deadline = time.monotonic() + 5
        while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        # Killed at once, never at the test's end: by then a dead worker's number may be another
        # process's (a parallel run's).
        survivors = [pid for pid in workers if alive(pid)]
        kill(survivors)
        self.assertFalse(survivors, "worker processes outlived the killed ingest")
        after_kill = self.state()["articles"]
        time.sleep(1)
        self.assertEqual(self.state()["articles"], after_kill, "something kept writing after the kill")
        rerun = self.manage("ingest", "--no-progress", str(self.folder / "pages"))
        self.assertIn("Files seen: 3,000", rerun.stdout)
        state = self.state()
        self.assertEqual(state["articles"], 3000)
        self.assertTrue(state["tag_counts_exact"])
        self.assertTrue(state["month_counts_exact"])


class ConcurrentIngestTests(ArchiveProcessMixin, SimpleTestCase):
    databases = {"default"}

    def test_two_ingests_of_overlapping_folders_at_once_duplicate_nothing(self):
        # The same pages in two crawls, the second with a fuller text of half of them.
        self.write_pages("crawl-1", range(0, 400))
        self.write_pages("crawl-2", range(200, 400), extra="\nA paragraph the second crawl kept.\n")
        self.write_pages("crawl-2", range(400, 600))
        first = self.ingest_process(str(self.folder / "crawl-1"), str(self.folder / "crawl-2"), "--batch-size", "50")
        second = self.ingest_process(str(self.folder / "crawl-2"), str(self.folder / "crawl-1"), "--batch-size", "50")
        for process in (first, second):
            out, err = process.communicate(timeout=300)
            self.assertEqual(process.returncode, 0, out + err)
            self.assertNotIn("Traceback", err)
        state = self.state()
        self.assertEqual(state["articles"], 600)
        self.assertEqual(state["urls"], 600)
        self.assertEqual(state["photos"], 50)
        self.assertTrue(state["tag_counts_exact"])
        self.assertTrue(state["month_counts_exact"])
        fuller = self.manage(
            "shell",
            "-v0",
            "-c",
            "from articles.models import Article; "
            "print(Article.objects.filter(body__contains='second crawl kept').count())",
        )
        self.assertEqual(fuller.stdout.strip(), "200")
