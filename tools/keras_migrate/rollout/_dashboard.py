"""The rollout dashboard: one self-contained HTML page from the status JSON and the history.

`render(history, status)` returns the page: inline CSS and inline SVG charts, no script, no
external resource (it opens from a file, a CI artefact or a mail attachment alike). Every
text from the repository (labels, owners, messages, fixes) is HTML-escaped; the output is a
function of the input alone (same input, same bytes: no clock, no dict-order dependence).

`append_history(path, status, today)` adds today's entry to the checked-in history file
(replacing an entry of the same date, so a rerun is idempotent) and returns the history.
Shapes: /work/briefs/rollout_common.md, README "Status and dashboard".
"""

from __future__ import annotations

import datetime
import html
import json
from typing import List, Mapping, Optional, Sequence, Tuple, Union

__all__ = ["COUNT_KEYS", "HistoryError", "append_history", "history_entry", "load_history", "percent", "render"]

# The counts of `totals`, of each owner and of each package (status JSON).
COUNT_KEYS = ("keras_targets", "migrated", "pending", "tensorflow_only", "opted_out", "failed",
              "not_keras", "manual_fixes")
# What a history entry keeps per owner: enough for a percent line, small enough to check in.
_HISTORY_OWNER_KEYS = ("keras_targets", "migrated", "pending", "failed")

_COLORS = {"migrated": "#2e7d32", "pending": "#f0a500", "failed": "#c62828", "empty": "#d0d0d0"}
# Per-owner lines of the progress-over-time chart: distinct, colour-blind-friendly (Okabe-Ito).
_PALETTE = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#999999", "#f0e442")
# Above this many owners the time chart shows the overall line only (the owner table has the rest).
_MAX_OWNER_LINES = len(_PALETTE)


class HistoryError(ValueError):
    """The history file is not what `append_history` writes; the message names the file."""


# --- history ---------------------------------------------------------------------------------

def percent(counts: Mapping[str, object]) -> float:
    """100 * migrated / (migrated + pending + failed); 100.0 when nothing is left to count."""
    if "percent" in counts and _is_number(counts["percent"]):
        return float(counts["percent"])  # type: ignore[arg-type]
    migrated, pending, failed = (_count(counts, k) for k in ("migrated", "pending", "failed"))
    if "pending" not in counts and "failed" not in counts:
        # A hand-trimmed history entry ({"migrated", "keras_targets"}): the best ratio it allows.
        denominator = _count(counts, "keras_targets")
    else:
        denominator = migrated + pending + failed
    return 100.0 if denominator == 0 else round(100.0 * migrated / denominator, 1)


def history_entry(status: Mapping, today: str) -> dict:
    """Today's history entry from a status: the totals and, per owner, the counts a line needs."""
    owners = {}
    for row in status.get("owners", ()):
        counts = {key: _count(row, key) for key in _HISTORY_OWNER_KEYS}
        counts["percent"] = percent(row)
        owners[str(row.get("owner", ""))] = counts
    return {"date": today, "totals": dict(status.get("totals", {})), "owners": owners}


def load_history(path: str) -> dict:
    """The history in `path` ({"entries": []} when the file does not exist yet)."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        return {"entries": []}
    except (OSError, UnicodeDecodeError) as e:
        raise HistoryError(f"{path}: cannot read the history file: {e}") from e
    try:
        data = json.loads(text)
    except ValueError as e:
        raise HistoryError(f"{path}: not a keras_migrate history file (invalid JSON: {e}); "
                           f"fix it or delete it to start a new history") from e
    _check_history(path, data)
    return data


def append_history(path: str, status: Mapping, today: Union[str, datetime.date]) -> dict:
    """Add (or replace) the entry for `today` in the history file at `path` and return the history.

    Entries stay sorted by date; the file is written atomically (a crash leaves the old file)."""
    from keras_migrate.engine._files import write_atomic

    day = _iso_date(today)
    history = load_history(path)
    entries = [e for e in history["entries"] if e["date"] != day]
    entries.append(history_entry(status, day))
    entries.sort(key=lambda e: e["date"])
    history = dict(history, entries=entries)
    write_atomic(path, json.dumps(history, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    return history


def _iso_date(today: Union[str, datetime.date]) -> str:
    if isinstance(today, datetime.datetime):
        today = today.date()
    if isinstance(today, datetime.date):
        return today.isoformat()
    try:
        return datetime.date.fromisoformat(str(today)).isoformat()
    except ValueError:
        raise ValueError(f"not a date (YYYY-MM-DD): {today!r}") from None


def _check_history(path: str, data: object) -> None:
    def bad(why: str) -> HistoryError:
        return HistoryError(f"{path}: not a keras_migrate history file ({why}); "
                            f'expected {{"entries": [{{"date": "YYYY-MM-DD", "totals": {{...}}, "owners": {{...}}}}]}}')

    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise bad('no "entries" list')
    for index, entry in enumerate(data["entries"]):
        if not isinstance(entry, dict):
            raise bad(f"entry {index} is not an object")
        try:
            _iso_date(entry.get("date", ""))
        except ValueError:
            raise bad(f"entry {index} has no valid date: {entry.get('date')!r}") from None
        if not isinstance(entry.get("totals"), dict) or not isinstance(entry.get("owners", {}), dict):
            raise bad(f"entry {index} ({entry['date']}): totals and owners must be objects")
        if any(not isinstance(v, dict) for v in entry.get("owners", {}).values()):
            raise bad(f"entry {index} ({entry['date']}): each owner's counts must be an object")


# --- page ------------------------------------------------------------------------------------

def render(history: Mapping, status: Mapping) -> str:
    """The dashboard page (a str of HTML; write it as UTF-8)."""
    totals = status.get("totals", {}) or {}
    owners = list(status.get("owners", ()) or ())
    packages = list(status.get("packages", ()) or ())
    mixed = list(status.get("mixed", ()) or ())
    entries = [e for e in (history or {}).get("entries", ()) or () if isinstance(e, Mapping)]
    patterns = " ".join(str(p) for p in status.get("patterns", ()) or ())
    as_of = f" as of {entries[-1].get('date')}" if entries else ""
    title = f"Keras 3 migration: {patterns}" if patterns else "Keras 3 migration"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="sub">keras_migrate status{_e(as_of)}: {_count(totals, "keras_targets")} Keras targets</p>',
        _totals_section(totals),
        _owners_section(owners),
        _history_section(entries, [str(o.get("owner", "")) for o in owners]),
        _packages_section(packages),
        _mixed_section(mixed),
        _targets_section(packages),
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(p for p in parts if p)


_CSS = (
    "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:24px;color:#222;"
    "background:#fff;max-width:1140px}"
    "h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #ddd}"
    ".sub{color:#555;margin:0 0 16px}"
    ".cards{display:flex;flex-wrap:wrap;gap:10px}"
    ".card{border:1px solid #ddd;border-radius:6px;padding:8px 12px;min-width:96px}"
    ".card .n{font-size:26px;font-weight:600}.card .k{color:#555;font-size:13px}"
    ".card.migrated .n{color:#2e7d32}.card.pending .n{color:#b07800}.card.failed .n{color:#c62828}"
    ".card.percent .n{color:#0b5394}"
    "table{border-collapse:collapse;font-size:13px;margin:6px 0}"
    "th,td{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}"
    "td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}"
    "th{background:#f4f4f4}tr.error td{background:#fdecea}tr.warning td{background:#fff6e0}"
    ".state-migrated{color:#2e7d32}.state-pending{color:#b07800}.state-failed{color:#c62828}"
    ".state-opted_out,.state-not_keras{color:#777}"
    "code{font-size:12px}.none{color:#777}"
    "details{margin:4px 0}summary{cursor:pointer}"
    "svg text{font-family:inherit;font-size:12px;fill:#222}"
)


def _totals_section(totals: Mapping) -> str:
    cards = [
        ("percent", "migrated", f"{percent(totals):.1f}%"),
        ("migrated", "migrated", str(_count(totals, "migrated"))),
        ("pending", "pending", str(_count(totals, "pending"))),
        ("tensorflow_only", "TensorFlow-only", str(_count(totals, "tensorflow_only"))),
        ("opted_out", "opted out", str(_count(totals, "opted_out"))),
        ("failed", "failed", str(_count(totals, "failed"))),
        ("manual_fixes", "manual fixes left", str(_count(totals, "manual_fixes"))),
        ("not_keras", "without Keras", str(_count(totals, "not_keras"))),
    ]
    html_cards = "".join(
        f'<div class="card {key}" id="total-{key}"><div class="n">{_e(value)}</div>'
        f'<div class="k">{_e(label)}</div></div>'
        for key, label, value in cards
    )
    bar = _stacked_bar_svg(totals, width=1100, label="overall")
    return f'<h2>Totals</h2>\n<div class="cards">{html_cards}</div>\n{bar}'


def _stacked_bar_svg(counts: Mapping, width: int, label: str) -> str:
    height = 22
    bars = _bar_rects(counts, 0, 0, width, height)
    return (f'<svg class="chart" id="chart-overall" role="img" aria-label="{_e(label)} progress" '
            f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
            f'xmlns="http://www.w3.org/2000/svg">{bars}</svg>')


def _bar_rects(counts: Mapping, x: float, y: float, width: float, height: float) -> str:
    """migrated | pending | failed as one 100% bar (grey when the owner has none of them)."""
    values = [(k, _count(counts, k)) for k in ("migrated", "pending", "failed")]
    total = sum(v for _, v in values)
    if total == 0:
        return (f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(width)}" height="{_n(height)}" '
                f'fill="{_COLORS["empty"]}"><title>nothing to migrate</title></rect>')
    out = []
    left = x
    for key, value in values:
        if value == 0:
            continue
        w = width * value / total
        out.append(f'<rect class="{key}" x="{_n(left)}" y="{_n(y)}" width="{_n(w)}" height="{_n(height)}" '
                   f'fill="{_COLORS[key]}"><title>{key}: {value}</title></rect>')
        left += w
    return "".join(out)


def _legend(x: float, y: float, items: Sequence[Tuple[str, str]]) -> str:
    out = []
    for label, color in items:
        out.append(f'<rect x="{_n(x)}" y="{_n(y - 10)}" width="12" height="12" fill="{color}"/>'
                   f'<text x="{_n(x + 16)}" y="{_n(y)}">{_e(label)}</text>')
        x += 24 + 7.5 * len(label)
    return "".join(out)


def _owners_section(owners: Sequence[Mapping]) -> str:
    if not owners:
        return '<h2>Progress per owner</h2>\n<p class="none">No owners: no Keras targets in these patterns.</p>'
    label_w, bar_w, count_w, row_h = 220, 520, 360, 26
    width = label_w + bar_w + count_w
    top = 28
    height = top + row_h * len(owners) + 6
    rows = [_legend(label_w, 16, [("migrated", _COLORS["migrated"]), ("pending", _COLORS["pending"]),
                                  ("failed", _COLORS["failed"])])]
    for i, row in enumerate(owners):
        y = top + i * row_h
        name = str(row.get("owner", ""))
        summary = (f"{_count(row, 'migrated')} migrated, {_count(row, 'pending')} pending, "
                   f"{_count(row, 'failed')} failed")
        rows.append(
            f'<g class="owner-bar">'
            f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end">{_e(_clip(name, 30))}'
            f"<title>{_e(name)}</title></text>"
            f'{_bar_rects(row, label_w, y + 2, bar_w, row_h - 8)}'
            f'<text x="{label_w + bar_w + 8}" y="{y + 15}">{percent(row):.1f}% ({_e(summary)})</text>'
            f"</g>"
        )
    svg = (f'<svg class="chart" id="chart-owners" role="img" aria-label="progress per owner" width="{width}" '
           f'height="{height}" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">'
           + "".join(rows) + "</svg>")
    head = "".join(f'<th class="num">{_e(label)}</th>' for _, label in _COUNT_COLUMNS)
    body = "".join(
        f'<tr><td>{_e(o.get("owner", ""))}</td>{_count_cells(o)}</tr>' for o in owners)
    table = (f'<table id="owners-table"><thead><tr><th>owner</th>{head}</tr></thead>'
             f"<tbody>{body}</tbody></table>")
    return f"<h2>Progress per owner</h2>\n{svg}\n{table}"


_COUNT_COLUMNS = (("percent", "%"), ("keras_targets", "Keras targets"), ("migrated", "migrated"),
                  ("pending", "pending"), ("tensorflow_only", "TF-only"), ("opted_out", "opted out"),
                  ("failed", "failed"), ("manual_fixes", "manual fixes"))


def _count_cells(counts: Mapping) -> str:
    cells = []
    for key, _ in _COUNT_COLUMNS:
        value = f"{percent(counts):.1f}" if key == "percent" else str(_count(counts, key))
        cells.append(f'<td class="num {key}">{value}</td>')
    return "".join(cells)


def _history_section(entries: Sequence[Mapping], owners: Sequence[str]) -> str:
    title = "<h2>Progress over time</h2>"
    if not entries:
        return (f'{title}\n<p class="none">No history yet: <code>status --html</code> adds an entry '
                f"per day to the history file.</p>")
    dates = [_entry_date(e) for e in entries]
    series: List[Tuple[str, str, float, List[Optional[float]]]] = [
        ("overall", "#222", 3.0, [percent(e.get("totals") or {}) for e in entries])]
    owner_names = sorted({name for e in entries for name in (e.get("owners") or {})} | set(owners))
    drawn_owners = owner_names if 1 < len(owner_names) <= _MAX_OWNER_LINES else []
    for i, name in enumerate(drawn_owners):
        points = [percent(e["owners"][name]) if isinstance((e.get("owners") or {}).get(name), Mapping)
                  else None for e in entries]
        series.append((name, _PALETTE[i], 1.5, points))

    left, right, top, bottom, width, height = 50, 20, 34, 40, 1100, 320
    plot_w, plot_h = width - left - right, height - top - bottom
    first, last = dates[0], dates[-1]
    span = (last - first).days if first and last else 0

    def x_of(i: int) -> float:
        if len(entries) == 1:
            return left + plot_w / 2
        if span > 0 and all(dates):
            return left + plot_w * (dates[i] - first).days / span
        return left + plot_w * i / (len(entries) - 1)

    def y_of(value: float) -> float:
        return top + plot_h * (1 - max(0.0, min(100.0, value)) / 100)

    out = []
    for tick in range(0, 101, 25):  # grid and y axis
        y = y_of(tick)
        out.append(f'<line x1="{left}" y1="{_n(y)}" x2="{left + plot_w}" y2="{_n(y)}" stroke="#e4e4e4"/>'
                   f'<text x="{left - 6}" y="{_n(y + 4)}" text-anchor="end">{tick}%</text>')
    for i in _date_ticks(len(entries)):
        # The first and last labels stay inside the chart.
        anchor = "middle" if len(entries) == 1 or 0 < i < len(entries) - 1 else ("start" if i == 0 else "end")
        out.append(f'<text x="{_n(x_of(i))}" y="{height - bottom + 18}" text-anchor="{anchor}">'
                   f'{_e(entries[i].get("date", ""))}</text>')
    for name, color, stroke, points in series:
        coords = [(x_of(i), y_of(p)) for i, p in enumerate(points) if p is not None]
        cls = "overall" if name == "overall" else "owner"
        if len(coords) > 1:
            path = " ".join(f"{_n(x)},{_n(y)}" for x, y in coords)
            out.append(f'<polyline class="line {cls}" points="{path}" fill="none" stroke="{color}" '
                       f'stroke-width="{stroke}"><title>{_e(name)}</title></polyline>')
        for (x, y), (i, p) in zip(coords, [(i, p) for i, p in enumerate(points) if p is not None]):
            out.append(f'<circle class="point {cls}" cx="{_n(x)}" cy="{_n(y)}" r="{3 if cls == "overall" else 2}" '
                       f'fill="{color}"><title>{_e(name)} {_e(entries[i].get("date", ""))}: {p:.1f}%</title></circle>')
    legend = [(name, color) for name, color, _, _ in series]
    out.append(_legend(left, 18, [(_clip(n, 30), c) for n, c in legend]))
    last_pct = series[0][3][-1]
    out.append(f'<text x="{_n(x_of(len(entries) - 1))}" y="{_n(y_of(last_pct or 0) - 8)}" '
               f'text-anchor="end" font-weight="600">{last_pct:.1f}%</text>')
    svg = (f'<svg class="chart" id="chart-history" role="img" aria-label="percent migrated over time" '
           f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
           f'xmlns="http://www.w3.org/2000/svg">' + "".join(out) + "</svg>")
    note = ""
    if len(owner_names) > _MAX_OWNER_LINES:
        note = (f'\n<p class="none">{len(owner_names)} owners: the chart shows the overall line only; '
                f"per-owner numbers are in the table above.</p>")
    return f"{title}\n{svg}{note}"


def _date_ticks(count: int, most: int = 8) -> List[int]:
    if count <= most:
        return list(range(count))
    step = (count - 1) / (most - 1)
    return sorted({round(i * step) for i in range(most)})


def _entry_date(entry: Mapping) -> Optional[datetime.date]:
    try:
        return datetime.date.fromisoformat(str(entry.get("date", "")))
    except ValueError:
        return None


def _packages_section(packages: Sequence[Mapping]) -> str:
    if not packages:
        return '<h2>Packages</h2>\n<p class="none">No packages with targets in these patterns.</p>'
    head = "".join(f'<th class="num">{_e(label)}</th>' for _, label in _COUNT_COLUMNS)
    rows = []
    for i, p in enumerate(packages):
        owners = ", ".join(str(o) for o in p.get("owners", ()) or ()) or "(no owner)"
        rows.append(f'<tr><td><a href="#pkg-{i}">//{_e(p.get("package", ""))}</a></td>'
                    f"<td>{_e(owners)}</td>{_count_cells(p)}</tr>")
    return (f'<h2>Packages</h2>\n<table id="packages-table"><thead><tr><th>package</th><th>owners</th>{head}'
            f"</tr></thead><tbody>{''.join(rows)}</tbody></table>")


def _mixed_section(mixed: Sequence[Mapping]) -> str:
    title = "<h2>Mixed Keras 2 / Keras 3 dependencies</h2>"
    if not mixed:
        return f'{title}\n<p class="none" id="mixed-none">None.</p>'
    rows = "".join(
        f'<tr class="{_e(m.get("severity", ""))}"><td>{_e(m.get("severity", ""))}</td>'
        f'<td><code>{_e(m.get("from", ""))}</code></td><td><code>{_e(m.get("to", ""))}</code></td>'
        f'<td>{_e(m.get("message", ""))}</td><td><code>{_e(m.get("fix", ""))}</code></td></tr>'
        for m in mixed)
    return (f'{title}\n<table id="mixed-table"><thead><tr><th>severity</th><th>from</th><th>to</th>'
            f"<th>message</th><th>fix</th></tr></thead><tbody>{rows}</tbody></table>")


def _targets_section(packages: Sequence[Mapping]) -> str:
    if not packages:
        return ""
    blocks = ["<h2>Targets</h2>"]
    for i, p in enumerate(packages):
        targets = list(p.get("targets", ()) or ())
        name = str(p.get("package", ""))
        summary = (f"//{name}: {_count(p, 'migrated')} migrated, {_count(p, 'pending')} pending, "
                   f"{_count(p, 'failed')} failed, {_count(p, 'manual_fixes')} manual fixes")
        rows = []
        for t in targets:
            reasons = "".join(f"<li>{_e(r)}</li>" for r in t.get("tensorflow_only", ()) or ())
            backends = list(t.get("backends", ()) or ())
            if not reasons and t.get("state") in ("migrated", "pending") and backends and "jax" not in backends:
                reasons = '<li class="none">no reason of its own (a dependency is TensorFlow-only)</li>'
            fixes = "".join(
                f'<li><code>{_e(f.get("path", ""))}:{_e(f.get("line", ""))}</code>: [{_e(f.get("rule_id", ""))}] '
                f'{_e(f.get("message", ""))}'
                + (f' <em>Fix:</em> {_e(f.get("fix"))}' if f.get("fix") else "") + "</li>"
                for f in t.get("manual_fixes", ()) or ())
            state = str(t.get("state", ""))
            rows.append(
                f'<tr><td><code>{_e(t.get("label", ""))}</code></td>'
                f'<td class="state-{_anchor(state)}">{_e(state.replace("_", " "))}</td>'
                f'<td>{_e(", ".join(str(b) for b in backends))}</td>'
                f'<td>{"<ul>" + reasons + "</ul>" if reasons else ""}</td>'
                f'<td>{"<ul>" + fixes + "</ul>" if fixes else ""}</td></tr>')
        table = ("<table><thead><tr><th>target</th><th>state</th><th>backends</th><th>TensorFlow-only because</th>"
                 f"<th>manual fixes left</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
                 if rows else '<p class="none">No targets.</p>')
        # Open by default where a human has something to do.
        is_open = " open" if _count(p, "manual_fixes") or _count(p, "failed") else ""
        blocks.append(f'<details id="pkg-{i}"{is_open}><summary>{_e(summary)}</summary>{table}</details>')
    return "\n".join(blocks)


# --- small helpers ---------------------------------------------------------------------------

def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _n(value: float) -> str:
    """A coordinate: short and the same on every platform."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _clip(text: str, most: int) -> str:
    return text if len(text) <= most else text[: most - 1] + "\u2026"


def _anchor(text: object) -> str:
    """An id fragment: letters, digits, '-' and '_' only (the text stays escaped elsewhere)."""
    return "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "-" for c in str(text))


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _count(counts: Mapping, key: str) -> int:
    value = counts.get(key, 0) if isinstance(counts, Mapping) else 0
    return int(value) if _is_number(value) else 0
