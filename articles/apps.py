from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Archive"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Deleting an article, a photo, a section or an author logs it for the search index
        # (the signal receivers of ``changes``).
        from . import changes  # noqa: F401
