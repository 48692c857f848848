"""Synthetic data for the keras-io corpus scripts (verify --synthetic-data --fixtures).

Each builder answers one download the scripts make with small deterministic data in the
layout the script expects (columns, file names, archive structure), so the scripts run
unedited and offline. Builders receive (url, path to write, numpy RandomState seeded by
the URL); Keras' own get_file then extracts the archive as each Keras version does.
"""

import csv
import io
import os
import sys
import tarfile
import types
import zipfile

import numpy as np

WORDS = ("the a of model data network learning deep graph image text neural train test movie good bad great "
         "plot story time love best music end character watch funny boring paper method result").split()


def _sentence(rng, low=4, high=14):
    return " ".join(rng.choice(WORDS, rng.randint(low, high)))


def _tar(path, files, mode="w:gz"):
    with tarfile.open(path, mode) as archive:
        for name, text in sorted(files.items()):
            data = text.encode("utf-8") if isinstance(text, str) else text
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 0
            archive.addfile(info, io.BytesIO(data))


def _zip(path, files):
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in sorted(files.items()):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            archive.writestr(info, text)


def _csv_text(header, rows, delimiter=","):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    if header:
        writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def cora(url, path, rng):
    """cora/cora.cites (target, source) and cora/cora.content (id, 1433 terms, subject)."""
    ids = sorted(rng.choice(np.arange(1000, 99999), 120, replace=False).tolist())
    subjects = ["Case_Based", "Genetic_Algorithms", "Neural_Networks", "Probabilistic_Methods",
                "Reinforcement_Learning", "Rule_Learning", "Theory"]
    content = "".join(
        "\t".join([str(i)] + [str(int(v)) for v in (rng.rand(1433) < 0.02)] + [subjects[k % 7]]) + "\n"
        for k, i in enumerate(ids))
    cites = "".join(f"{ids[rng.randint(len(ids))]}\t{ids[rng.randint(len(ids))]}\n" for _ in range(400))
    _tar(path, {"cora/cora.content": content, "cora/cora.cites": cites, "cora/README": "synthetic\n"})


def cornell(url, path, rng):
    """The script keeps 40,000 pairs for training and validates on the rest."""
    base = "cornell movie-dialogs corpus/"
    lines, conversations = [], []
    for c in range(22000):
        ids = [f"L{c * 10 + k}" for k in range(3)]
        for line_id in ids:
            lines.append(f"{line_id} +++$+++ u0 +++$+++ m0 +++$+++ A +++$+++ {_sentence(rng)}\n")
        conversations.append(f"u0 +++$+++ u1 +++$+++ m0 +++$+++ {ids!r}\n")
    _zip(path, {base + "movie_lines.txt": "".join(lines),
                base + "movie_conversations.txt": "".join(conversations)})


def movielens(url, path, rng):
    movies = [[i, f"Movie {i} (19{80 + i % 20})", "|".join(rng.choice(["Action", "Comedy", "Drama"], 2))]
              for i in range(1, 61)]
    ratings = [[u, int(rng.randint(1, 61)), float(rng.randint(1, 11)) / 2, 964982703 + k]
               for k, u in enumerate(rng.randint(1, 40, 900))]
    _zip(path, {"ml-latest-small/movies.csv": _csv_text(["movieId", "title", "genres"], movies),
                "ml-latest-small/ratings.csv": _csv_text(["userId", "movieId", "rating", "timestamp"], ratings)})


def arxiv(url, path, rng):
    terms = ["cs.LG", "cs.CV", "stat.ML", "cs.AI", "cs.CL"]
    rows = []
    for i in range(240):
        chosen = sorted(set(rng.choice(terms, rng.randint(1, 3)).tolist()))
        rows.append([repr(chosen) if i % 7 else repr(["cs.LG"]), f"title {i} {_sentence(rng, 2, 5)}",
                     _sentence(rng, 20, 60)])
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(_csv_text(["terms", "titles", "summaries"], rows))


BANK_COLUMNS = ["age", "job", "marital", "education", "default", "housing", "loan", "contact", "month",
                "day_of_week", "duration", "campaign", "pdays", "previous", "poutcome", "emp.var.rate",
                "cons.price.idx", "cons.conf.idx", "euribor3m", "nr.employed", "y"]


def bank_marketing(url, path, rng):
    choice = lambda *xs: xs[rng.randint(len(xs))]  # noqa: E731
    rows = [[int(rng.randint(18, 90)), choice("admin.", "services", "technician", "management"),
             choice("married", "single", "divorced"), choice("basic.4y", "high.school", "university.degree"),
             choice("no", "unknown"), choice("no", "yes"), choice("no", "yes"), choice("cellular", "telephone"),
             choice("may", "jun", "jul"), choice("mon", "tue", "wed"), int(rng.randint(0, 600)),
             int(rng.randint(1, 10)), int(choice(999, 3, 6)), int(rng.randint(0, 3)),
             choice("nonexistent", "failure", "success"), float(choice(1.1, -1.8)), 93.2 + rng.rand(),
             -40.0 + rng.rand(), 1.0 + 4 * rng.rand(), 5099.1 + rng.rand(), choice("no", "yes")]
            for _ in range(300)]
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as archive:
        archive.writestr(zipfile.ZipInfo("bank-additional/bank-additional.csv", (1980, 1, 1, 0, 0, 0)),
                         _csv_text(BANK_COLUMNS, rows, ";"))
    _zip(path, {"bank-additional.zip": inner.getvalue(), "bank.zip": b""})


BUILDERS = [
    (r"lbc/cora\.tgz$", cora),
    (r"cornell_movie_dialogs_corpus\.zip$", cornell),
    (r"movielens/ml-latest-small\.zip$", movielens),
    (r"arxiv_data\.csv$", arxiv),
    (r"bank\+marketing\.zip$", bank_marketing),
]


def _ipython_stub():
    """Notebook display helpers some scripts import: output only, no computation."""
    ipython = types.ModuleType("IPython")
    display = types.ModuleType("IPython.display")

    def show(*objects, **kwargs):
        print(*objects)

    class Media:
        def __init__(self, *args, **kwargs):
            pass

    display.display = show
    display.clear_output = lambda *a, **k: None
    for name in ("Audio", "Image", "HTML", "Markdown", "Video"):
        setattr(display, name, Media)
    ipython.display = display
    ipython.get_ipython = lambda: None  # "not in a notebook", for libraries that ask
    return {"IPython": ipython, "IPython.display": display}


def SETUP(cwd, rng):
    try:
        import IPython  # noqa: F401
    except ImportError:
        sys.modules.update(_ipython_stub())
