"""Data migrations carry a frozen copy of what they write: they import no live code of the project,
which may change or disappear after them (a fresh database must still migrate)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROJECT_PACKAGES = {p.parent.name for p in ROOT.glob("*/apps.py")} | {"portal", "tests"}


def _data_migrations():
    for path in sorted(ROOT.glob("*/migrations/[0-9]*.py")):
        if "RunPython" in path.read_text() or "RunSQL" in path.read_text():
            yield path


def project_imports(source):
    """The modules of the project that `source` imports (anywhere: module level or inside a function)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""] if node.level == 0 else [f"(relative) {node.module}"]
        else:
            continue
        found += [name for name in names if name.split(".")[0] in PROJECT_PACKAGES or name.startswith("(relative)")]
    return found


def test_the_check_sees_an_import_inside_a_function():
    source = "def forwards(apps, schema_editor):\n    from benefits.catalogue import CATALOGUE\n"
    assert project_imports(source) == ["benefits.catalogue"]
    assert project_imports("from django.db import migrations\nimport datetime\n") == []


def test_there_are_data_migrations_to_check():
    assert {"benefits", "partners"} <= {path.parts[-3] for path in _data_migrations()}


@pytest.mark.parametrize("path", list(_data_migrations()), ids=lambda p: f"{p.parts[-3]}/{p.name}")
def test_data_migrations_import_no_live_code(path):
    assert not project_imports(path.read_text()), (
        f"{path.relative_to(ROOT)} imports live code: copy what it needs into the migration instead"
    )
