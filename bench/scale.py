"""Cost as the site grows: the same pages, search and writes at 2,000 and at 100,000 letters.

For each database (SQLite, PostgreSQL), seeds a site of each size in bulk
(bench/seed_bulk.py; on PostgreSQL each in a schema of its own), then times in-process
requests with the page cache off (letter, thread, front, tag and author page, the site
feed), searches (p50/p99 over many queries) and writes through the services (a draft
saved, a draft published, an answer published, each committed), the sizes taking turns in
rounds so that a machine shared with other work weighs on each size alike; and prints every
figure, the ratio of the largest size to the smallest and the aim (pages and writes within
1.5×, search p99 under 100 ms).
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
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from sqlalchemy import text  # noqa: E402

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


ROUNDS = 5  # the sizes take turns this many times


@dataclass
class Site:
    """One seeded site: its app, what the seed made, and every timing taken so far (ms)."""

    app: Any
    seeded: Seeded
    figures: Figures
    timings: dict[str, list[float]] = field(default_factory=dict)
    searches: list[float] = field(default_factory=list)
    drafts: list[int] = field(default_factory=list)  # ids of drafts saved, to publish
    saved: int = 0


def timed_ms(action: Callable[[], object], times: int) -> list[float]:
    timings = []
    for _ in range(times):
        started = time.perf_counter()
        action()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def page_paths(seeded: Seeded) -> dict[str, str]:
    return {
        "letter page": f"/letters/{seeded.letter_slug}",
        "thread page (50 letters)": f"/threads/{seeded.thread_slug}",
        "front page": "/",
        "tag page (largest category)": f"/tags/{seeded.tag_slug}",
        "author page": f"/@{seeded.author_handle}",
        "site feed": "/feed.atom",
    }


def time_pages(site: Site, client, requests: int, warm: bool) -> None:
    for name, path in page_paths(site.seeded).items():
        for _ in range(3 if warm else 0):  # warm: templates compiled, statements prepared
            assert client.get(path).status_code == 200, path
        site.timings.setdefault(name, []).extend(
            timed_ms(lambda path=path: client.get(path), requests)
        )


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


def time_search(site: Site, client, queries: list[str], warm: bool) -> None:
    for query in search_queries(20) if warm else []:  # warm, as the pages are
        client.get("/search", query_string={"q": query})
    for query in queries:
        started = time.perf_counter()
        assert client.get("/search", query_string={"q": query}).status_code == 200
        site.searches.append((time.perf_counter() - started) * 1000)


def p50_p99(timings: list[float]) -> tuple[float, float]:
    ordered = sorted(timings)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def draft(author: User, addressee: User, title: str) -> LetterDraft:
    body = " ".join(random.Random(title).choices(COMMON_WORDS + VOCABULARY[:300], k=250))
    return LetterDraft(title=title, salutation="", body=body, closing="Best",
                       signature=author.display_name, postscript="", language=Language.EN,
                       addressee=addressee, addressee_name="",
                       tags=["Leadership", "slow meetings 3"])  # fmt: skip


def time_writes(site: Site, count: int) -> None:
    """Times saving a draft, publishing one and answering a letter, each committed."""
    seeded = site.seeded
    author = db.session.scalar(db.select(User).where(User.email == seeded.author_email))
    other = db.session.get(User, 1 if author.id != 1 else 2)
    parent = db.session.scalar(db.select(Letter).where(Letter.slug == seeded.letter_slug))

    def save() -> None:
        site.saved += 1
        title = f"Draft {site.saved}"
        site.drafts.append(save_letter(author, draft(author, other, title), False).id)
        db.session.commit()

    def publish() -> None:
        publish_draft(db.session.get(Letter, site.drafts.pop()))
        db.session.commit()

    def answer() -> None:
        reply = draft(author, other, f"Re: {parent.title}")
        save_letter(author, reply, publish=True, in_reply_to=parent)
        db.session.commit()

    for name, action in (("save a draft", save), ("publish a draft", publish),
                         ("answer a letter", answer)):  # fmt: skip
        site.timings.setdefault(name, []).extend(timed_ms(action, count))


WRITES = ("save a draft", "publish a draft", "answer a letter")


def seed_site(url: str, letters: int) -> Site:
    """A site of this many letters in the database at `url` (its tables made anew)."""
    options = {} if url.startswith("sqlite") else {"pool_pre_ping": True}
    schema = None
    if not url.startswith("sqlite"):
        # Each size in a schema of its own, in the one database given.
        schema = f"scale_{letters}"
        options["connect_args"] = {"options": f"-csearch_path={schema}"}
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                      "SITE_URL": "http://bench", "RATELIMIT_ENABLED": False,
                      "WTF_CSRF_ENABLED": False, "SQLALCHEMY_ENGINE_OPTIONS": options})  # fmt: skip
    with app.app_context():
        if schema:
            with db.engine.connect() as connection:
                connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
                connection.execute(text(f"CREATE SCHEMA {schema}"))
                connection.commit()
        db.drop_all()
        db.create_all()
        started = time.monotonic()
        seeded = seed_bulk(letters)
        figures = Figures(time.monotonic() - started)
        db.session.remove()
    print(f"  {letters:,} letters seeded in {figures.seconds_to_seed:.1f} s: {seeded.counts}",
          flush=True)  # fmt: skip
    return Site(app, seeded, figures)


def measure_in_turns(sites: dict[int, Site], options: argparse.Namespace) -> None:
    """Pages, searches and writes of every size, the sizes taking turns round by round."""
    queries = search_queries(options.searches)
    for round_number in range(ROUNDS):
        for site in sites.values():
            with site.app.app_context():
                client = site.app.test_client(use_cookies=False)
                warm = round_number == 0
                time_pages(site, client, max(1, options.requests // ROUNDS), warm)
                time_search(site, client, queries[round_number::ROUNDS], warm)
                time_writes(site, max(1, options.writes // ROUNDS))
                db.session.remove()
    for site in sites.values():
        figures = site.figures
        for name, timings in site.timings.items():
            kind = figures.writes if name in WRITES else figures.pages
            kind[name] = statistics.median(timings)
        figures.search_p50, figures.search_p99 = p50_p99(site.searches)


def drop_sites(sites: dict[int, Site]) -> None:
    for letters, site in sites.items():
        with site.app.app_context():
            db.session.remove()
            if db.engine.dialect.name == "postgresql":
                with db.engine.connect() as connection:
                    connection.execute(text(f"DROP SCHEMA IF EXISTS scale_{letters} CASCADE"))
                    connection.commit()
            else:
                db.drop_all()
            db.engine.dispose()


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
    os.environ.update(PAGE_CACHE="off", REDIS_URL="")
    with tempfile.TemporaryDirectory(prefix="briefwechsel-scale-") as folder:
        for backend in options.backends:
            sites = {}
            try:
                for size in options.sizes:
                    url = options.postgres if backend == "postgresql" else (
                        f"sqlite:///{Path(folder) / f'scale-{size}.sqlite'}"
                    )  # fmt: skip
                    print(f"{backend}, {size:,} letters", flush=True)
                    sites[size] = seed_site(url, size)
                print(f"{backend}: timing, the sizes taking turns ({ROUNDS} rounds)", flush=True)
                measure_in_turns(sites, options)
            finally:
                drop_sites(sites)
            misses += report(backend, {size: site.figures for size, site in sites.items()})
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
