"""The shape STYLE.md asks of the code in app/: small files, short functions, plain names."""

from __future__ import annotations

import ast
import inspect
import io
import re
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app"

MAX_FILE_LINES = 300
MAX_FUNCTION_LINES = 40
VAGUE_MODULE_NAMES = {"utils", "helpers"}
FEATURES = (
    "accounts",
    "letters",
    "links",
    "webmentions",
    "discovery",
    "subscriptions",
    "notifications",
    "admin",
    "ops",
)
TYPE_IGNORE = re.compile(r"#\s*type:\s*ignore")


def python_files() -> list[Path]:
    """Every Python source file under app/."""
    return sorted(p for p in APP.rglob("*.py") if "__pycache__" not in p.parts)


def shown(path: Path) -> str:
    """A path relative to the repository root, for messages."""
    return str(path.relative_to(ROOT))


def fail_with(offenders: list[str], what: str) -> None:
    """Fail naming every offender, one a line."""
    if offenders:
        pytest.fail(f"{len(offenders)} {what}:\n" + "\n".join(offenders), pytrace=False)


def parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def test_no_python_file_in_app_is_over_300_lines() -> None:
    offenders = []
    for path in python_files():
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_FILE_LINES:
            offenders.append(f"{shown(path)}: {lines} lines")
    fail_with(offenders, f"file(s) over {MAX_FILE_LINES} lines (split the feature)")


def test_no_function_in_app_is_over_40_lines() -> None:
    offenders = []
    for path in python_files():
        for node in ast.walk(parse(path)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                # From the `def` line (decorators not counted) to the last line of the body.
                lines = node.end_lineno - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    offenders.append(f"{shown(path)}:{node.lineno}: {node.name}() {lines} lines")
    fail_with(offenders, f"function(s) over {MAX_FUNCTION_LINES} lines")


def test_no_module_in_app_is_named_utils_or_helpers() -> None:
    candidates = [*python_files(), *(p for p in APP.rglob("*") if p.is_dir())]
    offenders = sorted(
        shown(path)
        for path in candidates
        if (path.stem if path.suffix == ".py" else path.name) in VAGUE_MODULE_NAMES
    )
    fail_with(offenders, "module(s) named utils or helpers (name it for what it does)")


def defines_blueprint(module: ast.Module) -> bool:
    """Whether the module assigns `bp = Blueprint(...)` at its top level."""
    for node in module.body:
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        names = {target.id for target in targets if isinstance(target, ast.Name)}
        if "bp" in names and isinstance(value, ast.Call):
            func = value.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called == "Blueprint":
                return True
    return False


def test_every_feature_package_defines_its_blueprint_in_init() -> None:
    offenders = []
    for feature in FEATURES:
        init = APP / feature / "__init__.py"
        if not init.is_file():
            offenders.append(f"{shown(init)}: missing")
        elif not defines_blueprint(parse(init)):
            offenders.append(f"{shown(init)}: no `bp = Blueprint(...)`")
    fail_with(offenders, "feature package(s) without their blueprint `bp` in __init__.py")


def test_no_type_ignore_comments_in_app() -> None:
    # No type checker runs in `make lint`, so such a comment silences nothing but the reader.
    offenders = []
    for path in python_files():
        source = path.read_text(encoding="utf-8")
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.COMMENT and TYPE_IGNORE.search(token.string):
                offenders.append(f"{shown(path)}:{token.start[0]}: {token.string}")
    fail_with(offenders, "`# type: ignore` comment(s)")


def test_no_view_hook_or_error_handler_is_a_coroutine(app) -> None:
    """The app hands Flask's every function to the WSGI worker as it is (ensure_sync)."""
    registered = list(app.view_functions.values())
    for hooks in (app.before_request_funcs, app.after_request_funcs, app.teardown_request_funcs,
                  app.url_value_preprocessors, app.url_default_functions):  # fmt: skip
        registered += [hook for functions in hooks.values() for hook in functions]
    registered += app.teardown_appcontext_funcs
    for handlers in app.error_handler_spec.values():
        for by_class in handlers.values():
            registered += by_class.values()
    assert len(registered) > 100
    assert [f for f in registered if inspect.iscoroutinefunction(f)] == []
