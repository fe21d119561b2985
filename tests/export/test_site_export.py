"""`flask export PATH` for an admin's backup, and statements that do not grow with the letters."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from app.accounts.models import User
from app.portability.archive import colleague_zip


def test_flask_export_writes_every_colleague_tags_and_subscriptions(
    runner, correspondence, tmp_path: Path
):
    target = tmp_path / "export"
    result = runner.invoke(args=["export", str(target)])
    assert result.exit_code == 0, result.output
    assert "Exported 2 colleagues" in result.output
    for handle in ("svenja", "sven"):
        profile = json.loads((target / "colleagues" / handle / "profile.json").read_text())
        assert profile["handle"] == handle
    answer = target / "colleagues" / "sven" / "letters" / f"{correspondence.answer.slug}.md"
    header = yaml.safe_load(answer.read_text().split("---\n")[1])
    assert header["in_reply_to"] == correspondence.opening.slug
    assert (
        target / "colleagues" / "sven" / "correspondences" / f"{correspondence.opening.slug}.mbox"
    ).exists()
    tags = json.loads((target / "tags.json").read_text())
    assert {"name": "Design", "slug": "design"} in tags
    subscriptions = json.loads((target / "subscriptions.json").read_text())
    assert [s["email"] for s in subscriptions] == ["svenja@example.org"]


def test_flask_export_refuses_a_folder_with_files(runner, tmp_path: Path):
    (tmp_path / "something").write_text("kept")
    result = runner.invoke(args=["export", str(tmp_path)])
    assert result.exit_code != 0
    assert "not empty" in result.output
    assert (tmp_path / "something").read_text() == "kept"


def statements_of_export(user: User, count_queries) -> int:
    with count_queries() as counter:
        colleague_zip(user).close()
    return counter.count


def test_export_statements_do_not_grow_with_letters(correspondence, make_letter, count_queries):
    svenja, sven = correspondence.svenja, correspondence.sven
    before = statements_of_export(svenja, count_queries)
    parent = correspondence.second
    for number in range(6):
        parent = make_letter(
            sven if number % 2 else svenja, svenja, title=f"More {number}", parent=parent
        )
        make_letter(svenja, None, title=f"Alone {number}")
    assert statements_of_export(svenja, count_queries) == before
