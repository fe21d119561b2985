"""The features stand in layers and every import in app/ points down (DESIGN.md)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from textwrap import dedent

import pytest

from scripts.check_layers import (
    CORE,
    INDEPENDENT,
    LAYERS,
    ORDER,
    describe,
    find_forbidden_imports,
)

ROOT = Path(__file__).resolve().parents[1]


def write_tree(root: Path, files: dict[str, str]) -> Path:
    """Write a synthetic app/ package under `root` and return the app/ directory."""
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dedent(source), encoding="utf-8")
    return root / "app"


def arrows_in(app_dir: Path) -> list[tuple[str, int, str, str]]:
    """The forbidden imports as (file, line, importer, imported)."""
    return [
        (str(a.path.relative_to(app_dir.parent)), a.line, a.importer, a.imported)
        for a in find_forbidden_imports(app_dir)
    ]


def test_no_import_in_app_breaks_the_layers() -> None:
    forbidden = find_forbidden_imports(ROOT / "app")
    if forbidden:
        report = "\n".join(describe(arrow, ROOT) for arrow in forbidden)
        pytest.fail(f"{len(forbidden)} import(s) break the layers ({ORDER}):\n{report}")


def test_checker_catches_an_upward_import_inside_a_function(tmp_path: Path) -> None:
    app_dir = write_tree(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/accounts/__init__.py": "",
            "app/accounts/service.py": """\
                from app.config import SETTING


                def greet():
                    from app.letters.service import publish_letter

                    return publish_letter
            """,
            "app/config.py": "SETTING = 1\n",
            "app/letters/__init__.py": "",
            "app/letters/service.py": "from app.accounts.service import greet\n",
        },
    )
    assert arrows_in(app_dir) == [
        ("app/accounts/service.py", 5, "app.accounts.service", "app.letters.service"),
    ]


def test_checker_catches_upward_imports_in_methods_classes_and_relative_form(
    tmp_path: Path,
) -> None:
    app_dir = write_tree(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/letters/__init__.py": "",
            "app/letters/models.py": """\
                class Letter:
                    from app.links import service as links

                    def notify(self):
                        import app.notifications.service

                        return app.notifications.service
            """,
            "app/letters/views.py": "from ..admin import views\n",
            "app/admin/views.py": "",
            "app/templating.py": """\
                def init_templating(app):
                    from app import create_app
            """,
        },
    )
    assert arrows_in(app_dir) == [
        ("app/letters/models.py", 2, "app.letters.models", "app.links"),
        ("app/letters/models.py", 5, "app.letters.models", "app.notifications.service"),
        ("app/letters/views.py", 1, "app.letters.views", "app.admin.views"),
        ("app/templating.py", 2, "app.templating", "app"),
    ]


def test_checker_catches_discovery_and_subscriptions_knowing_each_other(tmp_path: Path) -> None:
    app_dir = write_tree(
        tmp_path,
        {
            "app/discovery/feeds.py": "def f():\n    from app.subscriptions import models\n",
            "app/subscriptions/models.py": "",
        },
    )
    assert arrows_in(app_dir) == [
        ("app/discovery/feeds.py", 2, "app.discovery.feeds", "app.subscriptions.models"),
    ]


@pytest.mark.parametrize(
    "source",
    [
        "from app.letters.models import Letter\n",
        "from app.accounts import service\n",
        "from app import extensions\n",
        "import app.text\n",
    ],
)
def test_checker_allows_imports_that_point_down(tmp_path: Path, source: str) -> None:
    targets = ("accounts/service.py", "extensions.py", "letters/models.py", "text/__init__.py")
    app_dir = write_tree(
        tmp_path, {"app/links/service.py": source, **{f"app/{name}": "" for name in targets}}
    )
    assert arrows_in(app_dir) == []


def test_import_linter_contract_declares_the_same_layers() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    (layers,) = [c["layers"] for c in contracts if c["type"] == "layers"]
    declared = {}
    for number, layer in enumerate(reversed(layers), start=1):
        for name in layer.replace("|", ":").split(":"):
            declared[name.strip().strip("()")] = number
    ours = {name: number for name, number in LAYERS.items() if name}
    assert declared == ours
    assert set(CORE) == {name for name, number in declared.items() if number == 1}
    independent = {frozenset(c["modules"]) for c in contracts if c["type"] == "independence"}
    assert independent == {frozenset(f"app.{name}" for name in pair) for pair in INDEPENDENT}
