"""Where a page's time goes: cProfile over in-process requests, on the benchmark's data.

Run from the checkout: `.venv/bin/python bench/profile_pages.py [letter|thread|front]
[--kept] [--signed-in] [--requests N]`. Pages are made anew for each request (the page cache
off), unless --kept: then they come from the page cache as signed-out readers get them.
Prints the time per request without the profiler, then the functions that cost the most.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.seed import seed_letters  # noqa: E402  (needs the checkout on the path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page", choices=["letter", "thread", "front"])
    parser.add_argument("--kept", action="store_true", help="with the page cache on")
    parser.add_argument("--signed-in", action="store_true", help="as a signed-in colleague")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--sort", default="cumulative", help="pstats sort key, e.g. tottime")
    parser.add_argument("--lines", type=int, default=40)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="briefwechsel-profile-") as folder:
        database_url = f"sqlite:///{Path(folder) / 'bench.sqlite'}"
        letter_slug, thread_slug = seed_letters(database_url, 2000, 50)
        os.environ.update(DATABASE_URL=database_url, SECRET_KEY="bench", SITE_URL="http://bench",
                          REDIS_URL="", PAGE_CACHE="on" if options.kept else "off")  # fmt: skip
        from app import create_app

        app = create_app({"WTF_CSRF_ENABLED": False})
        # Without cookies, like wrk: every request is a first visit; or one colleague's.
        client = app.test_client(use_cookies=options.signed_in)
        if options.signed_in:
            form = {"email": "person0@example.org", "password": "bench-password-1"}
            assert client.post("/auth/login", data=form).status_code == 302
        path = {"letter": f"/letters/{letter_slug}", "thread": f"/threads/{thread_slug}",
                "front": "/"}[options.page]  # fmt: skip
        for _ in range(20):
            assert client.get(path).status_code == 200
        started = time.perf_counter()
        for _ in range(options.requests):
            client.get(path)
        per_request = (time.perf_counter() - started) / options.requests * 1000
        print(f"{path}: {per_request:.2f} ms per request in-process, without the profiler\n")
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(options.requests):
            client.get(path)
        profile.disable()
        pstats.Stats(profile).sort_stats(options.sort).print_stats(options.lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
