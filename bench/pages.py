"""How fast are Briefwechsel's pages, next to a bare Flask page of the same size?

Seeds 2,000 letters (threads of up to 50) into a temporary SQLite database through the
app's own services, serves the app twice under gunicorn (the page cache on, and off for the
pages as they are made anew) and bench/bare_app.py with the same settings (2 sync workers,
loopback), optionally the deploy/ nginx site in front of the app (--behind-nginx), loads
each page in turn with wrk, and prints req/s, p50/p99 latency, the servers' CPU time per
request and the ratio to the bare page of the same size, as medians over the rounds.
Run from the checkout: `.venv/bin/python bench/pages.py [--behind-nginx]`.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.seed import seed_letters  # noqa: E402  (needs the checkout on the path)
from bench.servers import (  # noqa: E402
    fetch,
    find_nginx,
    free_port,
    start_gunicorn,
    start_nginx,
    stop_server,
    wait_until_up,
)


@dataclass(frozen=True)
class Row:
    name: str
    server: str  # app (page cache on), fresh (page cache off), bare, nginx
    path: str
    baseline: str = ""  # the bare row it is compared with
    aim: float = 0.0  # as a ratio of req/s to the baseline
    headers: tuple[str, ...] = ()


def rows(letter: str, thread: str, etag: str, cookie: str, nginx: bool) -> list[Row]:
    """The pages measured; {letter} and {thread} are slugs, etag and cookie for wrk -H."""
    measured = [
        Row("bare letter page", "bare", "/letter"),
        Row("letter page, kept", "app", f"/letters/{letter}", "bare letter page", 0.5),
        Row(
            "304 answer",
            "app",
            f"/letters/{letter}",
            "bare letter page",
            0.8,
            (f"If-None-Match: {etag}",),
        ),  # fmt: skip
        Row("letter page, made anew", "fresh", f"/letters/{letter}", "bare letter page", 0.2),
        Row(
            "letter page, signed in",
            "app",
            f"/letters/{letter}",
            "bare letter page",
            0.15,
            (f"Cookie: {cookie}",),
        ),  # fmt: skip
        Row("bare front page", "bare", "/front"),
        Row("front page, kept", "app", "/", "bare front page", 0.5),
        Row("bare thread page", "bare", "/thread"),
        Row("thread page (50 letters)", "fresh", f"/threads/{thread}", "bare thread page", 0.15),
    ]
    if nginx:
        measured.append(
            Row("letter page behind nginx", "nginx", f"/letters/{letter}", "bare letter page", 5)
        )
    return measured


@dataclass
class Result:
    row: Row
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    cpu_ms: float  # server CPU time (every process of the servers involved) per request
    problems: str


def milliseconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def server_cpu_seconds(processes: list[subprocess.Popen]) -> float:
    """User and system CPU time of every live process in the servers' process groups."""
    groups = {process.pid for process in processes}
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended while we looked
        if int(fields[2]) in groups:  # fields[2] is the process group
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def run_wrk(url: str, options: argparse.Namespace, seconds: int, headers=()) -> tuple:
    """One wrk run: (req/s, p50 ms, p99 ms, requests, problems)."""
    extra = [part for header in headers for part in ("-H", header)]
    command = ["wrk", f"-t{options.threads}", f"-c{options.connections}", f"-d{seconds}s",
               "--latency", *extra, url]  # fmt: skip
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = milliseconds(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))
    p99 = milliseconds(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    problems = "; ".join(
        line.strip() for line in output.splitlines() if "Non-2xx" in line or "Socket errors" in line
    )
    return rate, p50, p99, requests, problems


def measure(row: Row, base: str, processes: list, options: argparse.Namespace) -> Result:
    cpu_before = server_cpu_seconds(processes)
    rate, p50, p99, requests, problems = run_wrk(base + row.path, options, options.seconds,
                                                 row.headers)  # fmt: skip
    cpu_ms = (server_cpu_seconds(processes) - cpu_before) * 1000 / max(requests, 1)
    return Result(row, rate, p50, p99, cpu_ms, problems)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=6, help="length of each wrk run")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--behind-nginx", action="store_true",
                        help="also the letter page through the deploy/ nginx site")  # fmt: skip
    options = parser.parse_args()
    # A SIGTERM unwinds like Ctrl-C, so that the servers below are stopped either way.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if shutil.which("wrk") is None:
        print("wrk is missing: apt-get install wrk", file=sys.stderr)
        return 1
    if options.behind_nginx and find_nginx() is None:
        print("nginx is missing: apt-get install nginx", file=sys.stderr)
        return 1
    servers: dict[str, subprocess.Popen] = {}
    with tempfile.TemporaryDirectory(prefix="briefwechsel-bench-") as folder:
        database_url = f"sqlite:///{Path(folder) / 'bench.sqlite'}"
        started = time.monotonic()
        letter_slug, thread_slug = seed_letters(database_url, options.letters, 50)
        print(f"Seeded {options.letters} letters in {time.monotonic() - started:.1f} s")
        try:
            results = benchmark(options, Path(folder), database_url, (letter_slug, thread_slug),
                                servers)  # fmt: skip
        finally:
            for process in servers.values():
                stop_server(process)
    report(results)
    return 0


def start(servers: dict, name: str, spec: str, env: dict[str, str], cwd: Path = ROOT) -> str:
    port = free_port()
    servers[name] = start_gunicorn(spec, port, env, cwd)
    wait_until_up(f"http://127.0.0.1:{port}/healthz", servers[name])
    return f"http://127.0.0.1:{port}"


def signed_in_cookie(base: str) -> str:
    """The session cookie of a colleague signed in through the login form."""
    jar = CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    html = browser.open(f"{base}/auth/login").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    form = {"email": "person0@example.org", "password": "bench-password-1", "csrf_token": token}
    browser.open(f"{base}/auth/login", data=urlencode(form).encode()).close()
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


def benchmark(options, folder: Path, database_url: str, slugs: tuple[str, str], servers) -> list:
    app_env = {"DATABASE_URL": database_url, "SECRET_KEY": "bench", "SITE_URL": "http://bench",
               "REDIS_URL": ""}  # fmt: skip
    bases = {"app": start(servers, "app", "app:create_app()", app_env),
             "fresh": start(servers, "fresh", "app:create_app()",
                            {**app_env, "PAGE_CACHE": "off"})}  # fmt: skip
    letter_url = f"{bases['app']}/letters/{slugs[0]}"
    with urllib.request.urlopen(letter_url) as response:
        etag = response.headers["ETag"]
    sizes = {name: len(fetch(url)) for name, url in (
        ("LETTER", letter_url), ("FRONT", f"{bases['app']}/"),
        ("THREAD", f"{bases['fresh']}/threads/{slugs[1]}"))}  # fmt: skip
    bare_env = {f"BARE_{name}_BYTES": str(size) for name, size in sizes.items()}
    bases["bare"] = start(servers, "bare", "bare_app:create_bare_app()", bare_env, ROOT / "bench")
    if options.behind_nginx:
        port = free_port()
        servers["nginx"] = start_nginx(folder, port, int(bases["app"].rsplit(":", 1)[1]))
        bases["nginx"] = f"http://127.0.0.1:{port}"
        wait_until_up(f"{bases['nginx']}/healthz", servers["nginx"])
    measured = rows(*slugs, etag, signed_in_cookie(bases["app"]), options.behind_nginx)
    print(f"HTML sizes: {', '.join(f'{name.lower()} {size} B' for name, size in sizes.items())}")
    print(f"{os.cpu_count()} CPUs, Python {platform.python_version()}; gunicorn: 2 sync workers"
          f" each; wrk: {options.threads} threads, {options.connections} connections,"
          f" {options.seconds} s per run")  # fmt: skip
    involved = {name: [servers[name]] for name in ("app", "fresh", "bare")}
    involved["nginx"] = [servers.get("nginx"), servers["app"]]
    for row in measured:  # warm up: imports, template compilation, connection pools, caches
        run_wrk(bases[row.server] + row.path, options, 1, row.headers)
    results = []
    for number in range(1, options.rounds + 1):
        for row in measured:
            result = measure(row, bases[row.server], involved[row.server], options)
            results.append(result)
            print(f"  round {number}: {row.name:28} {result.requests_per_second:9.1f} req/s"
                  f"  p50 {result.p50_ms:7.2f} ms  p99 {result.p99_ms:7.2f} ms"
                  f"  server CPU {result.cpu_ms:6.3f} ms/req  {result.problems}",
                  flush=True)  # fmt: skip
    return results


def report(results: list[Result]) -> None:
    print("\nMedian over rounds:")
    print(f"{'page':28} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'CPU ms/req':>11}"
          f" {'ratio':>7} {'aim':>6}")  # fmt: skip
    medians: dict[str, float] = {}
    names = list(dict.fromkeys(result.row.name for result in results))
    for name in names:
        runs = [result for result in results if result.row.name == name]
        row = runs[0].row
        rate = statistics.median(run.requests_per_second for run in runs)
        medians[name] = rate
        ratio = f"{rate / medians[row.baseline]:7.3f}" if row.baseline else ""
        verdict = ("" if not row.aim else
                   f" ≥ {row.aim:g}" + ("" if rate / medians[row.baseline] >= row.aim
                                        else " MISSED"))  # fmt: skip
        p50, p99, cpu = (statistics.median(getattr(run, field) for run in runs)
                         for field in ("p50_ms", "p99_ms", "cpu_ms"))  # fmt: skip
        print(f"{name:28} {rate:9.1f} {p50:8.2f} {p99:8.2f} {cpu:11.3f} {ratio:>7}{verdict}")


if __name__ == "__main__":
    sys.exit(main())
