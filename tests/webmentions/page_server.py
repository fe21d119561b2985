"""Another site, for the sender to read and post to: an HTTP server on loopback in a thread.

A test puts pages in it (status, headers, body, a delay, a body that never ends) and reads
what came to it: every request, with its form.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


@dataclass
class Answer:
    """What the server answers at one path; `statuses` are used up one per request first."""

    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html"})
    statuses: list[int] = field(default_factory=list)
    delay: float = 0.0  # seconds before the answer
    endless: bool = False  # the body never ends (a page far too big)
    trickle: float = 0.0  # seconds between the bytes of the body


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    form: dict[str, str]


class Handler(BaseHTTPRequestHandler):
    server: PageServerHTTP

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self.answer({})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        form = parse_qs(self.rfile.read(length).decode("utf-8", "replace"))
        self.answer({name: values[0] for name, values in form.items()})

    def answer(self, form: dict[str, str]) -> None:
        site = self.server.site
        site.seen.append(Seen(self.command, self.path, form))
        answer = site.answers.get(self.path, Answer(b"Not here", 404))
        time.sleep(answer.delay)
        status = answer.statuses.pop(0) if answer.statuses else answer.status
        self.send_response(status)
        for name, value in answer.headers.items():
            self.send_header(name, value)
        if not answer.endless and not answer.trickle:
            self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        try:
            self.write_body(answer)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the reader stopped reading, as it should

    def write_body(self, answer: Answer) -> None:
        if answer.endless:
            chunk = b"<p>" + b"x" * 65536 + b"</p>"
            for _ in range(10_000):  # 650 MB at most: a reader that does not stop fails
                self.wfile.write(chunk)
        elif answer.trickle:
            for byte in answer.body:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(answer.trickle)
        else:
            self.wfile.write(answer.body)


class PageServerHTTP(ThreadingHTTPServer):
    daemon_threads = True
    site: PageServer


class PageServer:
    """The other site: `put` pages, `url` them, look at what was `seen`."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.answers: dict[str, Answer] = {}
        self.seen: list[Seen] = []
        self._server = PageServerHTTP((host, 0), Handler)
        self._server.site = self
        self.host = host
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True,
                                        kwargs={"poll_interval": 0.05})  # fmt: skip

    def url(self, path: str, host: str | None = None) -> str:
        return f"http://{host or self.host}:{self.port}{path}"

    def put(self, path: str, body: str | bytes = b"", **options: object) -> str:
        """Serve this at the path; its address."""
        data = body.encode() if isinstance(body, str) else body
        self.answers[path] = Answer(data, **options)
        return self.url(path)

    def posts_to(self, path: str) -> list[dict[str, str]]:
        return [seen.form for seen in self.seen if seen.method == "POST" and seen.path == path]

    def gets_of(self, path: str) -> int:
        return sum(1 for seen in self.seen if seen.method == "GET" and seen.path == path)

    def start(self) -> PageServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)


def running_page_server() -> Iterator[PageServer]:
    server = PageServer().start()
    try:
        yield server
    finally:
        server.stop()
