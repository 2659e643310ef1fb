"""downloads: a server process streams at most so many downloads at once, answers more with 503
at once, and lets go of a client that stops reading. In the test client, and against gunicorn
(DEBUG off), where clients that open downloads and never read once held every thread."""

import gc
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

from django.core.signals import request_finished
from django.db import close_old_connections
from django.test import SimpleTestCase, TestCase, override_settings

from articles.site.downloads import SLOTS

from ..helpers import make_articles
from ..ingest.test_processes import ROOT, ArchiveProcessMixin

UNLIMITED = "1000000/minute"


@override_settings(ARCHIVE_EXPORTS_AT_ONCE=1, ARCHIVE_EXPORT_ANON_RATE=UNLIMITED)
class SlotTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        make_articles(30)

    def setUp(self):
        gc.collect()  # the downloads other tests dropped unread give their places back
        self.assertEqual(SLOTS.taken, 0)

    def test_one_download_at_a_time_and_the_next_is_told_to_come_back(self):
        first = self.client.get("/articles/export.csv")
        self.assertEqual(first.status_code, 200)
        with self.assertLogs("django.request", "ERROR"):  # a 503 is logged, as every 5xx
            busy = self.client.get("/articles/export.jsonl")
        self.assertEqual(busy.status_code, 503)
        self.assertEqual(busy["Retry-After"], "60")
        self.assertIn("as many downloads as it can", busy.content.decode())
        self.assertEqual(len(b"".join(first.streaming_content).splitlines()), 31)
        self.assertEqual(self.client.get("/articles/export.csv").status_code, 200)

    def test_a_download_closed_unread_gives_its_place_back(self):
        close_unread(self.client.get("/articles/export.csv"))
        self.assertEqual(SLOTS.taken, 0)
        close_unread(self.client.get("/search/export.csv", {"q": "generated"}))
        self.assertEqual(SLOTS.taken, 0)

    def test_a_refused_download_takes_no_place(self):
        self.assertEqual(self.client.get("/articles/export.csv", {"year": "x"}).status_code, 400)
        self.assertEqual(SLOTS.taken, 0)


def close_unread(response):
    """Close a response as a server does when its client goes away: without the end of request's
    clean-up of connections, which would end the test's transaction (as Django's test client
    closes the responses it reads)."""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class StalledClientTests(ArchiveProcessMixin, SimpleTestCase):
    """One gunicorn process of three threads that streams one download at a time and lets a
    client go after two seconds without reading."""

    databases = {"default"}
    SEND_TIMEOUT = 2

    def setUp(self):
        super().setUp()
        # 400 articles of 14 kB: more than the connection's buffers hold, so a send blocks.
        self.write_pages("pages", range(400), extra="\n" + "A paragraph long enough to fill buffers. " * 340 + "\n")
        self.manage("ingest", "--no-progress", str(self.folder / "pages"))
        self.port = free_port()
        env = {
            **self.env,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "downloads-test-secret-key-of-enough-length-and-variety-0123456789",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "ARCHIVE_LOCAL_CACHE": "1",
            "REDIS_URL": "",
            "ARCHIVE_EXPORTS_AT_ONCE": "1",
            "ARCHIVE_SEND_TIMEOUT_SECONDS": str(self.SEND_TIMEOUT),
            "ARCHIVE_EXPORT_ANON_RATE": UNLIMITED,
            "ARCHIVE_SEARCH_INDEX_DIR": str(self.folder / "search-index"),
        }
        command = ["gunicorn", "archive.wsgi", "--workers", "1", "--worker-class", "gthread", "--threads", "3"]
        server = subprocess.Popen(
            [sys.executable, "-m", *command, "--bind", f"127.0.0.1:{self.port}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.addCleanup(server.wait, timeout=30)
        self.addCleanup(server.terminate)
        deadline = time.monotonic() + 30
        while self.status("/health/", timeout=2) != 200:
            self.assertIsNone(server.poll(), "the server exited")
            self.assertLess(time.monotonic(), deadline, "the server did not start")
            time.sleep(0.2)

    def status(self, path, timeout=10):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=timeout) as response:
                response.read()
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except OSError:
            return None

    def stalled_download(self):
        """A client that asks for a download and reads nothing."""
        client = socket.socket()
        client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        client.connect(("127.0.0.1", self.port))
        client.sendall(b"GET /articles/export.jsonl HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        self.addCleanup(client.close)
        return client

    def test_clients_that_never_read_leave_the_server_answering_and_are_let_go(self):
        stalled = [self.stalled_download() for _ in range(4)]
        time.sleep(1)
        started = time.monotonic()
        self.assertEqual(self.status("/health/"), 200)
        self.assertEqual(self.status("/api/v1/sections/"), 200)
        self.assertLess(time.monotonic() - started, 5, "readers wait on the stalled downloads")
        # The one download streaming is let go once it has not been read for the send timeout,
        # and the next client gets its place.
        deadline = time.monotonic() + self.SEND_TIMEOUT + 20
        while (answer := self.status("/articles/export.csv", timeout=30)) == 503:
            self.assertLess(time.monotonic(), deadline, "the stalled download kept its place")
            time.sleep(0.5)
        self.assertEqual(answer, 200)
        received = [self.drain(client) for client in stalled]
        self.assertEqual(sum(b" 200 OK" in head for head, _ in received), 1)
        self.assertEqual(sum(b" 503 Service Unavailable" in head for head, _ in received), 3)
        cut_short = next(size for head, size in received if b" 200 OK" in head)
        self.assertLess(cut_short, 400 * 14_000, "the stalled download was sent to its end")

    @staticmethod
    def drain(client):
        """The response's head and how many bytes came, read until the server closes."""
        client.settimeout(10)
        data = bytearray()
        try:
            while chunk := client.recv(65536):
                data += chunk
        except (TimeoutError, ConnectionResetError):
            pass
        return bytes(data[:200]), len(data)
