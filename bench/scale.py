"""Cost as the site grows: the same pages, search and writes at 2,000 and at 100,000 letters.

For each database (SQLite, PostgreSQL) and each size, seeds the site in bulk
(bench/seed_bulk.py), then times in-process requests with the page cache off (letter,
thread, front, tag and author page, the site feed), searches (p50/p99 over many queries)
and writes through the services (a draft saved, a draft published, an answer published,
each committed), and prints every figure, the ratio of the largest size to the smallest and
the aim (pages and writes within 1.5×, search p99 under 100 ms).
Run from the checkout: `.venv/bin/python bench/scale.py [--sizes 2000,100000]
[--backends sqlite,postgresql] [--postgres URL]` (about 10 minutes for both at 100,000).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from app import create_app  # noqa: E402  (needs the checkout on the path)
from app.accounts.models import User  # noqa: E402
from app.extensions import db  # noqa: E402
from app.letters.models import Language, Letter  # noqa: E402
from app.letters.service import LetterDraft, publish_draft, save_letter  # noqa: E402
from bench.seed import COMMON_WORDS, NAMES, VOCABULARY  # noqa: E402
from bench.seed_bulk import Seeded, seed_bulk  # noqa: E402

PAGE_AIM = 1.5
SEARCH_AIM_MS = 100.0
DEFAULT_POSTGRES = "postgresql://root@127.0.0.1/briefe_scale_bench"


@dataclass
class Figures:
    """One backend at one size: median ms of each page and write, search p50/p99."""

    seconds_to_seed: float
    pages: dict[str, float] = field(default_factory=dict)
    writes: dict[str, float] = field(default_factory=dict)
    search_p50: float = 0.0
    search_p99: float = 0.0


def median_ms(action: Callable[[], object], times: int) -> float:
    timings = []
    for _ in range(times):
        started = time.perf_counter()
        action()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def page_paths(seeded: Seeded) -> dict[str, str]:
    return {
        "letter page": f"/letters/{seeded.letter_slug}",
        "thread page (50 letters)": f"/threads/{seeded.thread_slug}",
        "front page": "/",
        "tag page (largest category)": f"/tags/{seeded.tag_slug}",
        "author page": f"/@{seeded.author_handle}",
        "site feed": "/feed.atom",
    }


def time_pages(client, seeded: Seeded, requests: int) -> dict[str, float]:
    timings = {}
    for name, path in page_paths(seeded).items():
        for _ in range(3):  # warm: templates compiled, statements prepared
            assert client.get(path).status_code == 200, path
        timings[name] = median_ms(lambda path=path: client.get(path), requests)
    return timings


def search_queries(count: int) -> list[str]:
    """Common words, rare words, names and mixes, as readers type them."""
    rng = random.Random(11)
    makers = [
        lambda: rng.choice(COMMON_WORDS),
        lambda: rng.choice(VOCABULARY[:50]),
        lambda: rng.choice(VOCABULARY),
        lambda: f"{rng.choice(VOCABULARY)} {rng.choice(COMMON_WORDS)}",
        lambda: f"{rng.choice(COMMON_WORDS)} {rng.choice(COMMON_WORDS)}",
        lambda: rng.choice(NAMES).split()[0],
        lambda: f"{rng.choice(NAMES).split()[1]} {rng.choice(VOCABULARY[:200])}",
    ]
    return [makers[n % len(makers)]() for n in range(count)]


def time_search(client, count: int) -> tuple[float, float]:
    for query in search_queries(20):  # warm, as the pages are
        client.get("/search", query_string={"q": query})
    timings = []
    for query in search_queries(count):
        started = time.perf_counter()
        assert client.get("/search", query_string={"q": query}).status_code == 200
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return statistics.median(timings), timings[min(len(timings) - 1, int(len(timings) * 0.99))]


def draft(author: User, addressee: User, title: str) -> LetterDraft:
    body = " ".join(random.Random(title).choices(COMMON_WORDS + VOCABULARY[:300], k=250))
    return LetterDraft(title=title, salutation="", body=body, closing="Best",
                       signature=author.display_name, postscript="", language=Language.EN,
                       addressee=addressee, addressee_name="",
                       tags=["Leadership", "slow meetings 3"])  # fmt: skip


def time_writes(seeded: Seeded, count: int) -> dict[str, float]:
    """Median ms of saving a draft, publishing it and answering a letter, each committed."""
    author = db.session.scalar(db.select(User).where(User.email == seeded.author_email))
    other = db.session.get(User, 1 if author.id != 1 else 2)
    parent = db.session.scalar(db.select(Letter).where(Letter.slug == seeded.letter_slug))
    drafts: list[Letter] = []
    counter = iter(range(10**6))

    def save() -> None:
        drafts.append(save_letter(author, draft(author, other, f"Draft {next(counter)}"), False))
        db.session.commit()

    def publish() -> None:
        publish_draft(drafts.pop())
        db.session.commit()

    def answer() -> None:
        reply = draft(author, other, f"Re: {parent.title}")
        save_letter(author, reply, publish=True, in_reply_to=parent)
        db.session.commit()

    return {"save a draft": median_ms(save, count), "publish a draft": median_ms(publish, count),
            "answer a letter": median_ms(answer, count)}  # fmt: skip


def measure(url: str, letters: int, options: argparse.Namespace) -> Figures:
    os.environ.update(PAGE_CACHE="off", REDIS_URL="")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                      "SITE_URL": "http://bench", "RATELIMIT_ENABLED": False,
                      "WTF_CSRF_ENABLED": False})  # fmt: skip
    with app.app_context():
        db.drop_all()
        db.create_all()
        started = time.monotonic()
        seeded = seed_bulk(letters)
        figures = Figures(time.monotonic() - started)
        print(f"  {letters:,} letters seeded in {figures.seconds_to_seed:.1f} s: {seeded.counts}",
              flush=True)  # fmt: skip
        client = app.test_client(use_cookies=False)
        figures.pages = time_pages(client, seeded, options.requests)
        figures.search_p50, figures.search_p99 = time_search(client, options.searches)
        figures.writes = time_writes(seeded, options.writes)
        db.session.remove()
        db.drop_all()
        db.engine.dispose()
    return figures


def report(backend: str, by_size: dict[int, Figures]) -> list[str]:
    """Print the table of one backend; returns the rows that miss their aim."""
    small, large = min(by_size), max(by_size)
    print(f"\n{backend}: median ms per request or write, {small:,} and {large:,} letters")
    print(f"{'':32} {small:>10,} {large:>10,} {'ratio':>7}  aim")
    misses = []
    for kind in ("pages", "writes"):
        for name, base in getattr(by_size[small], kind).items():
            grown = getattr(by_size[large], kind)[name]
            ratio = grown / base
            met = ratio <= PAGE_AIM
            misses += [] if met else [f"{backend}: {name} {ratio:.2f}×"]
            print(f"{name:32} {base:10.2f} {grown:10.2f} {ratio:7.2f}  ≤ {PAGE_AIM}"
                  f"{'' if met else '  MISSED'}")  # fmt: skip
    for label in ("search_p50", "search_p99"):
        base, grown = getattr(by_size[small], label), getattr(by_size[large], label)
        met = label == "search_p50" or grown < SEARCH_AIM_MS
        misses += [] if met else [f"{backend}: search p99 {grown:.1f} ms"]
        aim = "" if label == "search_p50" else f"< {SEARCH_AIM_MS:.0f} ms"
        print(f"{label.replace('_', ' '):32} {base:10.2f} {grown:10.2f} {grown / base:7.2f}  {aim}"
              f"{'' if met else '  MISSED'}")  # fmt: skip
    seeds = ", ".join(f"{size:,}: {f.seconds_to_seed:.0f} s" for size, f in by_size.items())
    print(f"seeding took {seeds}")
    return misses


def run(options: argparse.Namespace) -> list[str]:
    misses = []
    with tempfile.TemporaryDirectory(prefix="briefwechsel-scale-") as folder:
        for backend in options.backends:
            by_size = {}
            for size in options.sizes:
                url = options.postgres if backend == "postgresql" else (
                    f"sqlite:///{Path(folder) / f'scale-{size}.sqlite'}"
                )  # fmt: skip
                print(f"{backend}, {size:,} letters", flush=True)
                by_size[size] = measure(url, size, options)
            misses += report(backend, by_size)
    return misses


def parse(arguments: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000,100000",
                        type=lambda text: [int(part) for part in text.split(",")])  # fmt: skip
    parser.add_argument("--backends", default="sqlite,postgresql", type=lambda t: t.split(","))
    parser.add_argument("--postgres", default=os.environ.get("SCALE_DATABASE_URL",
                                                             DEFAULT_POSTGRES))  # fmt: skip
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page")
    parser.add_argument("--searches", type=int, default=300, help="timed searches")
    parser.add_argument("--writes", type=int, default=15, help="timed writes of each kind")
    return parser.parse_args(arguments)


def main() -> int:
    started = time.monotonic()
    misses = run(parse())
    print(f"\nThe whole run took {(time.monotonic() - started) / 60:.1f} min.")
    print("Every aim met." if not misses else "Missed: " + "; ".join(misses))
    return 0 if not misses else 1


if __name__ == "__main__":
    sys.exit(main())
