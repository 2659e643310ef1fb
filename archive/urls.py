"""The archive's URLs: the reader's pages, the JSON API, the legacy URLs of the original site and the admin."""

from django.contrib import admin
from django.urls import include, path

from articles.throttles import LoginThrottle, throttled

urlpatterns = [
    # The staff login, its attempts limited per address before the admin's own pattern answers.
    path("admin/login/", throttled(LoginThrottle, methods={"POST"})(admin.site.login)),
    path("admin/", admin.site.urls),
    path("api/v1/", include("articles.api.urls")),
    path("", include("articles.site.urls")),
]

handler404 = "articles.site.system.not_found"
handler500 = "articles.site.system.server_error"
