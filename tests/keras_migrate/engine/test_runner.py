"""The runner: per-file isolation, symlinks confined to the roots, parallel workers."""

import os

from keras_migrate.engine import MigrationOptions
from keras_migrate.engine._runner import confine, discover, migrate_file, migrate_files, unified_diff
from keras_migrate.migrator import keras_rule_set

KERAS2 = "from tensorflow import keras\nlayer = keras.layers.LeakyReLU(alpha=0.2)\n"


def test_latin1_file_without_keras_is_left_byte_identical_and_not_failed(tmp_path):
    path = tmp_path / "m.py"
    path.write_bytes(b"x = '\xe9'\n")
    outcome = migrate_file(str(path), MigrationOptions(), keras_rule_set())
    assert not outcome.failed and not outcome.result.diagnostics and path.read_bytes() == b"x = '\xe9'\n"


def test_read_only_file_is_reported_not_written(tmp_path):
    path = tmp_path / "m.py"
    path.write_text(KERAS2)
    os.chmod(path, 0o444)
    outcome = migrate_file(str(path), MigrationOptions(), keras_rule_set())
    assert outcome.failed and outcome.result.diagnostics[0].rule_id == "KM007"
    assert path.read_text() == KERAS2


def test_discover_skips_fifos_and_the_output_dir(tmp_path):
    (tmp_path / "a.py").write_text("x = 1\n")
    os.mkfifo(tmp_path / "fifo.py")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "b.py").write_text("x = 1\n")
    assert discover([str(tmp_path)], skip_dirs=[str(tmp_path / "out")]) == [str(tmp_path / "a.py")]


def test_confine_keeps_one_name_per_file_and_refuses_links_out(tmp_path):
    root, outside = tmp_path / "root", tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    (root / "a.py").write_text(KERAS2)
    (root / "b.py").symlink_to(root / "a.py")
    (outside / "c.py").write_text(KERAS2)
    (root / "c.py").symlink_to(outside / "c.py")
    kept, refused = confine(discover([str(root)]), [str(root)])
    assert kept == [str(root / "a.py")]
    assert [o.path for o in refused] == [str(root / "c.py")] and refused[0].result.diagnostics[0].rule_id == "KM009"


def test_names_with_newlines_are_escaped_in_diffs():
    assert unified_diff("a\nb.py", "x\n", "y\n").splitlines()[0] == "--- a/a\\nb.py"


def test_parallel_outcomes_in_input_order(tmp_path):
    paths = []
    for i in range(6):
        path = tmp_path / f"m{i}.py"
        path.write_text(KERAS2 if i % 2 else "x = 1\n")
        paths.append(str(path))
    outcomes = list(migrate_files(paths, MigrationOptions(), keras_rule_set(), write=False, jobs=2))
    assert [o.path for o in outcomes] == paths
    assert [o.result.changed for o in outcomes] == [bool(i % 2) for i in range(6)]
