"""PostgreSQL stopped and started under load: styled 503s meanwhile, then pages again."""

from __future__ import annotations

import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookiejar import CookieJar
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode

import pytest

from app.extensions import db
from tests.browser.live_server import add_colleague, serving
from tests.core.private_postgres import PrivatePostgres, missing_reason
from tests.notifications.sender_processes import wait_until
from tests.support import PASSWORD, app_for_tests

pytestmark = pytest.mark.soak

# Pages that always ask the database: search, and a signed-in colleague's settings.
PATHS = ["/search?q=letter", "/settings/notifications", "/"]


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    reason = missing_reason()
    if reason:
        pytest.skip(reason)
    server = PrivatePostgres()
    server.start()
    yield server
    server.remove()


@dataclass
class Answer:
    at: float
    path: str
    status: int
    body: str
    retry_after: str | None


class Readers:
    """Threads asking for pages one after the other until told to stop."""

    def __init__(self, base: str, opener: urllib.request.OpenerDirector, count: int) -> None:
        self.base, self.opener = base, opener
        self.answers: list[Answer] = []
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self.read, args=(n,)) for n in range(count)]
        for thread in self.threads:
            thread.start()

    def read(self, number: int) -> None:
        turn = number
        while not self.stopping.is_set():
            path = PATHS[turn % len(PATHS)]
            turn += 1
            self.answers.append(self.ask(path))

    def ask(self, path: str) -> Answer:
        try:
            with self.opener.open(self.base + path, timeout=30) as response:
                return Answer(time.monotonic(), path, response.status, response.read().decode(),
                              response.headers.get("Retry-After"))  # fmt: skip
        except HTTPError as error:
            with error:
                return Answer(time.monotonic(), path, error.code, error.read().decode(),
                              error.headers.get("Retry-After"))  # fmt: skip
        except (URLError, OSError) as error:
            return Answer(time.monotonic(), path, 0, repr(error), None)

    def stop(self) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(60)

    def since(self, moment: float) -> list[Answer]:
        return [answer for answer in list(self.answers) if answer.at >= moment]


def signed_in_opener(base: str) -> urllib.request.OpenerDirector:
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    form = urlencode({"email": "ada@example.org", "password": PASSWORD}).encode()
    with opener.open(base + "/auth/login", data=form, timeout=30) as response:
        assert response.status == 200 and "/auth/login" not in response.url
    return opener


def test_pages_answer_a_styled_503_while_postgres_restarts_and_recover_without_a_restart(
    private_postgres,
):
    app = app_for_tests(private_postgres.url)
    with serving(app) as server:
        with app.app_context():
            add_colleague("Ada Lovelace", "ada@example.org", "ada")
        readers = Readers(server.url, signed_in_opener(server.url), count=4)
        try:
            time.sleep(1)
            stopped = time.monotonic()
            private_postgres.stop()
            assert wait_until(lambda: any(a.status == 503 for a in readers.since(stopped)), 30)
            time.sleep(1)
            private_postgres.start()
            back = time.monotonic()
            recovered = wait_until(lambda: all_fine(readers.since(time.monotonic() - 1)), 30)
            recovery_seconds = time.monotonic() - back
            time.sleep(1)
        finally:
            readers.stop()
        with app.app_context():
            db.session.remove()
    answers = readers.answers
    unavailable = [answer for answer in answers if answer.status == 503]
    print(f"\n{len(answers)} answers, {len(unavailable)} of them 503; all pages fine "
          f"{recovery_seconds:.1f} s after PostgreSQL was back")  # fmt: skip
    assert {answer.status for answer in answers} <= {200, 503}, failures(answers)
    assert recovered, failures(readers.since(back))
    assert any(answer.path.startswith("/search") for answer in unavailable)
    for answer in unavailable:
        assert 'class="site-header"' in answer.body and '<main id="main">' in answer.body
        assert "Traceback" not in answer.body and answer.retry_after
    assert all_fine([answer for answer in answers if answer.at < stopped])
    assert all_fine(readers.since(time.monotonic() - 1.5))


def all_fine(answers: list[Answer]) -> bool:
    return bool(answers) and all(answer.status == 200 for answer in answers)


def failures(answers: list[Answer]) -> list[tuple[str, int, str]]:
    return [(a.path, a.status, a.body[:300]) for a in answers if a.status not in (200,)][:5]
