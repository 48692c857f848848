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
]

pytestmark = pytest.mark.skipif(not verify_corpus.scripts(), reason=f"corpus not found at {verify_corpus.CORPUS}")


@pytest.mark.parametrize("name", SUBSET)
def test_corpus_script_verifies(name):
    (path,) = verify_corpus.scripts([name])
    row = verify_corpus.verify_script(path)
    assert row.reference == "ok", f"the Keras 2 original does not run offline: {row.reference}"
    silent = {b: c for b, c in row.cells.items() if c.status not in ("same", "tf-only") and not c.flagged}
    assert not silent, "\n".join(f"{b}: {c.label}: {c.detail}" for b, c in silent.items())
