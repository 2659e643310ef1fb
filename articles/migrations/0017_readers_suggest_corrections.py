"""Readers suggest corrections (the Suggestion model, which editors see and decide), and a date
a reader corrected and an editor checked is a source of its own."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

GROUP = "Editors"
# Editors check suggestions (see and decide them); readers make them, and nobody deletes one.
CHECK = ["view_suggestion", "change_suggestion"]


def editors_check_suggestions(apps, schema_editor):
    # Permissions are normally created after all migrations; this one needs them now.
    app_config = apps.get_app_config("articles")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.using(schema_editor.connection.alias).filter(name=GROUP).first()
    if group is not None:
        group.permissions.add(*Permission.objects.filter(content_type__app_label="articles", codename__in=CHECK))


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0016_editors_keep_articles_and_photos"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="article",
            name="date_source",
            field=models.CharField(
                blank=True,
                choices=[
                    ("byline", "from a listing by-line"),
                    ("caption", "date from photo caption"),
                    ("media_id", "estimated from the Media ID"),
                    ("editor", "set by an editor"),
                    ("reader", "corrected by a reader, checked by an editor"),
                    ("", "unknown"),
                ],
                max_length=20,
            ),
        ),
        migrations.CreateModel(
            name="Suggestion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("proposed", models.JSONField(default=dict)),
                ("current", models.JSONField(default=dict)),
                (
                    "evidence",
                    models.TextField(
                        blank=True, help_text="Where the reader found it: an edition and page, a document."
                    ),
                ),
                ("evidence_url", models.URLField(blank=True, max_length=500)),
                ("note", models.TextField(blank=True)),
                ("name", models.CharField(blank=True, help_text="How the reader asks to be credited.", max_length=100)),
                (
                    "contact",
                    models.EmailField(blank=True, help_text="For the editors only; never shown.", max_length=254),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "waiting for an editor"),
                            ("accepted", "accepted"),
                            ("rejected", "rejected"),
                            ("duplicate", "a duplicate"),
                        ],
                        default="pending",
                        max_length=20,
                    ),
                ),
                ("accepted_fields", models.JSONField(blank=True, default=list)),
                ("reason", models.TextField(blank=True, help_text="Why it was rejected, for the editors.")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("decided_at", models.DateTimeField(blank=True, null=True)),
                (
                    "article",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="suggestions",
                        to="articles.article",
                    ),
                ),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "photo",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="suggestions",
                        to="articles.mediaitem",
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-id"],
                "indexes": [models.Index(fields=["status", "-created_at"], name="suggestion_queue")],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("article__isnull", False), ("photo__isnull", True)),
                            models.Q(("article__isnull", True), ("photo__isnull", False)),
                            _connector="OR",
                        ),
                        name="suggestion_names_one",
                    )
                ],
            },
        ),
        migrations.RunPython(editors_check_suggestions, migrations.RunPython.noop),
    ]
