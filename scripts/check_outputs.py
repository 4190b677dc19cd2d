#!/usr/bin/env python3
"""Open wkb's office outputs the way their readers do, where the programs are installed (issue 13).

    python3 scripts/check_outputs.py [FOLDER]        (default: demo-out, written by `tasks.py demo`)
    python3 tasks.py check-outputs                   (writes demo-out first, then runs this)

- every `.html`: headless Chromium renders it (`--dump-dom`: the page's tables and SVG are there)
  and takes a screenshot `<name>.png` beside it (a PNG of real size);
- every `.xlsx` and `.docx`: LibreOffice converts it to PDF without error, and the PDF's text
  (`pdftotext`, poppler-utils) holds the Chinese the file holds.

A program that is not installed is reported as skipped, not failed. On Debian/Ubuntu:
`apt-get install chromium libreoffice-calc-nogui libreoffice-writer-nogui poppler-utils
fonts-noto-cjk`. Exit status 1 when any check fails.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# Text each kind of file must show once rendered (the PDF or the DOM).
EXPECTED = {
    ".html": ["包区服务合规报告", "<svg", 'id="heatmap"', "责任领导"],
    ".xlsx": ["责任领导", "联系次数", "胡军"],
    ".docx": ["包区服务工作情况的通报", "胡军", "武汉市科学技术局"],
}


def chromium() -> str | None:
    return next((c for c in ("chromium", "chromium-browser", "google-chrome") if shutil.which(c)), None)


def check_html(path: Path, browser: str) -> list[str]:
    failures: list[str] = []
    with tempfile.TemporaryDirectory() as profile:
        flags = [
            "--headless",
            "--no-sandbox",  # root in a container has no user namespace for the sandbox
            "--disable-gpu",
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
        ]
        dom = subprocess.run(
            [browser, *flags, "--dump-dom", path.resolve().as_uri()],
            capture_output=True,
            text=True,
            timeout=120,
        )
        if dom.returncode != 0:
            return [f"{path}: chromium --dump-dom failed: {dom.stderr.strip()[-300:]}"]
        failures += [f"{path}: {text!r} not in the rendered page" for text in EXPECTED[".html"] if text not in dom.stdout]
        shot = path.with_suffix(".png")
        shot.unlink(missing_ok=True)
        subprocess.run(
            [browser, *flags, "--window-size=1100,1500", f"--screenshot={shot}", path.resolve().as_uri()],
            capture_output=True,
            timeout=120,
        )
    if not shot.is_file() or not shot.read_bytes().startswith(b"\x89PNG") or shot.stat().st_size < 20_000:
        failures.append(f"{path}: no screenshot (or a blank one) at {shot}")
    return failures


def check_office(path: Path, soffice: str) -> list[str]:
    with tempfile.TemporaryDirectory() as work:
        profile = Path(work) / "profile"
        done = subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={profile.as_uri()}",  # its own profile: runs side by side
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                work,
                str(path),
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )
        pdf = Path(work) / (path.stem + ".pdf")
        if done.returncode != 0 or not pdf.is_file():
            return [f"{path}: LibreOffice could not convert it: {(done.stderr or done.stdout).strip()[-300:]}"]
        kept = path.with_suffix(path.suffix + ".pdf")
        shutil.copyfile(pdf, kept)
        if shutil.which("pdftotext") is None:
            print(f"  skipped: pdftotext not installed, {kept} not read")
            return []
        text = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, timeout=60
        ).stdout
    # pdftotext may put spaces between CJK and Latin runs: compare without blanks.
    flat = "".join(text.split())
    return [f"{path}: {word!r} not in its PDF" for word in EXPECTED[path.suffix] if word not in flat]


def main() -> int:
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "demo-out")
    files = sorted(p for p in folder.glob("*") if p.suffix in EXPECTED)
    if not files:
        print(f"no .html/.xlsx/.docx in {folder}: run `python3 tasks.py demo` first")
        return 1
    browser, soffice = chromium(), shutil.which("soffice") or shutil.which("libreoffice")
    failures: list[str] = []
    for path in files:
        if path.suffix == ".html":
            if browser is None:
                print(f"skipped {path}: chromium not installed")
                continue
            found = check_html(path, browser)
            what = f"rendered by {browser}, screenshot {path.with_suffix('.png')}"
        else:
            if soffice is None:
                print(f"skipped {path}: LibreOffice not installed")
                continue
            found = check_office(path, soffice)
            what = f"converted to PDF by LibreOffice ({path.name}.pdf), Chinese text found"
        failures += found
        print(("FAILED " if found else "ok     ") + f"{path}: " + ("; ".join(found) or what))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
