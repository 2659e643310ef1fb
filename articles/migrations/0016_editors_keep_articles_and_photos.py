"""Editors keep what the archive published: the Editors group loses the permission to delete
articles and photos. They still correct them, and remove a photo or a tag from an article; a
superuser may delete one (a takedown, a page that should never have been published)."""

from django.db import migrations

GROUP = "Editors"
KEPT = ["delete_article", "delete_mediaitem"]


def withdraw(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.using(schema_editor.connection.alias).filter(name=GROUP).first()
    if group is not None:
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="articles", codename__in=KEPT))


def restore(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.using(schema_editor.connection.alias).filter(name=GROUP).first()
    if group is not None:
        group.permissions.add(*Permission.objects.filter(content_type__app_label="articles", codename__in=KEPT))


class Migration(migrations.Migration):
    dependencies = [("articles", "0015_tag_links_index_only")]

    operations = [migrations.RunPython(withdraw, restore)]
