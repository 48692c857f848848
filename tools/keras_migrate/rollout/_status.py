"""`keras-migrate status [--format text|json] [--html FILE] [--history FILE] PATTERNS`.

Where the rollout stands: per package and per owner the targets migrated, pending,
TensorFlow-only (with the reason), opted out and failed, the manual fixes left (file:line)
and the dependencies that mix Keras 2 and Keras 3 code. `--format json` prints the status
JSON (the dashboard's input); `--html FILE` appends today's entry to the history file and
writes the dashboard page. A report, not a gate: exit 0 whatever the progress, 2 on errors.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
import unicodedata
from typing import TYPE_CHECKING, Callable, Dict, Iterable, List, Mapping, Optional, Sequence

from keras_migrate.rollout._dashboard import HistoryError, append_history, load_history, percent, render

if TYPE_CHECKING:
    from keras_migrate.rollout import _state
    from keras_migrate.rollout._owners import Owners

__all__ = ["DEFAULT_HISTORY", "PartialStatus", "build_parser", "collect_status", "main", "render_text",
           "status_json", "today"]

EXIT_OK = 0
EXIT_ERROR = 2
DEFAULT_HISTORY = "keras_migrate_history.json"


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="keras-migrate status",
        description="Where the Keras 3 rollout stands, per package and per owner: targets migrated, pending, "
                    "TensorFlow-only (and why), opted out, failed; manual fixes left; mixed Keras 2/3 "
                    "dependencies. Exit 0 (a report), 2 on errors.",
    )
    p.add_argument("patterns", nargs="+", metavar="PATTERN", help="Bazel target patterns, e.g. //...")
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help="text (default) or the status JSON (the dashboard's input)")
    p.add_argument("--html", metavar="FILE",
                   help="also append today's entry to the history file and write the dashboard page to FILE")
    p.add_argument("--history", metavar="FILE",
                   help=f"the history file (default: {DEFAULT_HISTORY} at the workspace root; check it in)")
    return p


def today() -> datetime.date:
    """Today in UTC; SOURCE_DATE_EPOCH (seconds) overrides it (reproducible runs, tests)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return datetime.datetime.fromtimestamp(int(epoch), tz=datetime.timezone.utc).date()
        except (ValueError, OverflowError, OSError):
            raise ValueError(f"SOURCE_DATE_EPOCH={epoch!r} is not a time in seconds since 1970") from None
    return datetime.datetime.now(tz=datetime.timezone.utc).date()


def workspace_root(start: Optional[str] = None) -> str:
    """BUILD_WORKSPACE_DIRECTORY under `bazel run`; else the nearest directory with a
    WORKSPACE / MODULE.bazel file at or above `start`; else `start`."""
    root = os.environ.get("BUILD_WORKSPACE_DIRECTORY")
    if root:
        return root
    start = os.path.abspath(start or os.getcwd())
    here = start
    while True:
        if any(os.path.isfile(os.path.join(here, name))
               for name in ("WORKSPACE", "WORKSPACE.bazel", "MODULE.bazel")):
            return here
        parent = os.path.dirname(here)
        if parent == here:
            return start
        here = parent


def collect_status(patterns: Sequence[str]) -> dict:
    """The status JSON of the targets `patterns` name: one driver run (query, the cached
    migration aspect, the planned writes), nothing written. Raises DriverError."""
    from keras_migrate.bazel import _driver as driver
    from keras_migrate.rollout import _state
    from keras_migrate.rollout._owners import Owners

    options = driver.DriverOptions(workspace_root(), tuple(patterns), check=True)
    rollout = _state.collect(options)
    status = status_json(patterns, rollout.targets.values(), rollout.mixed, Owners(options.workspace))
    if rollout.selection.query_errors:
        raise PartialStatus(status, rollout.selection.query_errors)
    return status


class PartialStatus(Exception):
    """Some packages could not be loaded (a broken BUILD file): `status` leaves them out.
    The report is still printed, but it is not recorded in the history."""

    def __init__(self, status: dict, errors: Sequence[str]) -> None:
        super().__init__(f"{len(errors)} package(s) could not be loaded (see the warnings above); "
                         "the status leaves them out and was not recorded in the history")
        self.status, self.errors = status, list(errors)


def status_json(patterns: Sequence[str], states: Iterable["_state.TargetState"],
                mixed: Iterable["_state.MixedDependency"], owners: "Owners") -> dict:
    """The status JSON (README "Status and dashboard"): totals, per owner (a package counts
    for its primary owner, the first of the nearest), per package with its targets, mixed deps."""
    from keras_migrate.rollout._state import counts

    states = sorted(states, key=lambda s: s.label)
    by_package: Dict[str, list] = {}
    for s in states:
        by_package.setdefault(s.package, []).append(s)
    by_owner: Dict[str, list] = {}
    for package, members in by_package.items():
        by_owner.setdefault(owners.primary(package), []).extend(members)
    return {
        "tool": "keras_migrate",
        "patterns": list(patterns),
        "totals": counts(states),
        "owners": [dict(owner=owner, **counts(by_owner[owner])) for owner in sorted(by_owner)],
        "packages": [
            dict(package=package, owners=list(owners.owners_of(package)), **counts(members),
                 targets=[_target_json(s) for s in members])
            for package, members in sorted(by_package.items())
        ],
        "mixed": [m.as_json() for m in mixed],
    }


def _target_json(state: "_state.TargetState") -> dict:
    return {"label": state.label, "state": state.state, "backends": list(state.backends),
            "tensorflow_only": list(state.tensorflow_only),
            "manual_fixes": [f.as_json() for f in state.manual_fixes]}


# --- text ------------------------------------------------------------------------------------

_COLUMNS = (("percent", "%"), ("keras_targets", "keras"), ("migrated", "migrated"), ("pending", "pending"),
            ("failed", "failed"), ("tensorflow_only", "tf-only"), ("opted_out", "opted-out"),
            ("manual_fixes", "manual-fixes"))


def render_text(status: Mapping) -> str:
    totals = status.get("totals", {}) or {}
    packages = list(status.get("packages", ()) or ())
    owners = list(status.get("owners", ()) or ())
    patterns = " ".join(_clean(p) for p in status.get("patterns", ()) or ())
    lines = [
        f"Keras 3 migration of {patterns or '(no patterns)'}: {percent(totals):.1f}% migrated "
        f"({_n(totals, 'migrated')} migrated, {_n(totals, 'pending')} pending, {_n(totals, 'failed')} failed "
        f"of {_n(totals, 'keras_targets')} Keras targets; {_n(totals, 'tensorflow_only')} TensorFlow-only, "
        f"{_n(totals, 'opted_out')} opted out, {_n(totals, 'not_keras')} without Keras; "
        f"{_n(totals, 'manual_fixes')} manual fixes left)",
    ]
    if not packages and not owners:
        lines.append("No Keras targets in these patterns.")
    if packages:
        rows = [["//" + _clean(p.get("package", "")), ", ".join(_clean(o) for o in p.get("owners", ()) or ())
                 or "(no owner)", *_cells(p), _backends(p)] for p in packages]
        lines += ["", *_table(["package", "owners", *(h for _, h in _COLUMNS), "backends"], rows)]
    if owners:
        rows = [[_clean(o.get("owner", "")), *_cells(o)] for o in owners]
        lines += ["", *_table(["owner", *(h for _, h in _COLUMNS)], rows)]
    targets = [t for p in packages for t in p.get("targets", ()) or ()]
    tf_only = [t for t in targets if t.get("tensorflow_only") or _kept_on_tensorflow(t)]
    if tf_only:
        lines += ["", "TensorFlow-only targets:"]
        for t in tf_only:
            reasons = "; ".join(_clean(r) for r in t.get("tensorflow_only") or ()) or (
                "no reason of its own (a dependency is TensorFlow-only)")
            lines.append(f"  {_clean(t.get('label', ''))} ({_clean(t.get('state', ''))}): {reasons}")
    fixes = [f for t in targets for f in t.get("manual_fixes", ()) or ()]
    if fixes:
        lines += ["", "Manual fixes left:"]
        for f in fixes:
            lines.append(f"  {_clean(f.get('path', ''))}:{_clean(f.get('line', ''))}: "
                         f"[{_clean(f.get('rule_id', ''))}] {_clean(f.get('message', ''))}")
            if f.get("fix"):
                lines.append(f"      fix: {_clean(f['fix'])}")
    mixed = list(status.get("mixed", ()) or ())
    if mixed:
        lines += ["", "Mixed Keras 2 / Keras 3 dependencies:"]
        for m in mixed:
            lines.append(f"  {_clean(m.get('severity', ''))}: {_clean(m.get('from', ''))} -> "
                         f"{_clean(m.get('to', ''))}: {_clean(m.get('message', ''))}")
            if m.get("fix"):
                lines.append(f"      fix: {_clean(m['fix'])}")
    return "\n".join(lines) + "\n"


def _cells(counts: Mapping) -> List[str]:
    return [f"{percent(counts):.1f}" if key == "percent" else str(_n(counts, key)) for key, _ in _COLUMNS]


def _kept_on_tensorflow(target: Mapping) -> bool:
    """A Keras target whose backends are TensorFlow alone (what `tensorflow_only` counts)."""
    backends = list(target.get("backends") or ())
    return target.get("state") in ("migrated", "pending") and bool(backends) and "jax" not in backends


def _backends(package: Mapping) -> str:
    """The backends every Keras target of the package runs on ('-' when none has any)."""
    sets = [set(t.get("backends") or ()) for t in package.get("targets", ()) or ()
            if t.get("state") in ("migrated", "pending") and t.get("backends")]
    if not sets:
        return "-"
    return ",".join(sorted(_clean(b) for b in set.intersection(*sets))) or "-"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> List[str]:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    numeric = [all(_is_num(r[i]) for r in rows) for i in range(len(header))]

    def line(row: Sequence[str]) -> str:
        cells = [str(c).rjust(w) if num else str(c).ljust(w) for c, w, num in zip(row, widths, numeric)]
        return "  ".join(cells).rstrip()

    return [line(header), *(line(r) for r in rows)]


def _is_num(text: str) -> bool:
    return text.replace(".", "", 1).isdigit()


def _n(counts: Mapping, key: str) -> int:
    value = counts.get(key, 0)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _clean(value: object) -> str:
    """Repository text for a terminal: control characters (escape sequences, newlines that
    would fake a line) are shown escaped, never interpreted."""
    text = "" if value is None else str(value)
    if all(unicodedata.category(c) != "Cc" for c in text):
        return text
    return "".join(c.encode("unicode_escape").decode("ascii") if unicodedata.category(c) == "Cc" else c
                   for c in text)


# --- command ---------------------------------------------------------------------------------

def main(argv: Optional[List[str]] = None, collect: Optional[Callable[[Sequence[str]], dict]] = None,
         stdout=None, stderr=None) -> int:
    """`collect(patterns) -> status JSON` is injectable (tests give hand-written states)."""
    collect = collect or collect_status
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    argv = list(sys.argv[1:] if argv is None else argv)
    from keras_migrate.bazel._driver import non_patterns, split_negative

    argv, negative = split_negative(argv)
    args = build_parser().parse_args(argv)
    args.patterns.extend(negative)
    paths = non_patterns(args.patterns)
    if paths:
        print(f"keras-migrate status: error: give Bazel target patterns (//pkg/...), not paths: {' '.join(paths)}",
              file=stderr)
        return EXIT_ERROR
    history_path = args.history or os.path.join(workspace_root(), DEFAULT_HISTORY)
    if args.html:
        problem = _unwritable(args.html, "--html") or (args.history and _unwritable(args.history, "--history"))
        if problem:
            print(f"keras-migrate status: error: {problem}", file=stderr)
            return EXIT_ERROR
        try:
            load_history(history_path)  # a broken history fails now, not after the build
            day = today()
        except (HistoryError, ValueError) as e:
            print(f"keras-migrate status: error: {e}", file=stderr)
            return EXIT_ERROR
    partial = None
    try:
        status = collect(args.patterns)
    except PartialStatus as e:
        status, partial = e.status, e
    except (OSError, RuntimeError, ValueError, _driver_error()) as e:
        print(f"keras-migrate status: error: {e}", file=stderr)
        return EXIT_ERROR
    if args.format == "json":
        stdout.write(json.dumps(status, indent=2) + "\n")
    else:
        stdout.write(render_text(status))
    if partial is not None:
        print(f"keras-migrate status: error: {partial}", file=stderr)
        return EXIT_ERROR
    if args.html:
        try:
            write_dashboard(status, args.html, history_path, day)
        except (HistoryError, OSError) as e:
            print(f"keras-migrate status: error: {e}", file=stderr)
            return EXIT_ERROR
        print(f"keras-migrate status: wrote {args.html} (history: {history_path})", file=stderr)
    return EXIT_OK


def _driver_error() -> type:
    from keras_migrate.bazel._driver import DriverError

    return DriverError


def write_dashboard(status: Mapping, html_path: str, history_path: str, day: datetime.date) -> dict:
    """Append `day`'s entry to the history, then write the page from it; returns the history."""
    from keras_migrate.engine._files import write_atomic

    history = append_history(history_path, status, day)
    write_atomic(html_path, render(history, status))
    return history


def _unwritable(path: str, flag: str) -> Optional[str]:
    """Why `path` cannot be written (checked before any work), or None."""
    if os.path.isdir(path):
        return f"{flag} {path}: is a directory"
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        return f"{flag} {path}: directory {directory} does not exist"
    return None
