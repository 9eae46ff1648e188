"""Apps with clear edges (issue 21): no two apps import each other, directly or through a
third, at module or function level. One owns the thing; the other gets a signal or a service.

The imports are read from the source (ast), as tests/test_code_layout.py reads them for tools/,
so an import inside a function counts as much as one at the top of a module."""

import ast
from collections import defaultdict
from pathlib import Path

from django.apps import apps
from django.conf import settings


def local_apps():
    """The project's own apps: those whose package is in the checkout."""
    base = Path(settings.BASE_DIR)
    names = {config.name.split(".")[0] for config in apps.get_app_configs()}
    return sorted(name for name in names if (base / name / "__init__.py").is_file())


def imports_between_apps():
    """{(importer, imported): ["path:line", ...]} for every import of one app by another."""
    base = Path(settings.BASE_DIR)
    ours = set(local_apps())
    edges = defaultdict(list)
    for app in ours:
        for path in sorted((base / app).rglob("*.py")):
            tree = ast.parse(path.read_text(), filename=str(path))
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    modules = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    modules = [node.module]
                else:
                    continue
                for module in modules:
                    target = module.split(".")[0]
                    if target in ours and target != app:
                        where = f"{path.relative_to(base)}:{node.lineno}"
                        edges[(app, target)].append(where)
    return edges


def cycles(edges):
    """Every elementary cycle's apps, found by a depth-first walk from each app."""
    graph = defaultdict(set)
    for importer, imported in edges:
        graph[importer].add(imported)
    found = set()

    def walk(start, node, path):
        for nxt in sorted(graph[node]):
            if nxt == start:
                found.add(tuple(path))
            elif nxt not in path and nxt > start:
                walk(start, nxt, [*path, nxt])

    for start in sorted(graph):
        walk(start, start, [start])
    return sorted(found)


def test_no_two_apps_import_each_other():
    edges = imports_between_apps()
    found = cycles(edges)
    report = [
        " -> ".join([*cycle, cycle[0]])
        + ": "
        + "; ".join(
            f"{a} imports {b} at {edges[(a, b)][0]}"
            for a, b in zip(cycle, [*cycle[1:], cycle[0]], strict=True)
        )
        for cycle in found
    ]
    assert report == []


def test_the_walk_reads_every_app_and_finds_a_cycle_when_there_is_one():
    # The test above would pass on an empty graph: make sure it read the apps' imports.
    assert {"desk", "inquiries", "outbox", "operator_site", "treks"} <= set(local_apps())
    edges = imports_between_apps()
    assert ("desk", "inquiries") in edges and ("inquiries", "outbox") in edges
    assert cycles({("a", "b"): [], ("b", "c"): [], ("c", "a"): []}) == [("a", "b", "c")]
