"""Open a report.html in real headless Chromium: does it load cleanly, and what does it look like?

    python scripts/check_report.py OUTDIR/report.html --screenshot out.png

Two runs of Chromium, each with a fresh throw-away profile and no network chatter:

1. ``--dump-dom`` with console logging on stderr: fails if the page logs a script error
   ("Uncaught ...", "ERROR:CONSOLE") or if the rendered DOM lacks the page's <title> text or
   the inline party-graph <svg>.
2. ``--screenshot`` at 1400x2000: fails if no PNG comes out; prints its path on success.

Needs Chromium (Debian: ``apt-get install -y chromium``). Chinese glyphs need a CJK font on
the machine (Debian: ``apt-get install -y fonts-noto-cjk``), otherwise they render as boxes
in the screenshot: look at it. Exit status: 0 checks pass, 1 a check failed, 2 no Chromium
or no such report.
"""
from __future__ import annotations

import argparse
import html
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars"]
CONSOLE_ERRORS = ("Uncaught", "ERROR:CONSOLE")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
TIMEOUT_S = 120


def find_browser(explicit: str | None) -> str | None:
    if explicit:
        return shutil.which(explicit)
    return next(filter(None, map(shutil.which, BROWSERS)), None)


def run_chromium(browser: str, url: str, *extra: str) -> subprocess.CompletedProcess:
    """One headless run with a fresh profile, so no state leaks between checks."""
    with tempfile.TemporaryDirectory(prefix="check-report-") as profile:
        command = [browser, *FLAGS, f"--user-data-dir={profile}", *extra, url]
        return subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_S)


def page_title(report: Path) -> str:
    found = re.search(r"<title>(.*?)</title>", report.read_text(encoding="utf-8"), re.S)
    return html.unescape(found.group(1)).strip() if found else ""


def check_dom(browser: str, report: Path) -> list[str]:
    """Problems seen while loading the page: console errors, missing title or graph."""
    result = run_chromium(browser, report.resolve().as_uri(), "--enable-logging=stderr", "--v=0", "--dump-dom")
    problems = [f"console: {line.strip()}" for line in result.stderr.splitlines()
                if any(marker in line for marker in CONSOLE_ERRORS)]
    if result.returncode != 0:
        problems.append(f"chromium exited with status {result.returncode}: {result.stderr.strip()[-500:]}")
    title = page_title(report)
    if not title or html.escape(title, quote=False) not in result.stdout:
        problems.append(f"rendered DOM lacks the page title {title!r}")
    if "<svg" not in result.stdout:
        problems.append("rendered DOM lacks the party-graph <svg>")
    return problems


def take_screenshot(browser: str, report: Path, png: Path) -> list[str]:
    png.parent.mkdir(parents=True, exist_ok=True)
    png.unlink(missing_ok=True)
    result = run_chromium(browser, report.resolve().as_uri(), f"--screenshot={png.resolve()}",
                          "--window-size=1400,2000")
    if not png.is_file() or png.read_bytes()[:8] != PNG_SIGNATURE:
        return [f"no screenshot written (chromium status {result.returncode}): {result.stderr.strip()[-500:]}"]
    return []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("report", type=Path, help="the report.html to check")
    parser.add_argument("--screenshot", type=Path, default=Path("report.png"), help="where to write the PNG")
    parser.add_argument("--chromium", help=f"browser executable (default: first of {', '.join(BROWSERS)})")
    args = parser.parse_args(argv)

    browser = find_browser(args.chromium)
    if browser is None:
        print("check_report: Chromium not found; install it (Debian: apt-get install -y chromium)", file=sys.stderr)
        return 2
    if not args.report.is_file():
        print(f"check_report: {args.report}: no such file", file=sys.stderr)
        return 2
    try:
        problems = check_dom(browser, args.report) + take_screenshot(browser, args.report, args.screenshot)
    except subprocess.TimeoutExpired:
        problems = [f"chromium did not finish within {TIMEOUT_S} s"]
    for problem in problems:
        print(f"check_report: {args.report}: {problem}", file=sys.stderr)
    if problems:
        return 1
    print(args.screenshot)
    return 0


if __name__ == "__main__":
    sys.exit(main())
