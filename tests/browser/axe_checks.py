"""axe-core run in Chromium on the page as it is now: the accessibility tests share it."""

from __future__ import annotations

from typing import Any

from tests.page_types import AXE_JS

# The default rule set (WCAG 2 A/AA and best practices) in the light scheme; the dark
# scheme changes nothing but colours, so on the same page only the colour rules run again.
# Only violations are reported node by node: the same findings, in about half the time.
ALL_RULES: dict[str, Any] = {"resultTypes": ["violations"]}
COLOUR_RULES = {
    "runOnly": {"type": "rule", "values": ["color-contrast", "link-in-text-block"]},
    "resultTypes": ["violations"],
}
RUN_AXE = """async (options) => {
  const result = await axe.run(document, options);
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    targets: v.nodes.map((n) => n.target.join(" ")),
  }));
}"""
AXE_LOADED = "() => typeof window.axe !== 'undefined'"


class Axe:
    """Runs axe-core on the page as it is now, light and dark, and collects what it finds.

    The page's context must bypass the Content-Security-Policy: axe is an inline script.
    """

    def __init__(self, page: Any, language: str) -> None:
        self.page, self.language = page, language
        self.violations: list[str] = []

    def check(self, label: str) -> None:
        lang = self.page.get_attribute("html", "lang")
        assert lang == self.language, f"{label} is in {lang!r}, not {self.language!r}"
        if not self.page.evaluate(AXE_LOADED):  # a context's init script may have brought it
            self.page.add_script_tag(path=str(AXE_JS))
        for scheme, options in (("light", ALL_RULES), ("dark", COLOUR_RULES)):
            self.page.emulate_media(color_scheme=scheme)
            self.violations += [
                f"{label} ({scheme}): {v['id']} ({v['impact']}) {v['help']} -> "
                + ", ".join(v["targets"])
                for v in self.page.evaluate(RUN_AXE, options)
            ]
        self.page.emulate_media(color_scheme="light")

    def visit(self, base_url: str, path: str) -> None:
        self.page.goto(base_url + path)
        self.check(path)
