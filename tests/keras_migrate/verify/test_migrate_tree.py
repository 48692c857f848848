"""verify's migration of the program's directory: an earlier runtime copy is left out."""

import os

from keras_migrate.verify._run import _migrate_tree


def test_runtime_copy_is_not_migrated_or_mirrored(tmp_path):
    root, scratch = tmp_path / "prog", tmp_path / "scratch"
    (root / "keras_migrate_runtime").mkdir(parents=True)
    (root / "train.py").write_text("import tensorflow as tf\nmodel = tf.keras.Sequential()\n")
    # an older runtime copy with TensorFlow code the migrator would rewrite
    (root / "keras_migrate_runtime" / "old.py").write_text(
        "import tensorflow as tf\nx = tf.convert_to_tensor([1.0])\n")
    results = _migrate_tree(str(root), str(scratch / "migrated_src"), "agnostic", str(scratch))
    assert sorted(os.path.basename(p) for p in results) == ["train.py"]
    assert not (scratch / "migrated_src" / "keras_migrate_runtime").exists()
    assert "import keras" in (scratch / "migrated_src" / "train.py").read_text()
