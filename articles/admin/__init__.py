"""The staff side of the archive: Django admin for articles, photos, tags, sections, authors and
the original site's listing pages. Declarative: every write goes through ``editing``.

History is django-reversion's. Every save in the admin records a revision, and an article's
revision holds its tag and photo links too, so an earlier version can be viewed and restored
whole; django-reversion-compare shows what changed between two versions, field by field.

    base.py       the versioned admin, its change list and widgets
    articles.py   articles; photos.py photos; tags.py tags, sections, authors; listings.py
    corrections.py  the queue of readers' suggested corrections
"""

from django.contrib import admin

from . import articles, corrections, listings, photos, tags

__all__ = ["articles", "corrections", "listings", "photos", "tags"]

admin.site.site_header = "ASHARQ AL-AWSAT English Archive: editors"
admin.site.site_title = "Archive editors"
admin.site.index_title = "The archive's content"
# The list of models beside every page takes a quarter of a 1280 px screen from the article
# list's titles; the breadcrumbs and the index lead to the models as well.
admin.site.enable_nav_sidebar = False
