"""Inputs for the robustness suite: the keras-io corpus, mutated deterministically.

Mutations keep most of a real script (so rules fire) and break it the ways real files
are broken: lines lost or repeated, a file cut short, odd newlines and BOMs, deep
nesting, seed pairs, names a rule keys on moved around.
"""

from __future__ import annotations

import glob
import os
import random
from typing import Callable, List, Tuple

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.environ.get("KERAS_MIGRATE_CORPUS",
                        os.path.join(os.path.dirname(ROOT), "shared", "corpus", "keras_io_keras2"))
SCRIPTS = sorted(glob.glob(os.path.join(CORPUS, "*.py")))

# Fixed: CI and every developer get the same programs (a failure reproduces).
SEED = 20240601

SEED_PAIR = "np.random.seed(42)\ntf.random.set_seed(42)\n"
SNIPPETS = (
    SEED_PAIR + SEED_PAIR,
    "x = tf.random.normal((2, 3), seed=1)\n",
    "layer = tf.keras.layers.LocallyConnected1D(2, 3)\n",
    "act = tf.keras.layers.LeakyReLU(alpha=0.3)\n",
    "y = " + " + ".join(f"v{i}" for i in range(300)) + "\n",
    "z = " + "[" * 120 + "]" * 120 + "\n",
    "opt = tf.keras.optimizers.Adam(lr=0.1)\n",
)


def _lines(text: str) -> List[str]:
    return text.splitlines(keepends=True)


def delete_line(text: str, rng: random.Random) -> str:
    lines = _lines(text)
    del lines[rng.randrange(len(lines))]
    return "".join(lines)


def duplicate_line(text: str, rng: random.Random) -> str:
    lines = _lines(text)
    k = rng.randrange(len(lines))
    lines.insert(k, lines[k])
    return "".join(lines)


def swap_lines(text: str, rng: random.Random) -> str:
    lines = _lines(text)
    k = rng.randrange(len(lines) - 1)
    lines[k], lines[k + 1] = lines[k + 1], lines[k]
    return "".join(lines)


def truncate(text: str, rng: random.Random) -> str:
    return text[:rng.randrange(len(text))]


def insert_snippet(text: str, rng: random.Random) -> str:
    """At a top-level statement boundary (a line starting in column 0 after the imports)."""
    lines = _lines(text)
    starts = [k for k, line in enumerate(lines) if line[:1].isalpha() and not line.startswith(("import", "from"))]
    k = rng.choice(starts) if starts else len(lines)
    lines.insert(k, rng.choice(SNIPPETS))
    return "".join(lines)


def crlf(text: str, rng: random.Random) -> str:
    return text.replace("\n", "\r\n")


def cr_only(text: str, rng: random.Random) -> str:
    return text.replace("\n", "\r")


def bom(text: str, rng: random.Random) -> str:
    return "\ufeff" + text


def rename_keras_spelling(text: str, rng: random.Random) -> str:
    swaps = [("tf.keras.", "keras."), ("keras.layers.", "tf.keras.layers."), ("from tensorflow import keras", "import keras")]
    old, new = rng.choice(swaps)
    return text.replace(old, new)


MUTATIONS: Tuple[Callable[[str, random.Random], str], ...] = (
    delete_line, duplicate_line, swap_lines, truncate, insert_snippet, crlf, cr_only, bom, rename_keras_spelling,
)


def mutants(count: int, seed: int = SEED) -> List[Tuple[str, str]]:
    """[(name, source)]: `count` mutants of corpus scripts, each one to three mutations."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        path = rng.choice(SCRIPTS)
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        applied = []
        for _ in range(rng.randint(1, 3)):
            mutation = rng.choice(MUTATIONS)
            text = mutation(text, rng)
            applied.append(mutation.__name__)
        out.append((f"{i:02d}-{os.path.basename(path)[:-3]}-{'+'.join(applied)}", text))
    return out
