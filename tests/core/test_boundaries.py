"""App boundaries (ARCHITECTURE "Layout"), read from the source with ``ast``:

- ``core`` is the shared kernel: it imports no domain app (the domain apps import it), except
  for annotations (``if TYPE_CHECKING:``, the user model);
- one owner per table: an app writes another app's tables only through that app's services,
  never with ``<OtherModel>.objects.create/update/delete/…`` (the SLA once wrote work-order
  timeline events and times directly, past the timeline's own checks).
"""

from __future__ import annotations

import ast
from pathlib import Path

import aftersales

SRC = Path(aftersales.__file__).parent
KERNEL_AND_INTERFACE = {"core", "api", "web"}  # not domain apps
DOMAIN_APPS = sorted(p.name for p in SRC.iterdir() if (p / "apps.py").exists() and p.name not in KERNEL_AND_INTERFACE)
# The demo generator seeds master data (regions, catalogue, users) that has no services.
WRITES_EVERYWHERE = {"demo"}
WRITES = {"create", "bulk_create", "get_or_create", "update_or_create", "update", "bulk_update", "delete"}


def _modules(app: str) -> list[Path]:
    return [p for p in (SRC / app).rglob("*.py") if "migrations" not in p.parts]


def _type_checking_only(tree: ast.Module) -> set[ast.AST]:
    """Imports under ``if TYPE_CHECKING:`` (e.g. the user model for annotations) never run."""
    return {
        child
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"
        for child in ast.walk(node)
    }


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    found = []
    tree = ast.parse(path.read_text(), str(path))
    typing_only = _type_checking_only(tree)
    for node in ast.walk(tree):
        if node in typing_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module, [alias.asname or alias.name for alias in node.names]))
        elif isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names]
    return found


def test_core_imports_no_domain_app():
    offending = [
        f"{path.relative_to(SRC)}: {module}"
        for path in _modules("core")
        for module, _names in _imports(path)
        if module.split(".")[:2] in (["aftersales", app] for app in DOMAIN_APPS)
    ]
    assert DOMAIN_APPS  # the scan sees the apps
    assert offending == []


def _root_name(node: ast.expr) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def test_no_app_writes_a_table_another_app_owns():
    offending = []
    for app in sorted({*DOMAIN_APPS, *KERNEL_AND_INTERFACE} - WRITES_EVERYWHERE):
        for path in _modules(app):
            foreign = {
                name
                for module, names in _imports(path)
                if module.startswith("aftersales.") and module.endswith(".models") and module.split(".")[1] != app
                for name in names
            }
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr in WRITES
                    and "objects" in ast.unparse(node.func)
                    and _root_name(node.func) in foreign
                ):
                    offending.append(f"{path.relative_to(SRC)}:{node.lineno}: {ast.unparse(node.func)}")
    assert offending == []
