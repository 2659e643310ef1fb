"""The house's shape, held: each room imports only the rooms below it, no import goes round in a
circle, the API and the readers' site never import each other, no module runs past 600 lines
and no function past 60. Read from the source, as text: nothing is imported or run."""

import ast
from pathlib import Path

from django.test import SimpleTestCase

ROOT = Path(__file__).resolve().parent.parent
# The rooms of articles/, lowest first: a room may import those of lower layers (and its own
# package's modules), never one of its own layer or above.
LAYERS = [
    # Pure: no database, no Django models.
    ["tagging", "matching", "paging", "citing", "addresses", "throttles", "widgets"],
    ["ingest.parsing"],
    ["models"],
    ["reads", "database", "records", "history", "caching"],
    ["converters", "search"],
    ["counts", "criteria"],
    ["changes", "exporting"],
    ["derive"],
    ["editing", "ingest"],
    ["api", "site", "admin"],
    ["management", "apps"],
]
CHECKED = ["articles", "archive", "bench"]
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 60


def python_files():
    for folder in CHECKED:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path, modules):
    """The modules of ``modules`` that ``path`` imports, anywhere in it."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            target = ".".join([*base, node.module] if node.module else base)
            for alias in node.names:
                found.add(f"{target}.{alias.name}" if f"{target}.{alias.name}" in modules else target)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {module for module in found if module in modules and module != name}


def room_of(module):
    """(layer, room) of a module of articles/: the longest room name it falls under."""
    inside = module.removeprefix("articles.")
    best = None
    for layer, rooms in enumerate(LAYERS):
        for room in rooms:
            if (inside == room or inside.startswith(room + ".")) and (best is None or len(room) > len(best[1])):
                best = (layer, room)
    return best


class LayoutTests(SimpleTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.paths = {module_name(path): path for path in python_files()}
        cls.graph = {name: imports_of(path, cls.paths) for name, path in cls.paths.items()}

    def test_every_room_of_the_app_has_a_layer(self):
        unplaced = [m for m in self.paths if m.startswith("articles.") and room_of(m) is None]
        self.assertEqual(unplaced, [], "add the new room to LAYERS")

    def test_a_room_imports_only_rooms_below_it(self):
        upward = []
        for module, imported in self.graph.items():
            if not module.startswith("articles."):
                continue
            layer, room = room_of(module)
            for target in imported:
                if not target.startswith("articles.") or target == "articles":
                    continue
                target_layer, target_room = room_of(target)
                if target_room != room and target_layer >= layer:
                    upward.append(f"{module} -> {target}")
        self.assertEqual(upward, [])

    def test_the_api_and_the_site_never_import_each_other(self):
        crossing = [
            f"{m} -> {t}"
            for m, imported in self.graph.items()
            for t in imported
            if {m.split(".")[1:2][0] if "." in m else m, t.split(".")[1:2][0] if "." in t else t} == {"api", "site"}
        ]
        self.assertEqual(crossing, [])

    def test_no_imports_go_round_in_a_circle(self):
        state, stack, circles = {}, [], []

        def visit(module):
            state[module] = "open"
            stack.append(module)
            for target in sorted(self.graph[module]):
                if state.get(target) == "open":
                    circles.append([*stack[stack.index(target) :], target])
                elif target not in state:
                    visit(target)
            stack.pop()
            state[module] = "done"

        for module in sorted(self.graph):
            if module not in state:
                visit(module)
        self.assertEqual(circles, [])

    def test_no_module_is_longer_than_600_lines(self):
        long = {
            str(p.relative_to(ROOT)): n
            for p in python_files()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
        }
        self.assertEqual(long, {})

    def test_no_function_is_longer_than_60_lines(self):
        long = {}
        for path in python_files():
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    length = node.end_lineno - node.lineno + 1
                    if length > MAX_FUNCTION_LINES:
                        long[f"{path.relative_to(ROOT)}:{node.name}"] = length
        self.assertEqual(long, {})
