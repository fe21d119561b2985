"""Search benchmark: 2,000 letters on the embedded default (SQLite FTS5), timed queries.

Seeds 2,000 published letters through the app's own services, then times /search requests
(the whole request: query, ranking, snippets, template) for a few queries, and prints the
median and the slowest. The aim is well under 100 ms per search.
Run: .venv/bin/python bench/search.py
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from app.accounts.service import create_user  # noqa: E402
from app.extensions import db  # noqa: E402
from app.letters.models import Language  # noqa: E402
from app.letters.service import LetterDraft, save_letter  # noqa: E402

LETTERS = 2000
QUERIES = ["decisions", "trust meetings", "Transformation", "remote hiring budget",
           "a NEAR b", '"unclosed', "zebra"]  # fmt: skip
VOCABULARY = (
    "we decide too quickly in meetings and forget what we decided a letter makes me finish a "
    "thought trust grows when decisions are written down remote teams hiring budget design "
    "the Transformation of our departments needs time patience and one clear direction"
).split()


def seed() -> None:
    rng = random.Random(7)
    people = [create_user(f"p{n}@example.org", f"Person {n}", "benchmark password")
              for n in range(6)]  # fmt: skip
    for number in range(LETTERS):
        body = "\n\n".join(
            " ".join(rng.choice(VOCABULARY) for _ in range(rng.randint(60, 140)))
            for _ in range(rng.randint(2, 5))
        )
        author, addressee = rng.sample(people, 2)
        draft = LetterDraft(
            title=f"Letter {number}: {' '.join(rng.sample(VOCABULARY, 4))}",
            salutation="",
            body=body,
            closing="Best",
            signature=author.display_name,
            postscript="",
            language=Language.EN,
            addressee=addressee,
            addressee_name="",
        )
        save_letter(author, draft, publish=True)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/search.sqlite",
                "SECRET_KEY": "bench",
                "SITE_URL": "https://briefe.example.org",
            }
        )
        with app.app_context():
            db.create_all()
            started = time.perf_counter()
            seed()
            print(f"seeded {LETTERS} letters in {time.perf_counter() - started:.1f} s")
            client = app.test_client()
            print(f"{'query':24} {'median ms':>10} {'max ms':>8} {'results':>8}")
            for query in QUERIES:
                timings = []
                for _ in range(15):
                    started = time.perf_counter()
                    response = client.get("/search", query_string={"q": query})
                    timings.append((time.perf_counter() - started) * 1000)
                found = response.get_data(as_text=True).count('<li lang="')
                print(f"{query:24} {statistics.median(timings):10.1f} {max(timings):8.1f} "
                      f"{found:8d}")  # fmt: skip
            db.session.remove()
            db.drop_all()


if __name__ == "__main__":
    main()
