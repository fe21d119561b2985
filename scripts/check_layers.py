"""Check that every import inside app/ points down the layers of DESIGN.md.

Reads the source with `ast` only (nothing is imported), so imports inside functions,
methods, classes and `if TYPE_CHECKING:` blocks count as much as those at the top of a module.

    python scripts/check_layers.py            # the forbidden imports and exit 1, or the picture
    python scripts/check_layers.py --picture  # which feature imports which, exit 0

The same order is declared for import-linter in pyproject.toml; tests/test_layers.py keeps the
two in step.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT_PACKAGE = "app"

# Modules and packages directly in app/ that form the core (layer 1); the optional ones may
# not exist yet.
CORE = (
    "config",
    "extensions",
    "database",
    "reads",
    "web",
    "i18n",
    "compiled_templates",
    "errors",
    "templating",
    "forms",
    "mail",
    "outbox",
    "deliverability",
    "page_version",
    "page_cache",
    "kept_door",
    "text",
    "legal",
    "log_privacy",
)

# Low to high. Units in one layer may import each other, except the pairs in INDEPENDENT.
LAYERS: dict[str, int] = {
    **dict.fromkeys(CORE, 1),
    "accounts": 2,
    "letters": 3,
    "links": 4,
    "signatures": 5,
    "webmentions": 6,
    "discovery": 7,
    "subscriptions": 7,
    "notifications": 8,
    "inbound": 9,
    "admin": 10,
    "api": 10,
    "importing": 11,
    "portability": 11,
    "ops": 12,
    "demo": 13,
    "cli": 13,
    # app/__init__.py, the application factory, wires everything.
    "": 13,
}

ORDER = (
    "low to high: core, accounts, letters, links, signatures, webmentions, discovery | "
    "subscriptions, notifications, inbound, admin | api, importing | portability, ops, then "
    "demo, cli and the factory in app/__init__.py"
)

INDEPENDENT = frozenset(
    {
        frozenset({"discovery", "subscriptions"}),
        frozenset({"admin", "api"}),
        frozenset({"importing", "portability"}),
    }
)


@dataclass(frozen=True)
class Arrow:
    """One import of an app module by another, where it was written."""

    path: Path
    line: int
    importer: str
    imported: str

    def where(self, base: Path) -> str:
        """The file and line, relative to `base` when possible."""
        try:
            shown = self.path.relative_to(base)
        except ValueError:
            shown = self.path
        return f"{shown}:{self.line}"


def unit_of(module: str) -> str:
    """The unit a module belongs to: 'core', a feature, 'demo', 'cli' or '' for app itself."""
    parts = module.split(".")
    tail = parts[1] if len(parts) > 1 else ""
    return "core" if tail in CORE else tail


def layer_of(module: str) -> int | None:
    """The layer number of a module under app, or None when it is in no layer."""
    parts = module.split(".")
    return LAYERS.get(parts[1] if len(parts) > 1 else "")


def layer_name(module: str) -> str:
    """A readable name for a module's layer, e.g. 'letters (layer 3)'."""
    unit = unit_of(module)
    shown = {"core": "core", "": "app factory"}.get(unit, unit)
    number = layer_of(module)
    return f"{shown} (layer {number})" if number is not None else f"{shown} (in no layer)"


def module_name(path: Path, package_dir: Path) -> str:
    """The dotted module name of a .py file below the root package's directory."""
    relative = path.relative_to(package_dir.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def python_files(package_dir: Path) -> list[Path]:
    """Every .py file below the root package's directory, in a stable order."""
    return sorted(p for p in package_dir.rglob("*.py") if "__pycache__" not in p.parts)


def is_package(path: Path) -> bool:
    """Whether a file is a package's __init__.py."""
    return path.name == "__init__.py"


def resolve_relative(module: str, path: Path, level: int, target: str | None) -> str:
    """The absolute name a `from .x import y` points at."""
    package = module if is_package(path) else module.rpartition(".")[0]
    parts = package.split(".")
    base = ".".join(parts[: len(parts) - (level - 1)])
    return f"{base}.{target}" if target else base


def imported_names(node: ast.AST, module: str, path: Path, known: set[str]) -> list[str]:
    """The app modules one import statement (or import_module call) brings in."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        base = node.module or ""
        if node.level:
            base = resolve_relative(module, path, node.level, node.module)
        # `from app import config` imports the module app.config; `from app import create_app`
        # imports the package app itself.
        found = [f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in known]
        if len(found) < len(node.names):
            found.append(base)
        return found
    if isinstance(node, ast.Call) and _is_dynamic_import(node):
        return [node.args[0].value]
    return []


def _is_dynamic_import(node: ast.Call) -> bool:
    """`importlib.import_module("app.x")`, `import_module("app.x")` or `__import__("app.x")`."""
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    return (
        name in {"import_module", "__import__"}
        and bool(node.args)
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    )


def is_app_module(name: str) -> bool:
    """Whether a dotted name is the root package or inside it."""
    return name == ROOT_PACKAGE or name.startswith(ROOT_PACKAGE + ".")


def collect_arrows(package_dir: Path) -> list[Arrow]:
    """Every import of an app module by an app module, wherever in the file it is written."""
    files = python_files(package_dir)
    known = {module_name(path, package_dir) for path in files}
    known |= {f"{ROOT_PACKAGE}.{d.name}" for d in package_dir.iterdir() if d.is_dir()}
    arrows = []
    for path in files:
        module = module_name(path, package_dir)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            for imported in imported_names(node, module, path, known):
                if is_app_module(imported):
                    arrows.append(Arrow(path, node.lineno, module, imported))
    return sorted(arrows, key=lambda a: (str(a.path), a.line, a.imported))


def is_forbidden(arrow: Arrow) -> bool:
    """Whether an import points up, sideways between independent features, or off the map."""
    low, high = layer_of(arrow.importer), layer_of(arrow.imported)
    if low is None or high is None:
        return True
    if low < high:
        return True
    pair = frozenset({unit_of(arrow.importer), unit_of(arrow.imported)})
    return pair in INDEPENDENT


def find_forbidden_imports(package_dir: Path) -> list[Arrow]:
    """The imports under `package_dir` (the app/ directory) that break the layers."""
    return [arrow for arrow in collect_arrows(package_dir) if is_forbidden(arrow)]


def describe(arrow: Arrow, base: Path) -> str:
    """One line for a forbidden import: where, which modules, which layers."""
    low, high = layer_of(arrow.importer), layer_of(arrow.imported)
    if low is None or high is None:
        why = "in no layer: add it to the layers"
    elif low < high:
        why = "upward"
    else:
        why = "sideways between independent features"
    return (
        f"{arrow.where(base)}: {arrow.importer} -> {arrow.imported}  "
        f"[{layer_name(arrow.importer)} -> {layer_name(arrow.imported)}: {why}]"
    )


def dependency_picture(package_dir: Path) -> list[str]:
    """One line per unit, low to high: 'letters: core, accounts' (forbidden ones marked)."""
    uses: dict[str, set[str]] = defaultdict(set)
    forbidden: dict[str, set[str]] = defaultdict(set)
    for arrow in collect_arrows(package_dir):
        source, target = unit_of(arrow.importer), unit_of(arrow.imported)
        if source != target:
            uses[source].add(target)
            if is_forbidden(arrow):
                forbidden[source].add(target)
    modules = [module_name(path, package_dir) for path in python_files(package_dir)]
    lines = []
    for unit in sorted({unit_of(m) for m in modules} | set(uses), key=_in_layer_order):
        targets = sorted(uses[unit], key=_in_layer_order)
        shown = [f"{t or 'app'}{' (FORBIDDEN)' if t in forbidden[unit] else ''}" for t in targets]
        label = {"": "app (factory)"}.get(unit, unit)
        lines.append(f"{label}: {', '.join(shown) if shown else '-'}")
    return lines


def _in_layer_order(unit: str) -> tuple[int, bool, str]:
    """Sort key: low layers first, units in no layer last, the factory last of its layer."""
    number = 1 if unit == "core" else LAYERS.get(unit, len(LAYERS))
    return (number, unit == "", unit)


def main(argv: list[str] | None = None) -> int:
    """Print forbidden imports and return 1, or print the picture and return 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--picture", action="store_true", help="print the dependency picture")
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[1])
    args = parser.parse_args(argv)
    package_dir = args.root / ROOT_PACKAGE
    if args.picture:
        print("\n".join(dependency_picture(package_dir)))
        return 0
    forbidden = find_forbidden_imports(package_dir)
    if forbidden:
        print(f"{len(forbidden)} import(s) break the layers ({ORDER}):")
        print("\n".join(describe(arrow, args.root) for arrow in forbidden))
        return 1
    print("\n".join(dependency_picture(package_dir)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
