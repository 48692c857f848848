"""The rollout dashboard in a real browser: Debian's chromium, headless, renders the page that
`status --html` writes (from a hand-written status and history) to a screenshot and a DOM.

tools/bootstrap.sh installs chromium (tools/test.sh runs it first); the test skips only when no
chromium can be found (CHROMIUM=/path/to/chrome overrides the search).
"""

import io
import json
import os
import re
import shutil
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "keras_migrate", "rollout"))

from dashboard_samples import HOSTILE, hostile_status, sample_history, sample_status  # noqa: E402
from keras_migrate.rollout import _status  # noqa: E402
from keras_migrate.rollout._dashboard import render  # noqa: E402

WIDTH, HEIGHT = 1200, 1600
MIGRATED_RGB, PENDING_RGB, FAILED_RGB = (0x2E, 0x7D, 0x32), (0xF0, 0xA5, 0x00), (0xC6, 0x28, 0x28)


def _chromium():
    override = os.environ.get("CHROMIUM")
    if override:
        return override
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


CHROMIUM = _chromium()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium not found (tools/bootstrap.sh installs it: apt-get install chromium)")


def _browser(tmp_path, *args):
    # A profile of its own: no state shared with another run (or a user's browser).
    # --disable-dev-shm-usage: containers often have a tiny /dev/shm.
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
               f"--user-data-dir={tmp_path / 'profile'}", f"--window-size={WIDTH},{HEIGHT}", *args]
    proc = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=180,
                          env=dict(os.environ, HOME=str(tmp_path)))
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")[-4000:]
    return proc.stdout.decode("utf-8")


@pytest.fixture
def page(tmp_path, monkeypatch):
    """The page as `status --html` writes it (the state hand-written): today's entry
    appended to a history of two earlier ones, then the page."""
    history_path = tmp_path / "keras_migrate_history.json"
    history_path.write_text(json.dumps({"entries": sample_history()["entries"][:2]}))
    path = tmp_path / "dashboard.html"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1796256000")  # 2026-12-03
    out, err = io.StringIO(), io.StringIO()
    code = _status.main(["--html", str(path), "--history", str(history_path), "//..."],
                        collect=lambda patterns: sample_status(), stdout=out, stderr=err)
    assert code == 0, err.getvalue()
    assert [e["date"] for e in json.loads(history_path.read_text())["entries"]] == [
        "2026-11-01", "2026-11-15", "2026-12-03"]
    return tmp_path, path


def test_screenshot_is_a_rendered_page(page):
    from PIL import Image

    tmp, path = page
    shot = tmp / "dashboard.png"
    _browser(tmp, f"--screenshot={shot}", path.as_uri())
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    image = Image.open(io.BytesIO(data)).convert("RGB")
    assert image.size == (WIDTH, HEIGHT)
    colors = image.getcolors(maxcolors=WIDTH * HEIGHT)
    assert len(colors) > 50, "blank screenshot"  # text antialiasing alone gives hundreds
    counts = {rgb: n for n, rgb in colors}
    # The SVG charts were drawn: the overall bar and the owner bars in their colours
    # (migrated 3 / pending 3 / failed 1 of 1100 px, plus the owner bars).
    assert counts.get(MIGRATED_RGB, 0) > 5000
    assert counts.get(PENDING_RGB, 0) > 5000
    assert counts.get(FAILED_RGB, 0) > 1500
    # The page starts with the title, not white space: dark pixels in the top band.
    top = image.crop((0, 0, WIDTH, 80))
    assert sum(n for n, rgb in top.getcolors(maxcolors=WIDTH * 80) if sum(rgb) < 200) > 500


def test_dom_shows_the_numbers_and_the_charts(page):
    tmp, path = page
    dom = _browser(tmp, "--dump-dom", path.as_uri())
    text = re.sub(r"<[^>]+>", " ", dom)
    assert "42.9%" in text  # the overall percent
    assert "75.0% (3 migrated, 1 pending, 0 failed)" in text  # @team-a's bar caption
    assert re.search(r"@team-b\s+0\.0\s+3\s+0\s+2\s+0\s+1\s+1\s+1", text)  # @team-b's table row
    assert "vision/models/resnet.py:3" in text and "uses tf.raw_ops (KM050)" in text
    # The three charts are SVG elements of the rendered DOM, with their marks.
    svgs = re.findall(r"<svg\b[^>]*\bid=\"(chart-[a-z]+)\"", dom)
    assert svgs == ["chart-overall", "chart-owners", "chart-history"]
    history_svg = dom[dom.index('id="chart-history"'):]
    history_svg = history_svg[:history_svg.index("</svg>")]
    assert len(re.findall(r"<polyline\b", history_svg)) == 3  # overall + @team-a + @team-b
    assert "2026-11-01" in history_svg and "2026-12-03" in history_svg
    assert len(re.findall(r"<rect\b[^>]*class=\"migrated\"", dom)) >= 2


def test_hostile_strings_stay_text_in_the_browser(tmp_path):
    path = tmp_path / "hostile.html"
    path.write_text(render(sample_history(), hostile_status()), encoding="utf-8")
    dom = _browser(tmp_path, "--dump-dom", path.as_uri())
    # The browser parsed no element out of the strings: no script, and the text reads back whole.
    assert "<script" not in dom
    assert dom.count("&lt;script&gt;alert('x')&lt;/script&gt; &amp; \"quoted\" &lt;/td&gt;") >= 8
    assert HOSTILE not in dom
