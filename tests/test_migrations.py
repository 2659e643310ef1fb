"""Migrations are history: they must not change when the code of today changes."""

import ast
from pathlib import Path

from django.test import SimpleTestCase

MIGRATIONS = Path(__file__).resolve().parent.parent / "articles" / "migrations"


class FrozenMigrationTests(SimpleTestCase):
    def test_migrations_import_no_live_code_of_the_archive(self):
        for path in sorted(MIGRATIONS.glob("0*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            imported = [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
            imported += [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
            imported += [
                node.args[0].value
                for node in ast.walk(tree)
                if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "import_module"
            ]
            live = [name for name in imported if name.startswith("articles") and ".migrations." not in name + "."]
            with self.subTest(migration=path.name):
                self.assertEqual(live, [], "a migration that imports the app's code changes when that code does")
