from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Archive"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Deleting an article or a photo logs it for the search index (services' signal receivers).
        from . import services  # noqa: F401
