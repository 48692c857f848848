"""A fast subset of the keras-io corpus under `keras-migrate verify` (the whole corpus:
tests/corpus/verify_corpus.py, a benchmark of about an hour).

Every script here runs under Keras 2 offline; migrated, each backend must be identical,
or declared TensorFlow-only by the migrator, or break where the migrator left a
manual-fix diagnostic: never a silent difference or crash.
"""

import os

import pytest

import verify_corpus  # tests/corpus is on sys.path (rootdir-relative import)

SUBSET = [
    "nlp__text_classification_with_transformer",
    # module-level np.random data (make_moons), TF Probability sampling, a GradientTape
    # train_step made backend-agnostic
    "generative__real_nvp",
    # RDKit molecules (an extra), a WGAN-GP with two optimizers and a gradient penalty fed a
    # list of arrays, layer sizes from tf.math.reduce_prod (about 80 s)
    "generative__wgan-graphs",
]

pytestmark = pytest.mark.skipif(not verify_corpus.scripts(), reason=f"corpus not found at {verify_corpus.CORPUS}")


@pytest.mark.parametrize("name", SUBSET)
def test_corpus_script_verifies(name, monkeypatch):
    # The packages some scripts import beside Keras 2 (real_nvp: TF Probability), for the
    # verified runs of this test only.
    extras = verify_corpus.ensure_extras()
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(p for p in (os.environ.get("PYTHONPATH"), extras) if p))
    (path,) = verify_corpus.scripts([name])
    row = verify_corpus.verify_script(path)
    assert row.reference == "ok", f"the Keras 2 original does not run offline: {row.reference}"
    silent = {b: c for b, c in row.cells.items() if c.status not in ("same", "tf-only") and not c.flagged}
    assert not silent, "\n".join(f"{b}: {c.label}: {c.detail}" for b, c in silent.items())


def test_crash_is_flagged_by_a_diagnostic_at_it_or_naming_its_class(tmp_path):
    script = tmp_path / "s.py"
    script.write_text("\n".join(f"x{i} = {i}" for i in range(40)) + "\n")
    diagnostic = {"path": "s.py", "line": 5, "message": "Keras 3's FeatureSpace.cross (HashedCrossing) "
                                                        "crosses exactly two features"}

    def report(message, line):
        return {"migration": {"diagnostics": [diagnostic]},
                "backends": {"jax": {"verdict": "crashed", "crash": {
                    "type": "ValueError", "message": message, "original_file": "s.py", "original_line": line}}}}

    far = verify_corpus.classify(report("Exception encountered when calling HashedCrossing.call()", 30), str(script))
    assert far["jax"].flagged
    near = verify_corpus.classify(report("shapes differ", 6), str(script))
    assert near["jax"].flagged
    silent = verify_corpus.classify(report("Exception encountered when calling Dense.call()", 30), str(script))
    assert not silent["jax"].flagged
