"""The report and feedback pages as a browser shows them: Debian's headless Chromium opens a copy
of each page with a probe script added (the pages themselves carry none), which counts the
pictures that decoded and the sections present."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from test_after_grading import CLASS, results_of

from coursekit.cli import main

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed "
                                "(sudo apt-get install chromium; `make setup` does it as root)")

PROBE = """<script>
addEventListener('load', () => {
  const pictures = [...document.images];
  const decoded = pictures.filter(p => p.complete && p.naturalWidth > 0).length;
  const sections = [...document.querySelectorAll('h2[id]')].map(h => h.id).join(',');
  const out = document.createElement('pre');
  out.id = 'probe';
  out.textContent = `pictures=${pictures.length} decoded=${decoded} sections=${sections}`;
  document.body.append(out);
});
</script>"""


def in_browser(page: Path, tmp_path: Path) -> dict[str, str]:
    """What the probe saw in ``page``: pictures, decoded, sections."""
    probed = tmp_path / f"probed-{page.parent.name}-{page.name}"
    probed.write_text(page.read_text().replace("</body>", PROBE + "</body>"))
    shown = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=5000",
         "--dump-dom", probed.as_uri()],
        capture_output=True, text=True, timeout=120, check=True).stdout
    found = re.search(r'<pre id="probe">([^<]*)</pre>', shown)
    assert found, f"the probe did not run in {page.name}"
    return dict(part.split("=", 1) for part in found.group(1).split())


def test_report_and_feedback_pages_load_every_picture(tmp_path):
    graded = tmp_path / "graded"
    for name in CLASS:
        (graded / name).mkdir(parents=True)
        (graded / name / "results.json").write_text(json.dumps(results_of(name)))
    assert main(["report", "hw1", str(graded)]) == 0
    assert main(["feedback", str(graded)]) == 0
    report = in_browser(graded / "report.html", tmp_path)
    assert int(report["pictures"]) >= 5 and report["decoded"] == report["pictures"]
    assert report["sections"].split(",") == ["scores", "questions", "checks", "messages",
                                             "thresholds", "cost", "submissions", "unreadable"]
    feedback = in_browser(graded / "dan" / "feedback.html", tmp_path)
    assert feedback["sections"].split(",") == ["while-running", "Q1", "Q2"]


def test_similarity_page_shows_its_sections(tmp_path):
    from submissions import corpus, solved, with_definitions, write

    subs = tmp_path / "subs"
    for variant in corpus("hw1", "correct")[:2]:
        write(with_definitions(solved("hw1"), variant.read_text()), subs / f"{variant.stem}.ipynb")
    write(solved("hw1"), subs / "solution.ipynb")
    assert main(["similarity", "hw1", str(subs), "--out", str(tmp_path / "out")]) == 0
    shown = in_browser(tmp_path / "out" / "similarity.html", tmp_path)
    assert shown["sections"].split(",") == ["pairs", "side-by-side", "unreadable"]
