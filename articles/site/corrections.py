"""Readers suggest corrections: a form on every article and photo (no account needed), and the
public record of what editors accepted, a page and an Atom feed.

A suggestion changes nothing until an editor accepts it (admin/corrections.py, through
``editing``). The form is plain HTML that works without script; past a reader's limit, or the
site's ceiling, it is shown again with what was typed and says when to come back. A hidden
field that people leave empty and form-filling robots fill is the honeypot: such a suggestion
is thanked for and dropped.
"""

from django import forms
from django.contrib.syndication.views import Feed
from django.core.validators import URLValidator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.views.decorators.cache import never_cache

from .. import editing, widgets
from ..addresses import address
from ..models import Article, MediaItem, Section, Suggestion, Tag
from ..models.corrections import ARTICLE_FIELDS, FIELD_LABELS, PHOTO_FIELDS
from ..throttles import SuggestionCeiling, SuggestionThrottle
from .xmltext import xml_values

TEXT_LENGTH, NOTE_LENGTH, CONTINUATION_LENGTH = 500, 2000, 20_000
RECENT = 50


class SuggestionForm(forms.Form):
    """A suggestion's fields: those of an article or of a photo, then the evidence and the reader."""

    evidence = forms.CharField(
        label="Your evidence",
        required=False,
        max_length=NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Where you found it: a printed edition and its page, a document, your own knowledge.",
    )
    evidence_url = forms.CharField(
        label="A link to it",
        required=False,
        max_length=500,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text="Optional: an address where the editors can see it (https://…).",
    )
    note = forms.CharField(
        label="Anything else the editors should know",
        required=False,
        max_length=NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    name = forms.CharField(
        label="Your name, to credit you",
        required=False,
        max_length=100,
        help_text="Shown beside the correction if it is accepted; leave it empty to be credited as “a reader”.",
    )
    contact = forms.EmailField(
        label="Your email address",
        required=False,
        help_text="Optional, and never shown: for the editors to ask you about it.",
    )
    website = forms.CharField(label="Leave this empty", required=False, max_length=200)

    def __init__(self, target, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.target = target
        proposed = _article_fields(target) if isinstance(target, Article) else _photo_fields()
        self.fields = {**proposed, **self.fields}
        self.proposed_names = list(proposed)

    def clean(self):
        data = super().clean()
        if data.get("passage_now") and data.get("passage_now") not in self.target.body:
            self.add_error("passage_now", "This passage is not in the text: copy it exactly as the page shows it.")
        if bool(data.get("passage_now")) != bool(data.get("passage_should_read")):
            self.add_error("passage_should_read", "Give the passage as it reads now and as it should read.")
        if not self.errors and not self.proposed():
            raise forms.ValidationError("Change at least one thing: each box left as it is proposes nothing.")
        return data

    @property
    def is_robot(self):
        return bool(self.cleaned_data.get("website"))

    def proposed(self):
        """field -> value, for each field changed from what the page shows (see FIELD_LABELS)."""
        fields = ARTICLE_FIELDS if isinstance(self.target, Article) else PHOTO_FIELDS
        data, current = self.cleaned_data, editing.suggestion_current(self.target, fields)
        found = {}
        for name in ("title", "author", "section", "caption", "credit"):
            if name in data and data[name] and data[name] != current.get(name):
                found[name] = data[name]
        if data.get("published_on") and data["published_on"].isoformat() != current.get("published_on"):
            found["published_on"] = data["published_on"].isoformat()
        if data.get("tags_add"):
            found["tags_add"] = sorted({tag.slug for tag in data["tags_add"]} - set(current.get("tags_add", [])))
        if data.get("tags_remove"):
            found["tags_remove"] = sorted(data["tags_remove"])
        if data.get("passage_now") and data.get("passage_should_read") != data.get("passage_now"):
            found["passage"] = {"now": data["passage_now"], "should_read": data["passage_should_read"]}
        if data.get("continuation"):
            found["continuation"] = data["continuation"]
        return {name: value for name, value in found.items() if value}


class TagNamesField(forms.CharField):
    """Tags by their names, separated by commas; each must name one of the archive's tags."""

    def clean(self, value):
        text = super().clean(value)
        tags = []
        for name in filter(None, (part.strip() for part in (text or "").split(","))):
            tag = Tag.objects.filter(name__iexact=name).first()
            if tag is None:
                raise forms.ValidationError(
                    "No tag called “%(name)s”: give the names of the archive's tags.", params={"name": name}
                )
            tags.append(tag)
        return tags


def _article_fields(article):
    sections = [("", "Choose a section"), *Section.objects.order_by("name").values_list("slug", "name")]
    tags = list(article.tags.order_by("name").values_list("slug", "name"))
    fields = {
        "title": forms.CharField(label="Title", required=False, max_length=TEXT_LENGTH, initial=article.title),
        "published_on": forms.DateField(
            label="Date of publication",
            required=False,
            input_formats=["%Y-%m-%d"],
            widget=widgets.DateInput(format="%Y-%m-%d"),
            error_messages={"invalid": "Give a day as YYYY-MM-DD (2013-05-23)."},
            initial=article.published_on,
        ),
        "author": forms.CharField(
            label="Author", required=False, max_length=200, initial=article.author.name if article.author_id else ""
        ),
        "section": forms.ChoiceField(
            label="Section",
            required=False,
            choices=sections,
            initial=article.section.slug if article.section_id else "",
        ),
        "tags_add": TagNamesField(
            label="Tags to add",
            required=False,
            max_length=TEXT_LENGTH,
            help_text="Names of the archive's tags, separated by commas: Syria, Ceasefire.",
        ),
        "tags_remove": forms.MultipleChoiceField(
            label="Tags to remove", required=False, choices=tags, widget=forms.CheckboxSelectMultiple
        ),
        "passage_now": forms.CharField(
            label="A passage as it reads now",
            required=False,
            max_length=NOTE_LENGTH,
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text="Copy it from the page, exactly.",
        ),
        "passage_should_read": forms.CharField(
            label="The passage as it should read",
            required=False,
            max_length=NOTE_LENGTH,
            widget=forms.Textarea(attrs={"rows": 3}),
        ),
    }
    if article.is_truncated:
        fields["continuation"] = forms.CharField(
            label="The rest of the text",
            required=False,
            max_length=CONTINUATION_LENGTH,
            widget=forms.Textarea(attrs={"rows": 8}),
            help_text="This copy stops mid-text: if you have the whole article, give what follows.",
        )
    return fields


def _photo_fields():
    return {
        "caption": forms.CharField(
            label="Caption", required=False, max_length=NOTE_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
        ),
        "credit": forms.CharField(label="Credit", required=False, max_length=200),
    }


def _over_the_limit(request):
    """How long to wait when this client, or everyone together, has sent too many; else None."""
    for throttle_class in (SuggestionThrottle, SuggestionCeiling):
        throttle = throttle_class()
        if not throttle.allow_request(request, None):
            return throttle.wait() or 3600
    return None


# What a suggestion keeps of the reader's words besides the fields proposed.
ABOUT = ("evidence", "evidence_url", "note", "name", "contact")


def _suggest(request, target, page):
    if request.method != "POST":
        sent = request.GET.get("sent") == "1"
        return render(request, "articles/suggest.html", {**page, "form": SuggestionForm(target), "sent": sent})
    form = SuggestionForm(target, request.POST)
    wait = _over_the_limit(request)
    if wait is not None:
        form.is_valid()
        minutes = max(1, round(wait / 60))
        form.add_error(None, f"Too many suggestions came from your address: please try again in {minutes} minutes.")
        return render(request, "articles/suggest.html", {**page, "form": form}, status=429)
    if not form.is_valid():
        return render(request, "articles/suggest.html", {**page, "form": form}, status=400)
    if not form.is_robot:
        proposed = form.proposed()
        Suggestion.objects.create(
            **{"article" if isinstance(target, Article) else "photo": target},
            proposed=proposed,
            current=editing.suggestion_current(target, proposed),
            **{name: form.cleaned_data[name] for name in ABOUT},
        )
    return redirect(f"{request.path}?sent=1")


@never_cache
def suggest_article(request, pk):
    article = get_object_or_404(Article.objects.select_related("section", "author"), pk=pk)
    page = {"target": article, "kind": "article", "back": article.get_absolute_url(), "title": article.title}
    return _suggest(request, article, page)


@never_cache
def suggest_photo(request, pk):
    photo = get_object_or_404(MediaItem, pk=pk)
    title = f"Photo {photo.media_id}" if photo.media_id else "Photo"
    page = {"target": photo, "kind": "photo", "back": photo.get_absolute_url(), "title": title}
    return _suggest(request, photo, page)


def accepted():
    """Accepted suggestions, the most recently decided first, with their article or photo."""
    return (
        Suggestion.objects.filter(status=Suggestion.Status.ACCEPTED)
        .select_related("article", "photo")
        .order_by("-decided_at", "-id")
    )


def accepted_of(target):
    """[(suggestion, public_changes)] of the suggestions accepted for an article or a photo."""
    found = Suggestion.objects.filter(
        **{"article" if isinstance(target, Article) else "photo": target}, status=Suggestion.Status.ACCEPTED
    ).order_by("decided_at", "id")
    return [(suggestion, suggestion.public_changes()) for suggestion in found]


def corrections_page(request):
    """Every correction readers suggested and editors accepted, the latest first."""
    return render(request, "articles/corrections.html", {"corrections": accepted()[:RECENT]})


class CorrectionsFeed(Feed):
    """The corrections readers suggested and editors accepted, as Atom."""

    feed_type = Atom1Feed
    title = "ASHARQ AL-AWSAT English Archive 2005-2017: readers' corrections"
    subtitle = "Corrections readers suggested and the archive's editors checked and accepted."
    author_name = "Asharq Al-Awsat English Archive"

    def link(self):
        return address("articles:corrections")

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        feed.feed = xml_values(feed.feed)
        feed.items = [xml_values(item) for item in feed.items]
        return feed

    def items(self):
        return accepted()[:RECENT]

    def item_title(self, suggestion):
        return f"{suggestion.target}: {', '.join(FIELD_LABELS[name] for name in suggestion.accepted_fields)}"

    def item_link(self, suggestion):
        return suggestion.target.get_absolute_url()

    def item_guid(self, suggestion):
        return f"suggestion-{suggestion.pk}"

    def item_description(self, suggestion):
        lines = [f"{label}: was “{was}”, now “{now}”." for label, was, now in suggestion.public_changes()]
        lines.append(f"Suggested by {suggestion.credit}.")
        if suggestion.evidence:
            lines.append(f"Evidence: {suggestion.evidence}")
        return escape(" ".join(lines))

    def item_pubdate(self, suggestion):
        return suggestion.decided_at
