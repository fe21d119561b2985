"""Where a reply's time goes: cProfile over replies delivered as the LMTP listener does.

Run from the checkout: `.venv/bin/python bench/profile_inbound.py [--replies N] [--sort tottime]`.
Seeds bench/inbound.py's letter and notice into a temporary SQLite file, then hands replies
to `deliver` in an app context of its own each, as the listener's worker threads do. Prints
the CPU time per reply without the profiler, then the functions that cost the most.
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
from bench.inbound import DOMAIN, SECRET, reply, seed  # noqa: E402  (needs the checkout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replies", type=int, default=300)
    parser.add_argument("--sort", default="cumulative", help="pstats sort key, e.g. tottime")
    parser.add_argument("--lines", type=int, default=45)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="briefwechsel-profile-") as folder:
        url = f"sqlite:///{Path(folder) / 'bench.sqlite'}"
        address = seed(url)
        os.environ.update(DATABASE_URL=url, SECRET_KEY=SECRET, REPLY_DOMAIN=DOMAIN, MAIL_SERVER="")
        from app import create_app
        from app.inbound.delivery import deliver

        app = create_app()

        def run(first: int) -> None:
            for number in range(first, first + options.replies):
                with app.app_context():
                    answer = deliver(reply(address, number), address, "svenja@example.org")
                assert answer.taken, answer

        run(0)  # warm: templates, first statements
        started = time.process_time()
        run(options.replies)
        per_reply = (time.process_time() - started) / options.replies * 1000
        print(f"{per_reply:.2f} ms CPU per reply in-process, without the profiler\n")
        profile = cProfile.Profile()
        profile.enable()
        run(2 * options.replies)
        profile.disable()
        pstats.Stats(profile).sort_stats(options.sort).print_stats(options.lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
