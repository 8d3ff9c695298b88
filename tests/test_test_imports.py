"""Tests share helpers through tests/utils/ (and each app's factories, routes, workflow cases), never by
importing another test module: a test module can then move or go without breaking the others."""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def imported_test_modules(source, package):
    """The test modules (test_*) that `source`, a module of `package`, imports."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            modules = [base] + [f"{base}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        else:
            continue
        found += [m for m in modules if m.startswith("tests.") and m.rsplit(".", 1)[-1].startswith("test_")]
    return sorted(set(found))


def test_the_check_sees_absolute_and_relative_imports():
    assert imported_test_modules("from tests.test_isolation import x", "tests.benefits") == ["tests.test_isolation"]
    assert imported_test_modules("from .test_views import x", "tests.benefits") == ["tests.benefits.test_views"]
    assert imported_test_modules("from . import test_views", "tests.benefits") == ["tests.benefits.test_views"]
    assert imported_test_modules("from tests.utils.clients import sign_in", "tests.benefits") == []


def test_no_test_imports_another_test_module():
    offenders = []
    for path in sorted(TESTS.rglob("*.py")):
        package = ".".join(path.relative_to(TESTS.parent).parent.parts)
        for module in imported_test_modules(path.read_text(), package):
            offenders.append(f"{path.relative_to(TESTS.parent)} imports {module}")
    assert not offenders, "Move what is shared to tests/utils/:\n" + "\n".join(offenders)
