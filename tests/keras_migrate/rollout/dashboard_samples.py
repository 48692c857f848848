"""Hand-written status and history objects (the shapes `status --format json` and the history
file have), shared by the dashboard and status unit tests and the browser test."""

import copy

HOSTILE = "<script>alert('x')</script> & \"quoted\" </td>"


def _counts(keras_targets, migrated, pending, tensorflow_only=0, opted_out=0, failed=0, not_keras=0,
            manual_fixes=0):
    denominator = migrated + pending + failed
    return {"keras_targets": keras_targets, "migrated": migrated, "pending": pending,
            "tensorflow_only": tensorflow_only, "opted_out": opted_out, "failed": failed,
            "not_keras": not_keras, "manual_fixes": manual_fixes,
            "percent": 100.0 if denominator == 0 else round(100.0 * migrated / denominator, 1)}


def sample_status():
    """Two owners, three packages, tensorflow-only reasons, manual fixes, mixed deps."""
    resnet_fix = {"path": "vision/models/resnet.py", "line": 3, "rule_id": "KM123",
                  "message": "tf.py_function has no Keras 3 equivalent", "fix": "rewrite with keras.ops"}
    return copy.deepcopy({
        "tool": "keras_migrate",
        "patterns": ["//..."],
        "totals": _counts(7, 3, 3, tensorflow_only=1, opted_out=1, failed=1, not_keras=2, manual_fixes=2),
        "owners": [
            _counts(4, 3, 1, tensorflow_only=1, not_keras=1, manual_fixes=1) | {"owner": "@team-a"},
            _counts(3, 0, 2, opted_out=1, failed=1, not_keras=1, manual_fixes=1) | {"owner": "@team-b"},
        ],
        "packages": [
            _counts(2, 1, 1, tensorflow_only=1, manual_fixes=1) | {
                "package": "vision/models", "owners": ["@team-a"],
                "targets": [
                    {"label": "//vision/models:resnet", "state": "pending",
                     "backends": ["jax", "tensorflow", "torch"], "tensorflow_only": [],
                     "manual_fixes": [resnet_fix]},
                    {"label": "//vision/models:ops", "state": "migrated", "backends": ["tensorflow"],
                     "tensorflow_only": ["uses tf.raw_ops (KM050)"], "manual_fixes": []},
                ]},
            _counts(2, 2, 0, not_keras=1) | {
                "package": "vision/data", "owners": ["@team-a"],
                "targets": [
                    {"label": "//vision/data:augment", "state": "migrated",
                     "backends": ["jax", "tensorflow", "torch"], "tensorflow_only": [], "manual_fixes": []},
                    {"label": "//vision/data:pipeline", "state": "migrated",
                     "backends": ["jax", "tensorflow", "torch"], "tensorflow_only": [], "manual_fixes": []},
                    {"label": "//vision/data:readme", "state": "not_keras", "backends": [],
                     "tensorflow_only": [], "manual_fixes": []},
                ]},
            _counts(3, 0, 2, opted_out=1, failed=1, not_keras=1, manual_fixes=1) | {
                "package": "nlp", "owners": ["@team-b"],
                "targets": [
                    {"label": "//nlp:bert", "state": "pending", "backends": ["jax", "tensorflow", "torch"],
                     "tensorflow_only": [], "manual_fixes": [
                         {"path": "nlp/bert.py", "line": 12, "rule_id": "KM031",
                          "message": "Lambda without output_shape", "fix": "pass output_shape="}]},
                    {"label": "//nlp:tokenizer", "state": "pending", "backends": ["jax", "tensorflow", "torch"],
                     "tensorflow_only": [], "manual_fixes": []},
                    {"label": "//nlp:legacy", "state": "opted_out", "backends": [], "tensorflow_only": [],
                     "manual_fixes": []},
                    {"label": "//nlp:broken", "state": "failed", "backends": [], "tensorflow_only": [],
                     "manual_fixes": []},
                ]},
        ],
        "mixed": [
            {"severity": "warning", "from": "//nlp:bert", "to": "//vision/data:augment",
             "message": "Keras 2 target //nlp:bert depends on migrated //vision/data:augment",
             "fix": "bazel run //tools:migrate -- //nlp:bert"},
        ],
    })


def sample_history():
    return copy.deepcopy({"entries": [
        {"date": "2026-11-01", "totals": _counts(7, 0, 6, failed=1),
         "owners": {"@team-a": {"migrated": 0, "keras_targets": 4}, "@team-b": {"migrated": 0, "keras_targets": 3}}},
        {"date": "2026-11-15", "totals": _counts(7, 2, 4, failed=1),
         "owners": {"@team-a": {"migrated": 2, "keras_targets": 4}, "@team-b": {"migrated": 0, "keras_targets": 3}}},
        {"date": "2026-12-03", "totals": _counts(7, 3, 3, failed=1),
         "owners": {"@team-a": {"migrated": 3, "keras_targets": 4}, "@team-b": {"migrated": 0, "keras_targets": 3}}},
    ]})


def empty_status():
    return {"tool": "keras_migrate", "patterns": ["//empty/..."], "totals": _counts(0, 0, 0),
            "owners": [], "packages": [], "mixed": []}


def hostile_status(text=HOSTILE):
    """Every free text is `text` (markup-like): labels, owners, packages, messages, fixes, reasons."""
    status = sample_status()
    status["patterns"] = [text]
    status["owners"][0]["owner"] = text
    package = status["packages"][0]
    package["package"] = text
    package["owners"] = [text]
    target = package["targets"][0]
    target["label"] = text
    target["manual_fixes"][0].update(path=text, message=text, fix=text, rule_id=text)
    package["targets"][1]["tensorflow_only"] = [text]
    status["mixed"][0].update({"from": text, "to": text, "message": text, "fix": text})
    return status
