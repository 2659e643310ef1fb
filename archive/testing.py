"""The test runner: the suite measures views' real work, so the rendered-page cache is off."""
from django.conf import settings
from django.test.runner import DiscoverRunner


class TestRunner(DiscoverRunner):
    def setup_test_environment(self, **kwargs):
        super().setup_test_environment(**kwargs)
        settings.ARCHIVE_PAGE_CACHE_SECONDS = 0
