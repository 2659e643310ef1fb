"""The test runner: the suite measures views' real work, so the rendered-page cache is off; it
reads static files from their folders, so it needs no prior `collectstatic` (one test,
test_serving.StaticFilesTests, runs collectstatic and the production manifest storage); login
throttling is off, so that `client.login()` works without a request, as django-axes documents
(test_admin.LoginThrottleTests turns it on), and so is the bound on downloads streamed at once,
as a test reads only the downloads it looks at (site/test_downloads turns it on). The search
index lives in a temporary folder, one per worker process when the suite runs in parallel
(``--parallel``), as each has its database.
Readers' pages, rendered by Jinja2, report their template and context to the test client as
Django's templates do (``response.context``, ``assertTemplateUsed``).

A passing run prints its dots and a summary: the 4xx answers the tests ask for on purpose are
not logged (a 5xx still is), and the tests skipped are counted by their reason.
"""

import logging
import multiprocessing
import os
import shutil
import tempfile
import unittest
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.test import runner as django_runner
from django.test.runner import DiscoverRunner, ParallelTestSuite, RemoteTestResult, RemoteTestRunner
from django.test.signals import template_rendered
from django.test.utils import override_settings
from jinja2 import Template as JinjaTemplate

# Loggers of the answers refused on purpose: 404s, 400s and 403s, each with its stack.
QUIET_LOGGERS = ("django.request", "django.security")


def instrumented_jinja_render(self, *args, **kwargs):
    """What django.test.utils.instrumented_test_render does for Django's templates."""
    template_rendered.send(sender=self, template=self, context=dict(*args, **kwargs))
    return JinjaTemplate._original_render(self, *args, **kwargs)


def _init_worker(counter, *args, **kwargs):
    """Django's set-up of a worker process, then a search index folder of the worker's own.

    The worker may start processes, as an ingest does: the pool makes its workers daemons, which
    multiprocessing forbids children, and ends them itself when the run is over."""
    multiprocessing.current_process().daemon = False
    django_runner._init_worker(counter, *args, **kwargs)
    folder = Path(settings.ARCHIVE_SEARCH_INDEX_DIR) / f"worker-{django_runner._worker_id}"
    folder.mkdir(parents=True, exist_ok=True)
    settings.ARCHIVE_SEARCH_INDEX_DIR = str(folder)
    os.environ["ARCHIVE_SEARCH_INDEX_DIR"] = str(folder)  # for the servers and commands tests start


class CacheIsolation:
    """Each test starts with an empty cache: a page, a count or a version kept by an earlier test
    of the same process, from rows its transaction rolled back, must not answer for this one's."""

    def startTest(self, test):
        cache.clear()
        super().startTest(test)


class IsolatedTextResult(CacheIsolation, unittest.TextTestResult):
    pass


class IsolatedRemoteResult(CacheIsolation, RemoteTestResult):
    pass


class IsolatedRemoteRunner(RemoteTestRunner):
    resultclass = IsolatedRemoteResult


class ArchiveParallelTestSuite(ParallelTestSuite):
    init_worker = _init_worker
    runner_class = IsolatedRemoteRunner


class TestRunner(DiscoverRunner):
    parallel_test_suite = ArchiveParallelTestSuite

    def get_resultclass(self):
        return super().get_resultclass() or IsolatedTextResult

    def setup_test_environment(self, **kwargs):
        super().setup_test_environment(**kwargs)
        JinjaTemplate._original_render = JinjaTemplate.render
        JinjaTemplate.render = instrumented_jinja_render
        storages = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
        self.search_index = tempfile.mkdtemp(prefix="archive-search-test-")
        os.environ["ARCHIVE_SEARCH_INDEX_DIR"] = self.search_index  # for the servers tests start
        # No STATIC_ROOT either, so that whitenoise does not look for collectstatic's output.
        self.test_settings = override_settings(
            ARCHIVE_PAGE_CACHE_SECONDS=0,
            STORAGES=storages,
            STATIC_ROOT=None,
            AXES_ENABLED=False,
            ARCHIVE_EXPORTS_AT_ONCE=10**6,
            ARCHIVE_SEARCH_INDEX_DIR=self.search_index,
        )
        self.test_settings.enable()
        self.quieted = {name: logging.getLogger(name).level for name in QUIET_LOGGERS}
        for name in QUIET_LOGGERS:
            logging.getLogger(name).setLevel(logging.ERROR)

    def teardown_test_environment(self, **kwargs):
        for name, level in self.quieted.items():
            logging.getLogger(name).setLevel(level)
        self.test_settings.disable()
        shutil.rmtree(self.search_index, ignore_errors=True)
        JinjaTemplate.render = JinjaTemplate._original_render
        del JinjaTemplate._original_render
        super().teardown_test_environment(**kwargs)

    def suite_result(self, suite, result, **kwargs):
        if result.skipped and self.verbosity >= 1:
            reasons = Counter(reason for _, reason in result.skipped)
            lines = [f"  {count} × {reason}" for reason, count in reasons.most_common()]
            self.log("Skipped:\n" + "\n".join(lines))
        return super().suite_result(suite, result, **kwargs)
