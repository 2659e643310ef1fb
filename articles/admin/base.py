"""What every editor's page shares: a versioned admin that compares versions and records the
state before an edit (``editing.record_current``), NUL refused in lists, text kept with its
paragraphs, and the autocomplete widgets that render their chosen options without a query."""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import BadRequest
from django.db import models
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from reversion_compare.admin import CompareVersionAdmin

from .. import editing
from ..paging import address_number


def photo_label(media):
    """How a photo is named where an editor chooses it: its Media ID and the start of its caption."""
    caption = Truncator(media.caption).chars(90)
    if media.media_id and caption:
        return f"{media.media_id} · {caption}"
    return caption or str(media)


class MultilineField(forms.CharField):
    """Text as the archive stores it: browsers send CRLF line ends, paragraphs split on LF."""

    def to_python(self, value):
        return super().to_python(value).replace("\r\n", "\n").replace("\r", "\n")


class ArchiveChangeList(ChangeList):
    """Django's changelist, refusing with a 400 a parameter holding NUL, which no database stores."""

    def __init__(self, request, *args, **kwargs):
        if any("\x00" in text for key, values in request.GET.lists() for text in [key, *values]):
            raise BadRequest("A parameter holds a NUL character.")
        super().__init__(request, *args, **kwargs)


class ArchiveVersionAdmin(CompareVersionAdmin):
    """A versioned admin, comparing versions field by field, that first saves the current state
    when the history does not hold it.

    Objects enter the archive through ingest, which records no history; without this, the
    first edit of an article could never be undone.
    """

    history_latest_first = True
    formfield_overrides = {models.TextField: {"form_class": MultilineField}}

    def get_changelist(self, request, **kwargs):
        return ArchiveChangeList

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "POST":
            self.record_current(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            self.record_current(request, object_id)
        return super().revision_view(request, object_id, version_id, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        if request.method == "POST":
            self.record_current(request, object_id)
        return super().delete_view(request, object_id, extra_context)

    def changelist_view(self, request, extra_context=None):
        # VersionAdmin wraps the list in one revision; the actions here record their own.
        context = {"has_change_permission": self.has_change_permission(request), **(extra_context or {})}
        return admin.ModelAdmin.changelist_view(self, request, context)

    def compare_CharField(self, obj_compare):
        """A short text as it was and as it became: a title diffed letter by letter is unreadable."""
        before, after = obj_compare.to_string()
        return format_html('<p class="highlight"><del>{}</del> → <ins>{}</ins></p>', before, after)

    def record_current(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and self.has_change_permission(request, obj):
            editing.record_current(obj)


class ChosenOptionsMixin:
    """An autocomplete widget that renders its chosen options from objects already loaded.

    Django's widget looks the chosen options up with one query per widget; in an inline that
    is a query per row. The form hands the widget the objects it holds (``chosen``).
    """

    chosen = None

    def optgroups(self, name, value, attr=None):
        selected = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        if self.chosen is None or selected != {str(obj.pk) for obj in self.chosen}:
            return super().optgroups(name, value, attr)
        options = (
            [] if self.is_required or self.allow_multiple_selected else [self.create_option(name, "", "", False, 0)]
        )
        for obj in self.chosen:
            label = self.choices.field.label_from_instance(obj)
            options.append(self.create_option(name, obj.pk, label, True, len(options)))
        return [(None, options, 0)]


class PhotoSelect(ChosenOptionsMixin, AutocompleteSelect):
    """Choose a photo by Media ID or caption; the results show both."""

    def get_url(self):
        return reverse(f"{self.admin_site.name}:articles_article_photo_autocomplete")


class TagSelectMultiple(ChosenOptionsMixin, AutocompleteSelectMultiple):
    def build_attrs(self, base_attrs, extra_attrs=None):
        # Each chosen tag has its own remove button; Select2's "clear all" cross would sit
        # inside the list of tags, where a list may hold only items.
        return {**super().build_attrs(base_attrs, extra_attrs), "data-allow-clear": "false"}


class PhotoAutocompleteView(AutocompleteJsonView):
    def serialize_result(self, obj, to_field_name):
        return {"id": str(getattr(obj, to_field_name)), "text": photo_label(obj)}


def id_param(value):
    """A parameter naming a row by its id, as a number; BadRequest when it is none."""
    number = address_number(value)
    if number is None:
        raise BadRequest("Not an id.")
    return number


class EditingDeleteMixin:
    """Deleting photos or tags goes through ``editing``, which re-indexes their articles."""

    delete = staticmethod(lambda queryset: None)

    def delete_model(self, request, obj):
        self.delete(type(obj).objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        self.delete(queryset)
