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


def _project_modules(node):
    """{bound name: module} of an import statement, for the project's modules only."""
    if isinstance(node, ast.Import):
        pairs = [((alias.asname or alias.name).split(".")[0], alias.name) for alias in node.names]
    elif isinstance(node, ast.ImportFrom):
        module = node.module or ""
        if node.level:
            return {alias.asname or alias.name: f"(relative) {module}" for alias in node.names}
        pairs = [(alias.asname or alias.name, module) for alias in node.names]
    else:
        return {}
    return {name: module for name, module in pairs if module.split(".")[0] in PROJECT_PACKAGES}


def project_imports(source):
    """The project's modules that the functions of `source` (RunPython's code) use: imported inside a
    function, or imported at the top and named inside one. A schema operation's field validators,
    imported at the top by makemigrations, are not the data migration's code."""
    tree = ast.parse(source)
    top = {}
    for node in tree.body:
        top.update(_project_modules(node))
    found = []
    for function in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)):
        for node in ast.walk(function):
            found += _project_modules(node).values()
            if isinstance(node, ast.Name) and node.id in top:
                found.append(top[node.id])
    return sorted(set(found))


def test_the_check_sees_an_import_inside_a_function():
    source = "def forwards(apps, schema_editor):\n    from benefits.catalogue import CATALOGUE\n"
    assert project_imports(source) == ["benefits.catalogue"]
    assert project_imports("from django.db import migrations\nimport datetime\n") == []
    used_at_top = "import benefits.catalogue\n\ndef forwards(apps, schema_editor):\n    benefits.catalogue.load()\n"
    assert project_imports(used_at_top) == ["benefits.catalogue"]
    field_validator = "import benefits.validators\nFIELD = f(validators=[benefits.validators.validate_iban])\n"
    assert project_imports(field_validator) == []


def test_there_are_data_migrations_to_check():
    assert {"benefits", "partners"} <= {path.parts[-3] for path in _data_migrations()}


@pytest.mark.parametrize("path", list(_data_migrations()), ids=lambda p: f"{p.parts[-3]}/{p.name}")
def test_data_migrations_import_no_live_code(path):
    assert not project_imports(path.read_text()), (
        f"{path.relative_to(ROOT)} imports live code: copy what it needs into the migration instead"
    )
