"""Each write request commits once; one that fails after its last write leaves nothing behind.

Every route that changes state is listed in WRITE_PATHS with a set-up and a request that
succeeds. A request is first run as it is, counting its commits and its writes; then, in a
fresh database with the same set-up, it is run again and fails right after its last write.
A new connection must then find every table as it was: no letter without its event, no
email queued for a change that never happened.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, inspect

from app.database import READ_ONLY_METHODS, read_only_transactions
from app.extensions import db
from tests.write_paths import WRITE_PATHS, Request, Scene, WritePath

SETTINGS = {"OPEN_REGISTRATION": True, "REGISTER_ANSWER_SECONDS": 0, "RESET_ANSWER_SECONDS": 0}
# GET routes that write: following an emailed link proves an address.
WRITING_GETS = {"/auth/confirm/<token>"}

WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
TRANSACTION_CONTROL = re.compile(r"\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b", re.IGNORECASE)


@pytest.fixture
def app(app_factory: Callable[..., Flask]) -> Flask:
    return app_factory(**SETTINGS)


class InjectedFault(RuntimeError):
    """Raised by the test right after a chosen statement has run."""


@dataclass
class Watch:
    """What the database saw during one request; can fail right after a chosen statement."""

    fail_after: tuple[str, int] | None = None  # ("writes", 3): after the third write
    writes: int = 0
    statements: int = 0
    commits: list[str] = field(default_factory=list)  # "in the view" or "after the view"
    view_returned: bool = False
    fault_raised: bool = False

    def statement_ran(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if TRANSACTION_CONTROL.match(statement):
            return
        self.statements += 1
        self.writes += bool(WRITE.match(statement))
        if self.fail_after and getattr(self, self.fail_after[0]) == self.fail_after[1]:
            if not self.fault_raised:
                self.fault_raised = True
                raise InjectedFault(f"after statement {self.statements}: {statement[:80]}")

    def committed(self, _conn: Any) -> None:
        self.commits.append("after the view" if self.view_returned else "in the view")

    def last_write(self) -> tuple[str, int]:
        """Where to fail: after the last write, or the last statement of a request that reads."""
        return ("writes", self.writes) if self.writes else ("statements", self.statements)


@contextmanager
def watching(app: Flask, endpoint: str, watch: Watch) -> Iterator[Watch]:
    """Listen to the engine while a request runs, and note when its view has returned."""
    view = app.view_functions[endpoint]

    def view_then_note(**values: Any) -> Any:
        try:
            return view(**values)
        finally:
            watch.view_returned = True

    app.view_functions[endpoint] = view_then_note
    event.listen(db.engine, "after_cursor_execute", watch.statement_ran)
    event.listen(db.engine, "commit", watch.committed)
    try:
        yield watch
    finally:
        event.remove(db.engine, "after_cursor_execute", watch.statement_ran)
        event.remove(db.engine, "commit", watch.committed)
        app.view_functions[endpoint] = view


def arrange(write_path: WritePath, scene: Scene) -> tuple[Request, str]:
    """Build the state; the request starts with an empty session, as in production."""
    request = write_path.arrange(scene)
    db.session.commit()
    db.session.close()
    urls = scene.client.application.url_map.bind("localhost")
    rule, _ = urls.match(request.path, method=request.method, return_rule=True)
    assert rule.rule == write_path.rule, "the request reaches another route than its entry says"
    return request, rule.endpoint


def send(client: FlaskClient, request: Request) -> Any:
    if request.method == "GET":
        return client.get(request.path)
    if request.json is not None or request.headers:  # the API: JSON and a token
        sent = {"json": request.json} if request.json is not None else {}
        return client.open(request.path, method=request.method, headers=request.headers, **sent)
    return client.post(request.path, data=request.data)


def database_contents() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (SQLite's search index too), read through a new connection."""
    with read_only_transactions(), db.engine.connect() as connection:
        names = inspect(connection).get_table_names()
        return {
            name: sorted(
                map(tuple, connection.exec_driver_sql(f'SELECT * FROM "{name}"')), key=repr
            )
            for name in names
        }


@pytest.fixture
def scene_in(make_user: Any, make_letter: Any, subscribe: Any) -> Callable[[Flask], Scene]:
    """A scene in the given app (the fixtures act on whichever app's context is current)."""
    return lambda app: Scene(app.test_client(), make_user, make_letter, subscribe)


def leads_where_asked(location: str | None, asked: str | None) -> bool:
    if asked and asked.endswith("*"):
        return bool(location) and location.startswith(asked.removesuffix("*"))
    return location == asked


def run_as_it_is(write_path: WritePath, scene: Scene) -> Watch:
    """Run the request without a fault: it must succeed, and change the database if it writes."""
    request, endpoint = arrange(write_path, scene)
    before = database_contents()
    with watching(scene.client.application, endpoint, Watch()) as watch:
        response = send(scene.client, request)
    assert response.status_code == request.status, response.get_data(as_text=True)[:2000]
    assert leads_where_asked(response.headers.get("Location"), request.location)
    changed = database_contents() != before
    assert changed == write_path.writes, "a new connection should see what the request wrote"
    assert bool(watch.writes) == write_path.writes
    return watch


@pytest.mark.parametrize("write_path", WRITE_PATHS)
def test_a_successful_write_request_commits_once_after_its_view(write_path, app, scene_in):
    watch = run_as_it_is(write_path, scene_in(app))
    assert watch.commits == ["after the view"]


@pytest.mark.parametrize("write_path", WRITE_PATHS)
def test_a_request_failing_after_its_last_write_leaves_nothing_behind(
    write_path, app, app_factory, scene_in, caplog
):
    last_write = run_as_it_is(write_path, scene_in(app)).last_write()
    db.session.remove()  # frees the tables, which the next app drops and creates again
    db.engine.dispose()
    failing_app = app_factory(**SETTINGS, PROPAGATE_EXCEPTIONS=False)  # a fresh database
    scene = scene_in(failing_app)
    request, endpoint = arrange(write_path, scene)
    before = database_contents()

    with watching(failing_app, endpoint, Watch(fail_after=last_write)) as watch:
        response = send(scene.client, request)

    assert watch.fault_raised and response.status_code == 500
    errors = [record.exc_info[1] for record in caplog.records if record.exc_info]
    assert any(isinstance(error, InjectedFault) for error in errors), errors
    after = database_contents()
    changed = {
        name: (len(rows), len(after[name])) for name, rows in before.items() if after[name] != rows
    }
    assert changed == {}, "tables changed (rows before, after)"
    for name in ("notifications", "letter_events"):
        assert set(after[name]) <= set(before[name]), f"rows left behind in {name}"


def test_every_write_route_is_in_the_table(app):
    """A new POST route fails here until it has an entry in WRITE_PATHS."""
    rules = app.url_map.iter_rules()
    writing = {rule.rule for rule in rules if rule.methods - READ_ONLY_METHODS} | WRITING_GETS
    listed = {param.values[0].rule for param in WRITE_PATHS}
    missing, gone = sorted(writing - listed), sorted(listed - writing)
    assert not missing, f"write routes without an entry in WRITE_PATHS: {missing}"
    assert not gone, f"entries in WRITE_PATHS for routes that are gone: {gone}"
