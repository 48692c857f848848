"""The rollout dashboard page (rollout/_dashboard.py) and the history file, from hand-written status objects."""

import json
import os
import re
import sys
import xml.etree.ElementTree as ET

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from dashboard_samples import HOSTILE, empty_status, hostile_status, sample_history, sample_status  # noqa: E402
from keras_migrate.rollout._dashboard import HistoryError, append_history, load_history, render  # noqa: E402


def _svgs(page):
    return re.findall(r"<svg\b.*?</svg>", page, flags=re.S)


def test_page_shows_the_numbers():
    page = render(sample_history(), sample_status())
    assert page.startswith("<!DOCTYPE html>")
    assert '<div class="card percent" id="total-percent"><div class="n">42.9%</div>' in page
    assert '<div class="card manual_fixes" id="total-manual_fixes"><div class="n">2</div>' in page
    # per owner: the bar's caption and the table row
    assert "75.0% (3 migrated, 1 pending, 0 failed)" in page
    assert "0.0% (0 migrated, 2 pending, 1 failed)" in page
    assert re.search(r"<tr><td>@team-a</td><td class=\"num percent\">75.0</td>"
                     r"<td class=\"num keras_targets\">4</td><td class=\"num migrated\">3</td>", page)
    # per package, per target, manual fixes, tensorflow-only reasons, mixed deps
    assert "//vision/models</a></td><td>@team-a</td>" in page
    assert "<code>vision/models/resnet.py:3</code>: [KM123] tf.py_function has no Keras 3 equivalent" in page
    assert "<li>uses tf.raw_ops (KM050)</li>" in page
    assert '<tr class="warning"><td>warning</td><td><code>//nlp:bert</code></td>' in page
    # the charts: overall bar, owner bars, time lines (overall + one per owner)
    ids = [re.search(r'id="([^"]+)"', svg).group(1) for svg in _svgs(page)]
    assert ids == ["chart-overall", "chart-owners", "chart-history"]
    history = _svgs(page)[2]
    assert history.count('<polyline class="line overall"') == 1
    assert history.count('<polyline class="line owner"') == 2
    assert "2026-11-01" in history and "2026-12-03" in history


def test_svg_charts_are_well_formed_xml():
    for status in (sample_status(), hostile_status(), empty_status()):
        for svg in _svgs(render(sample_history(), status)):
            ET.fromstring(svg)  # raises on a broken chart


def test_self_contained_no_script_no_external_resource():
    page = render(sample_history(), hostile_status())
    lowered = page.lower()
    assert "<script" not in lowered and "<link" not in lowered and "<img" not in lowered
    assert " src=" not in lowered and "@import" not in lowered and "url(" not in lowered
    # the only URL is the SVG namespace
    assert set(re.findall(r"https?://[^\"' ]+", page)) == {"http://www.w3.org/2000/svg"}


def test_hostile_strings_are_escaped():
    page = render(sample_history(), hostile_status())
    assert HOSTILE not in page
    assert "</td> &" not in page
    escaped = "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;quoted&quot; &lt;/td&gt;"
    assert page.count(escaped) >= 10  # title, owner, package, target, fix, reason, mixed...
    # Nothing the strings contain opened an element: the tag structure equals the plain page's.
    tags = lambda p: re.findall(r"<(/?[a-zA-Z][a-zA-Z0-9]*)", p)  # noqa: E731
    assert tags(page) == tags(render(sample_history(), hostile_status("plain text")))


def test_deterministic_and_independent_of_key_order():
    status, history = sample_status(), sample_history()
    first = render(history, status)
    assert render(history, status) == first

    def reverse(obj):
        if isinstance(obj, dict):
            return {k: reverse(obj[k]) for k in reversed(list(obj))}
        if isinstance(obj, list):
            return [reverse(v) for v in obj]
        return obj

    assert render(reverse(history), reverse(status)) == first


def test_empty_repo():
    page = render({"entries": []}, empty_status())
    assert '<div class="n">100.0%</div>' in page
    assert "No owners: no Keras targets" in page
    assert "No history yet" in page
    assert "No packages with targets" in page
    assert 'id="mixed-none"' in page
    assert len(_svgs(page)) == 1  # the overall bar (grey)
    assert render({}, {}) == render({}, {})  # even a bare object renders


def test_single_history_entry_and_many_owners():
    status = sample_status()
    status["owners"] = [dict(status["owners"][0], owner=f"@team-{i:02d}") for i in range(12)]
    entry = sample_history()["entries"][-1]
    entry["owners"] = {o["owner"]: {"migrated": 1, "keras_targets": 2} for o in status["owners"]}
    page = render({"entries": [entry]}, status)
    history = _svgs(page)[2]
    assert "<polyline" not in history  # one point: no line
    assert history.count('<circle class="point overall"') == 1
    assert 'class="point owner"' not in history  # too many owners for lines
    assert "12 owners: the chart shows the overall line only" in page
    assert page.count('<g class="owner-bar">') == 12


# --- history file ----------------------------------------------------------------------------

def test_append_history_creates_replaces_and_sorts(tmp_path):
    path = str(tmp_path / "keras_migrate_history.json")
    status = sample_status()
    history = append_history(path, status, "2026-12-03")
    assert history == load_history(path)
    (entry,) = history["entries"]
    assert entry["date"] == "2026-12-03" and entry["totals"] == status["totals"]
    assert entry["owners"]["@team-a"] == {"keras_targets": 4, "migrated": 3, "pending": 1, "failed": 0,
                                          "percent": 75.0}
    written = open(path, "rb").read()
    append_history(path, status, "2026-12-03")  # a rerun the same day: same bytes
    assert open(path, "rb").read() == written
    earlier = empty_status()
    append_history(path, earlier, "2026-11-20")
    status["totals"]["migrated"] = 4
    history = append_history(path, status, "2026-12-03")  # replaces, keeps the order by date
    assert [e["date"] for e in history["entries"]] == ["2026-11-20", "2026-12-03"]
    assert history["entries"][1]["totals"]["migrated"] == 4
    assert json.loads(open(path, encoding="utf-8").read()) == history
    assert not [n for n in os.listdir(tmp_path) if n.startswith(".keras_migrate.")]  # no temp file left


def test_append_history_keeps_hand_trimmed_entries(tmp_path):
    path = tmp_path / "h.json"
    path.write_text(json.dumps(sample_history()))
    history = append_history(str(path), sample_status(), "2026-11-20")
    assert [e["date"] for e in history["entries"]] == ["2026-11-01", "2026-11-15", "2026-11-20", "2026-12-03"]
    assert history["entries"][0] == sample_history()["entries"][0]


@pytest.mark.parametrize("content, why", [
    ("{not json", "invalid JSON"),
    ("[]", 'no "entries" list'),
    ('{"entries": {}}', 'no "entries" list'),
    ('{"entries": [3]}', "entry 0 is not an object"),
    ('{"entries": [{"date": "yesterday", "totals": {}}]}', "entry 0 has no valid date"),
    ('{"entries": [{"date": "2026-12-01", "totals": []}]}', "totals and owners must be objects"),
    ('{"entries": [{"date": "2026-12-01", "totals": {}, "owners": {"@a": 3}}]}', "each owner's counts"),
])
def test_malformed_history_names_the_file(tmp_path, content, why):
    path = tmp_path / "keras_migrate_history.json"
    path.write_text(content)
    with pytest.raises(HistoryError) as info:
        append_history(str(path), sample_status(), "2026-12-03")
    assert str(path) in str(info.value) and why in str(info.value)
    assert path.read_text() == content  # left as it was


def test_append_history_rejects_a_bad_date(tmp_path):
    with pytest.raises(ValueError, match="not a date"):
        append_history(str(tmp_path / "h.json"), sample_status(), "12/03/2026")
    assert not (tmp_path / "h.json").exists()


def test_target_kept_on_tensorflow_by_a_dependency():
    status = sample_status()
    status["packages"][0]["targets"].append(
        {"label": "//vision/models:ops_test", "state": "pending", "backends": ["tensorflow"],
         "tensorflow_only": [], "manual_fixes": []})
    page = render(sample_history(), status)
    row = page[page.index("//vision/models:ops_test"):]
    row = row[:row.index("</tr>")]
    assert "no reason of its own (a dependency is TensorFlow-only)" in row
