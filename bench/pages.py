"""How fast are the letter page and a 50-letter thread page, next to a bare Flask page?

Seeds 2,000 letters (threads of up to 50) into a temporary SQLite database through the
app's own services, serves the app and bench/bare_app.py under gunicorn with the same
settings (2 sync workers, loopback), loads each page in turn with wrk, and prints req/s,
p50/p99 latency, the servers' CPU time per request and the ratio app/bare.
Run from the checkout: `.venv/bin/python bench/pages.py`.
Aims: letter page >= 0.15x the bare page, thread page of 50 letters >= 0.08x.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.seed import seed_letters  # noqa: E402  (needs the checkout on the path)

VENV_BIN = Path(sys.executable).parent
GUNICORN = [str(VENV_BIN / "gunicorn"), "--workers", "2", "--log-level", "warning"]
AIMS = {"letter": 0.15, "thread": 0.08}


@dataclass
class Result:
    page: str
    server: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    cpu_ms: float  # server CPU time (master and workers) per request
    problems: str


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(app_spec: str, port: int, env: dict[str, str], cwd: Path) -> subprocess.Popen:
    command = [*GUNICORN, "--bind", f"127.0.0.1:{port}", app_spec]
    return subprocess.Popen(
        command,
        cwd=cwd,
        env={**os.environ, **env},
        start_new_session=True,
        stdin=subprocess.DEVNULL,
    )


def stop_server(process: subprocess.Popen) -> None:
    """SIGTERM the whole process group (master and workers), SIGKILL if it lingers."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200, (url, response.status)
        return response.read()


def wait_until_up(url: str, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server for {url} exited with {process.returncode}")
        try:
            fetch(url)
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def milliseconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def server_cpu_seconds(process: subprocess.Popen) -> float:
    """User and system CPU time of every live process in the server's process group."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended while we looked
        if int(fields[2]) == process.pid:  # fields[2] is the process group
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def run_wrk(url: str, seconds: int, threads: int, connections: int) -> tuple[float, ...]:
    """One wrk run: (req/s, p50 ms, p99 ms, requests, problems)."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = milliseconds(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))
    p99 = milliseconds(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    problems = "; ".join(
        line.strip() for line in output.splitlines() if "Non-2xx" in line or "Socket errors" in line
    )
    return rate, p50, p99, requests, problems


def measure(
    page: str, server: str, url: str, process: subprocess.Popen, options: argparse.Namespace
) -> Result:
    cpu_before = server_cpu_seconds(process)
    rate, p50, p99, requests, problems = run_wrk(
        url, options.seconds, options.threads, options.connections
    )
    cpu_ms = (server_cpu_seconds(process) - cpu_before) * 1000 / max(requests, 1)
    return Result(page, server, rate, p50, p99, cpu_ms, problems)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=6, help="length of each wrk run")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    options = parser.parse_args()
    # A SIGTERM unwinds like Ctrl-C, so that the servers below are stopped either way.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if shutil.which("wrk") is None:
        print("wrk is missing: apt-get install wrk", file=sys.stderr)
        return 1

    servers: list[subprocess.Popen] = []
    with tempfile.TemporaryDirectory(prefix="briefwechsel-bench-") as folder:
        database_url = f"sqlite:///{Path(folder) / 'bench.sqlite'}"
        started = time.monotonic()
        letter_slug, thread_slug = seed_letters(database_url, options.letters, 50)
        print(f"Seeded {options.letters} letters in {time.monotonic() - started:.1f} s")
        try:
            results = benchmark(options, database_url, letter_slug, thread_slug, servers)
        finally:
            for process in servers:
                stop_server(process)
    report(results)
    return 0


def benchmark(
    options: argparse.Namespace,
    database_url: str,
    letter_slug: str,
    thread_slug: str,
    servers: list[subprocess.Popen],
) -> list[Result]:
    app_port, bare_port = free_port(), free_port()
    app_env = {"DATABASE_URL": database_url, "SECRET_KEY": "bench", "SITE_URL": "http://bench"}
    servers.append(start_server("app:create_app()", app_port, app_env, ROOT))
    app_base = f"http://127.0.0.1:{app_port}"
    wait_until_up(f"{app_base}/healthz", servers[-1])
    urls = {
        ("letter", "app"): f"{app_base}/letters/{letter_slug}",
        ("thread", "app"): f"{app_base}/threads/{thread_slug}",
    }
    sizes = {page: len(fetch(urls[page, "app"])) for page in ("letter", "thread")}
    bare_env = {
        "BARE_LETTER_BYTES": str(sizes["letter"]),
        "BARE_THREAD_BYTES": str(sizes["thread"]),
    }
    servers.append(start_server("bare_app:create_bare_app()", bare_port, bare_env, ROOT / "bench"))
    bare_base = f"http://127.0.0.1:{bare_port}"
    wait_until_up(f"{bare_base}/healthz", servers[-1])
    urls["letter", "bare"] = f"{bare_base}/letter"
    urls["thread", "bare"] = f"{bare_base}/thread"
    for (page, server), url in urls.items():
        size = len(fetch(url))
        assert size == sizes[page], f"{server} {page} page is {size} bytes, not {sizes[page]}"
    print(f"HTML sizes: letter page {sizes['letter']} B, thread page {sizes['thread']} B")
    print(
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}; gunicorn: 2 sync workers"
        f" each; wrk: {options.threads} threads, {options.connections} connections,"
        f" {options.seconds} s per run"
    )

    order = [("letter", "app"), ("letter", "bare"), ("thread", "app"), ("thread", "bare")]
    for key in order:  # warm up: imports, template compilation, connection pools
        run_wrk(urls[key], 1, options.threads, options.connections)
    processes = {"app": servers[0], "bare": servers[1]}
    results = []
    for number in range(1, options.rounds + 1):
        for page, server in order:
            result = measure(page, server, urls[page, server], processes[server], options)
            results.append(result)
            print(
                f"  round {number}: {page:6} {server:4} {result.requests_per_second:9.1f} req/s"
                f"  p50 {result.p50_ms:7.2f} ms  p99 {result.p99_ms:7.2f} ms"
                f"  server CPU {result.cpu_ms:6.2f} ms/req  {result.problems}",
                flush=True,
            )
    return results


def report(results: list[Result]) -> None:
    print("\nMedian over rounds:")
    print(f"{'page':22} {'server':6} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'CPU ms/req':>11}")
    medians: dict[tuple[str, str], tuple[float, float]] = {}
    for page in ("letter", "thread"):
        label = "letter" if page == "letter" else "thread (50 letters)"
        for server in ("app", "bare"):
            runs = [r for r in results if r.page == page and r.server == server]
            rate = statistics.median(r.requests_per_second for r in runs)
            p50 = statistics.median(r.p50_ms for r in runs)
            p99 = statistics.median(r.p99_ms for r in runs)
            cpu = statistics.median(r.cpu_ms for r in runs)
            medians[page, server] = rate, cpu
            print(f"{label:22} {server:6} {rate:9.1f} {p50:8.2f} {p99:8.2f} {cpu:11.2f}")
    print()
    for page, aim in AIMS.items():
        (app_rate, app_cpu), (bare_rate, bare_cpu) = medians[page, "app"], medians[page, "bare"]
        ratio = app_rate / bare_rate
        verdict = "meets" if ratio >= aim else "MISSES"
        print(
            f"{page} page: app/bare = {ratio:.3f} in req/s ({verdict} the aim of {aim:.2f});"
            f" {bare_cpu / app_cpu:.3f} in server CPU per request"
        )


if __name__ == "__main__":
    sys.exit(main())
