"""Screenshots of the demo for the README: docs/front-page.png, docs/letter-desktop.png and
docs/letter-phone.png.

Run from the checkout: `.venv/bin/python -m tests.browser.readme_screenshots`.
It serves the demo data from a temporary SQLite file on loopback and drives Debian's Chromium.
"""

from __future__ import annotations

import sys
import tempfile
from io import BytesIO
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

from app.demo import load_demo_data
from app.extensions import db
from tests.browser.live_server import (
    CHROMIUM,
    CHROMIUM_MISSING,
    PageLog,
    browser_test_app,
    launch_chromium,
    serving,
)

DOCS = Path(__file__).resolve().parents[2] / "docs"
MAX_BYTES = 300_000
# (file, page, browser language, viewport, pixel ratio, whole page?)
SHOTS = [
    ("front-page.png", "/", "en-GB", {"width": 1280, "height": 900}, 1, False),
    (
        "letter-desktop.png",
        "/letters/warum-wir-wieder-briefe-schreiben-sollten",
        "de-DE",
        {"width": 1280, "height": 860},
        1,
        True,
    ),
    (
        "letter-phone.png",
        "/letters/on-writing-things-down",
        "en-GB",
        {"width": 390, "height": 844},
        2,
        True,
    ),
]


def small_png(png: bytes) -> bytes:
    """The screenshot with a 256-colour palette: text stays sharp, the file a fraction."""
    image = Image.open(BytesIO(png)).convert("RGB")
    palette = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    out = BytesIO()
    palette.save(out, format="PNG", optimize=True)
    return out.getvalue()


def main() -> int:
    if not CHROMIUM.exists():
        print(CHROMIUM_MISSING, file=sys.stderr)
        return 1
    DOCS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        app = browser_test_app(Path(folder) / "demo.sqlite")
        with serving(app) as server, sync_playwright() as playwright:
            load_demo_data()
            db.session.commit()
            db.session.remove()
            browser = launch_chromium(playwright)
            log = PageLog()
            for name, path, locale, viewport, ratio, full_page in SHOTS:
                context = browser.new_context(
                    locale=locale, viewport=viewport, device_scale_factor=ratio
                )
                log.watch(context)
                page = context.new_page()
                page.goto(f"{server.url}{path}")
                png = small_png(page.screenshot(full_page=full_page, animations="disabled"))
                (DOCS / name).write_bytes(png)
                print(f"docs/{name}: {len(png) // 1024} KB")
                assert len(png) < MAX_BYTES, f"{name} is larger than {MAX_BYTES} bytes"
                context.close()
            browser.close()
    if log.outside or log.errors:
        print("pages left 127.0.0.1 or logged errors:", log.outside, log.errors, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
