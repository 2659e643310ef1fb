"""The test runner: the suite measures views' real work, so the rendered-page cache is off; it
reads static files from their folders, so it needs no prior `collectstatic` (one test,
test_serving.StaticFilesTests, runs collectstatic and the production manifest storage); and login
throttling is off, so that `client.login()` works without a request, as django-axes documents
(test_admin.LoginThrottleTests turns it on)."""

from django.conf import settings
from django.test.runner import DiscoverRunner
from django.test.utils import override_settings


class TestRunner(DiscoverRunner):
    def setup_test_environment(self, **kwargs):
        super().setup_test_environment(**kwargs)
        storages = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
        # No STATIC_ROOT either, so that whitenoise does not look for collectstatic's output.
        self.test_settings = override_settings(
            ARCHIVE_PAGE_CACHE_SECONDS=0, STORAGES=storages, STATIC_ROOT=None, AXES_ENABLED=False
        )
        self.test_settings.enable()

    def teardown_test_environment(self, **kwargs):
        self.test_settings.disable()
        super().teardown_test_environment(**kwargs)
