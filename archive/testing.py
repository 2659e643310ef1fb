"""The test runner: the suite measures views' real work, so the rendered-page cache is off; it
reads static files from their folders, so it needs no prior `collectstatic` (one test,
test_serving.StaticFilesTests, runs collectstatic and the production manifest storage); and login
throttling is off, so that `client.login()` works without a request, as django-axes documents
(test_admin.LoginThrottleTests turns it on). The search index lives in a temporary folder.
Readers' pages, rendered by Jinja2, report their template and context to the test client as
Django's templates do (``response.context``, ``assertTemplateUsed``)."""

import os
import shutil
import tempfile

from django.conf import settings
from django.test.runner import DiscoverRunner
from django.test.signals import template_rendered
from django.test.utils import override_settings
from jinja2 import Template as JinjaTemplate


def instrumented_jinja_render(self, *args, **kwargs):
    """What django.test.utils.instrumented_test_render does for Django's templates."""
    template_rendered.send(sender=self, template=self, context=dict(*args, **kwargs))
    return JinjaTemplate._original_render(self, *args, **kwargs)


class TestRunner(DiscoverRunner):
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
            ARCHIVE_SEARCH_INDEX_DIR=self.search_index,
        )
        self.test_settings.enable()

    def teardown_test_environment(self, **kwargs):
        self.test_settings.disable()
        shutil.rmtree(self.search_index, ignore_errors=True)
        JinjaTemplate.render = JinjaTemplate._original_render
        del JinjaTemplate._original_render
        super().teardown_test_environment(**kwargs)
