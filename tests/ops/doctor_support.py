"""Running `flask doctor` in tests and reading its report."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask


@dataclass
class Report:
    """What `flask doctor` printed: one line per check, and its exit code."""

    exit_code: int
    lines: dict[str, str]

    def ok(self, check: str) -> str:
        line = self.lines[check]
        assert line.startswith("OK "), line
        return line

    def problem(self, check: str) -> str:
        line = self.lines[check]
        assert line.startswith("PROBLEM "), line
        assert ". Fix: " in line, line
        return line


def run_doctor(app: Flask) -> Report:
    result = app.test_cli_runner().invoke(args=["doctor"])
    lines = {}
    for line in result.output.splitlines():
        status, rest = line.split(maxsplit=1)
        assert status in ("OK", "PROBLEM"), line
        lines[rest.split(":", 1)[0]] = line
    assert len(lines) == 7, result.output
    return Report(result.exit_code, lines)
