"""The ratchet's checker (keras_migrate_test, rules/ratchet.bzl) on aspect reports."""

import io
import json

from keras_migrate.bazel._ratchet import check_report, read_allowlist, run

ALL = ("jax", "tensorflow", "torch")


def _report(label="//pkg:lib", changed=False, failed=False, backends=ALL, tf_only=()):
    return {
        "label": label,
        "backends": list(backends),
        "tensorflow_only": list(tf_only),
        "files": [{"path": "pkg/lib.py", "changed": changed, "failed": failed,
                   "rules_fired": {"KM100": 1} if changed else {},
                   "diagnostics": [{"message": "cannot parse"}] if failed else []}],
    }


def test_a_migrated_target_holds():
    assert check_report(_report(), ALL) == []


def test_regained_keras2_code_names_file_rules_and_the_fix():
    [problem] = check_report(_report(changed=True), ALL)
    assert "pkg/lib.py: has Keras 2 code again (would be rewritten by: KM100)" in problem
    assert "bazel run //tools:migrate -- //pkg:lib" in problem


def test_lost_backend_names_the_reason():
    [problem] = check_report(_report(backends=("tensorflow",), tf_only=("tf.py_function",)), ALL)
    assert problem == "no longer runs on jax, torch: tf.py_function"
    assert check_report(_report(backends=("tensorflow",)), ("tensorflow",)) == []


def test_failed_file_is_a_failure():
    [problem] = check_report(_report(failed=True), ALL)
    assert "could not be migrated: cannot parse" in problem


def test_allowlist_exempts_and_asks_to_remove_stale_entries(tmp_path):
    allow = tmp_path / "allow.txt"
    allow.write_text("# exceptions\n//pkg:bad  # legacy exporter\n//pkg:good # fixed since\n")
    assert read_allowlist(str(allow)) == {"//pkg:bad": "legacy exporter", "//pkg:good": "fixed since"}
    paths = []
    for label, changed in (("//pkg:bad", True), ("//pkg:good", False), ("//pkg:other", True)):
        path = tmp_path / (label.split(":")[1] + ".json")
        path.write_text(json.dumps(_report(label=label, changed=changed)))
        paths.append(str(path))
    out = io.StringIO()
    assert run(["--allowlist", str(allow)] + paths, out=out) == 1
    text = out.getvalue()
    assert "FAIL //pkg:other" in text and "FAIL //pkg:bad" not in text
    assert "note: //pkg:good holds now: remove it from the allowlist" in text
    assert "3 targets, 1 failed" in text


def test_bazel7_labels_match_allowlist_entries(tmp_path):
    allow = tmp_path / "allow.txt"
    allow.write_text("//pkg:bad  # legacy\n@@//pkg:other  # also legacy\n")
    paths = []
    for label in ("@@//pkg:bad", "//pkg:other"):
        path = tmp_path / (label.split(":")[1] + ".json")
        path.write_text(json.dumps(_report(label=label, changed=True)))
        paths.append(str(path))
    out = io.StringIO()
    assert run(["--allowlist", str(allow)] + paths, out=out) == 0, out.getvalue()
