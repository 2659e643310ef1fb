"""The editors' queue of readers' suggested corrections: pending ones first, newest first, each
showing what the archive holds now beside what the reader saw and proposes (a text as a diff),
with the evidence; an editor accepts all or some of it, rejects it with a reason, or marks it a
duplicate. Deciding goes through ``editing``; everything a reader typed is shown escaped, and
no link of theirs is made live."""

import difflib

from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html, format_html_join

from .. import editing
from ..models import Suggestion
from ..models.corrections import FIELD_LABELS
from .base import ArchiveChangeList

DECISIONS = [
    ("", "Leave it waiting"),
    ("accept", "Accept the fields ticked below"),
    ("reject", "Reject it"),
    ("duplicate", "Mark it a duplicate"),
]


class ProposedFieldFilter(admin.SimpleListFilter):
    title = "field proposed"
    parameter_name = "field"

    def lookups(self, request, model_admin):
        return list(FIELD_LABELS.items())

    def queryset(self, request, queryset):
        if self.value() in FIELD_LABELS:
            return queryset.filter(proposed__has_key=self.value())
        return queryset


class DecisionForm(forms.ModelForm):
    decision = forms.ChoiceField(choices=DECISIONS, required=False, label="Decision")
    accept_fields = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, label="Fields to accept"
    )
    text_complete = forms.BooleanField(
        required=False, label="With this continuation the text is complete (it is no longer marked cut short)"
    )
    confirm_newer = forms.BooleanField(
        required=False, label="Apply it even where the archive changed since the reader saw it"
    )

    class Meta:
        model = Suggestion
        fields = ["reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        proposed = self.instance.proposed if self.instance.pk else {}
        self.fields["accept_fields"].choices = [(name, FIELD_LABELS[name]) for name in proposed if name in FIELD_LABELS]
        self.fields["accept_fields"].initial = list(proposed)

    def clean(self):
        data = super().clean()
        if self.instance.status != Suggestion.Status.PENDING and data.get("decision"):
            raise forms.ValidationError("This suggestion was decided already.")
        if data.get("decision") == "accept":
            if not data.get("accept_fields"):
                self.add_error("accept_fields", "Tick what to accept.")
            else:
                changed = editing.suggestion_conflicts(self.instance, data["accept_fields"])
                if changed and not data.get("confirm_newer"):
                    labels = ", ".join(FIELD_LABELS[name] for name in changed)
                    self.add_error(
                        "confirm_newer",
                        f"Changed in the archive since the reader saw it: {labels}. "
                        "Compare below, then tick this box to apply the suggestion all the same.",
                    )
        return data


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    form = DecisionForm
    list_display = ["created_at", "target_link", "fields_proposed", "status", "credit"]
    list_filter = ["status", ProposedFieldFilter]
    list_select_related = ["article", "photo"]
    ordering = ["-created_at", "-id"]
    date_hierarchy = None
    actions = ["reject_selected", "mark_duplicates"]
    readonly_fields = [
        "target_link",
        "comparison",
        "evidence",
        "evidence_text_url",
        "note",
        "name",
        "contact",
        "status",
        "decided",
        "created_at",
    ]
    fieldsets = [
        ("The suggestion", {"fields": ["target_link", "created_at", "comparison"]}),
        ("The reader's evidence", {"fields": ["evidence", "evidence_text_url", "note", "name", "contact"]}),
        (
            "Your decision",
            {"fields": ["status", "decided", "decision", "accept_fields", "text_complete", "confirm_newer", "reason"]},
        ),
    ]

    def get_changelist(self, request, **kwargs):
        return ArchiveChangeList

    def has_add_permission(self, request):
        return False  # readers make suggestions, on the site

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser  # spam, say; an editor rejects instead

    @admin.display(description="Of")
    def target_link(self, obj):
        target = obj.target
        kind = "Article" if obj.article_id else "Photo"
        return format_html('{} <a href="{}">{}</a>', kind, target.get_absolute_url(), str(target))

    @admin.display(description="Proposes")
    def fields_proposed(self, obj):
        return ", ".join(obj.field_labels)

    @admin.display(description="Credit")
    def credit(self, obj):
        return obj.credit

    @admin.display(description="Link given (not followed for you)")
    def evidence_text_url(self, obj):
        return obj.evidence_url or "—"

    @admin.display(description="Decided")
    def decided(self, obj):
        if obj.decided_at is None:
            return "—"
        who = obj.decided_by.get_username() if obj.decided_by else "an editor"
        return f"{obj.decided_at:%d %B %Y %H:%M} by {who}"

    @admin.display(description="What the archive holds, what the reader saw and what they propose")
    def comparison(self, obj):
        now = editing.suggestion_current(type(obj.target).objects.get(pk=obj.target.pk), obj.proposed)
        rows = [
            _comparison_row(name, value, obj.current.get(name), now.get(name)) for name, value in obj.proposed.items()
        ]
        return format_html(
            '<table class="suggestion-comparison"><thead><tr><th scope="col">Field</th><th scope="col">In the '
            'archive now</th><th scope="col">When the reader saw it</th><th scope="col">Proposed</th></tr></thead>'
            "<tbody>{}</tbody></table>",
            format_html_join("", "{}", ((row,) for row in rows)),
        )

    def save_model(self, request, obj, form, change):
        decision = form.cleaned_data.get("decision")
        if decision == "accept":
            editing.suggestion_accept(
                obj,
                form.cleaned_data["accept_fields"],
                request.user,
                complete=form.cleaned_data.get("text_complete", False),
                confirmed=form.cleaned_data.get("confirm_newer", False),
            )
        elif decision in ("reject", "duplicate"):
            editing.suggestion_decline(
                obj, request.user, reason=form.cleaned_data.get("reason", ""), duplicate=decision == "duplicate"
            )
        else:
            obj.save(update_fields=["reason"])

    @admin.action(description="Reject the selected suggestions")
    def reject_selected(self, request, queryset):
        self._decline(request, queryset, duplicate=False)

    @admin.action(description="Mark the selected suggestions duplicates")
    def mark_duplicates(self, request, queryset):
        self._decline(request, queryset, duplicate=True)

    def _decline(self, request, queryset, duplicate):
        pending = list(queryset.filter(status=Suggestion.Status.PENDING))
        for suggestion in pending:
            editing.suggestion_decline(suggestion, request.user, duplicate=duplicate)
        self.message_user(request, f"{len(pending)} suggestion(s) decided; any others were already.", messages.SUCCESS)


def _comparison_row(name, proposed, seen, now):
    label = FIELD_LABELS.get(name, name)
    if name == "passage":
        return format_html(
            "<tr><th scope='row'>{}</th><td colspan='3'>{}</td></tr>",
            label,
            _diff(proposed["now"], proposed["should_read"]),
        )
    return format_html(
        "<tr><th scope='row'>{}</th><td>{}</td><td>{}</td><td>{}</td></tr>",
        label,
        _shown(now),
        _shown(seen),
        _shown(proposed),
    )


def _shown(value):
    if isinstance(value, list):
        return ", ".join(value) or "—"
    return value or "—"


def _diff(old, new):
    """The passage with what the reader removes struck out and what they add marked."""
    matcher = difflib.SequenceMatcher(a=old.split(), b=new.split(), autojunk=False)
    parts = []
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag in ("replace", "delete"):
            parts.append(format_html("<del>{}</del>", " ".join(old.split()[a1:a2])))
        if tag in ("replace", "insert"):
            parts.append(format_html("<ins>{}</ins>", " ".join(new.split()[b1:b2])))
        if tag == "equal":
            parts.append(format_html("{}", " ".join(old.split()[a1:a2])))
    return format_html_join(" ", "{}", ((part,) for part in parts))
