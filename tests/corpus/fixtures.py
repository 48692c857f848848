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
    """cora/cora.cites (target, source) and cora/cora.content (id, 1433 terms, subject), the
    real sizes (the scripts sample 1,500 citations)."""
    ids = sorted(rng.choice(np.arange(1000, 99999), 2708, replace=False).tolist())
    subjects = ["Case_Based", "Genetic_Algorithms", "Neural_Networks", "Probabilistic_Methods",
                "Reinforcement_Learning", "Rule_Learning", "Theory"]
    content = "".join(
        "\t".join([str(i)] + [str(int(v)) for v in (rng.rand(1433) < 0.02)] + [subjects[k % 7]]) + "\n"
        for k, i in enumerate(ids))
    cites = "".join(f"{ids[rng.randint(len(ids))]}\t{ids[rng.randint(len(ids))]}\n" for _ in range(5429))
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
    # (node2vec looks these titles up: movies 1, 7, 13, ... are in its graph)
    known = ["Matrix, The (1999)", "Star Wars: Episode IV - A New Hope (1977)", "Lion King, The (1994)",
             "Terminator 2: Judgment Day (1991)", "Godfather, The (1972)"]
    movies = [[i, known[(i - 1) // 6] if (i - 1) % 6 == 0 and (i - 1) // 6 < len(known)
               else f"Movie {i} (19{80 + i % 20})", "|".join(rng.choice(["Action", "Comedy", "Drama"], 2))]
              for i in range(1, 151)]
    ratings = [[u, int(rng.randint(1, 61)), float(rng.randint(1, 11)) / 2, 964982703 + k]
               for k, u in enumerate(rng.randint(1, 40, 900))]
    # Taste groups: ten users of a group give the group's six movies 5.0, so that movies
    # co-rated >= 5 by many users exist (node2vec's graph keeps only such pairs; 150
    # movies give its skip-gram more than one batch of 1024 examples).
    for group in range(25):
        for user in range(1 + 10 * group, 11 + 10 * group):
            ratings += [[user, 1 + 6 * group + m, 5.0, 965000000 + 100 * user + m] for m in range(6)]
    _zip(path, {"ml-latest-small/movies.csv": _csv_text(["movieId", "title", "genres"], movies),
                "ml-latest-small/ratings.csv": _csv_text(["userId", "movieId", "rating", "timestamp"], ratings)})


def arxiv(url, path, rng):
    terms = ["cs.LG", "cs.CV", "stat.ML", "cs.AI", "cs.CL"]
    rows = []
    for i in range(2500):  # the script samples 100 of its 10% test split
        chosen = sorted(set(rng.choice(terms, rng.randint(1, 3)).tolist()))
        rows.append([repr(chosen) if i % 7 else repr(["cs.LG"]), f"title {i} {_sentence(rng, 2, 5)}",
                     _sentence(rng, 20, 60)])
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(_csv_text(["terms", "titles", "summaries"], rows))


BANK_COLUMNS = ["age", "job", "marital", "education", "default", "housing", "loan", "contact", "month",
                "day_of_week", "duration", "campaign", "pdays", "previous", "poutcome", "emp.var.rate",
                "cons.price.idx", "cons.conf.idx", "euribor3m", "nr.employed", "y"]


BANK_CATEGORIES = {
    "job": ("admin.", "blue-collar", "entrepreneur", "housemaid", "management", "retired", "self-employed",
            "services", "student", "technician", "unemployed", "unknown"),
    "marital": ("divorced", "married", "single", "unknown"),
    "education": ("basic.4y", "basic.6y", "basic.9y", "high.school", "illiterate", "professional.course",
                  "university.degree", "unknown"),
    "default": ("no", "yes", "unknown"), "housing": ("no", "yes", "unknown"), "loan": ("no", "yes", "unknown"),
    "contact": ("cellular", "telephone"),
    "month": ("mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
    "day_of_week": ("mon", "tue", "wed", "thu", "fri"),
    "poutcome": ("failure", "nonexistent", "success"), "y": ("no", "yes"),
}


def bank_marketing(url, path, rng):
    """bank-additional.csv inside a zip inside the zip; every category of the real data
    appears (the script predicts on a hand-written sample of real values)."""
    rows = []
    for i in range(600):
        row = {name: values[(i + rng.randint(len(values))) % len(values)] if i >= 40 else values[i % len(values)]
               for name, values in BANK_CATEGORIES.items()}
        row.update({"age": int(rng.randint(18, 90)), "duration": int(rng.randint(0, 600)),
                    "campaign": int(rng.randint(1, 10)), "pdays": int((999, 3, 6)[rng.randint(3)]),
                    "previous": int(rng.randint(0, 3)), "emp.var.rate": float((1.1, -1.8)[rng.randint(2)]),
                    "cons.price.idx": 93.2 + rng.rand(), "cons.conf.idx": -40.0 + rng.rand(),
                    "euribor3m": 1.0 + 4 * rng.rand(), "nr.employed": 5099.1 + rng.rand()})
        rows.append([row[c] for c in BANK_COLUMNS])
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as archive:
        archive.writestr(zipfile.ZipInfo("bank-additional/bank-additional.csv", (1980, 1, 1, 0, 0, 0)),
                         _csv_text(BANK_COLUMNS, rows, ";"))
    _zip(path, {"bank-additional.zip": inner.getvalue(), "bank.zip": b""})


def _wav(rng, seconds=1.0, rate=22050):
    import wave

    samples = (rng.uniform(-0.3, 0.3, int(seconds * rate)) * 32767).astype("<i2")
    out = io.BytesIO()
    with wave.open(out, "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(rate)
        handle.writeframes(samples.tobytes())
    return out.getvalue()


def ljspeech(url, path, rng):
    """LJSpeech-1.1/{metadata.csv, wavs/*.wav}: id|transcription|normalized."""
    files, rows = {}, []
    for i in range(64):
        name = f"LJ001-{i:04d}"
        # Short transcripts: a CTC alignment needs at least as many frames (about 69 per
        # second after ctc_asr's strides) as labels; longer ones make every loss inf.
        text = _sentence(rng, 1, 3)
        rows.append(f"{name}|{text}|{text}\n")
        files[f"LJSpeech-1.1/wavs/{name}.wav"] = _wav(rng, 1.0 + rng.rand())
    files["LJSpeech-1.1/metadata.csv"] = "".join(rows)
    _tar(path, files, "w:bz2")


def _png(rng, height, width, channels=1):
    from PIL import Image

    pixels = rng.randint(0, 256, (height, width) + ((channels,) if channels > 1 else ())).astype("uint8")
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, format="PNG")
    return out.getvalue()


def _jpeg(rng, height, width):
    from PIL import Image

    out = io.BytesIO()
    Image.fromarray(rng.randint(0, 256, (height, width, 3)).astype("uint8")).save(out, format="JPEG")
    return out.getvalue()


def _write(root, files):
    for name, data in files.items():
        target = os.path.join(root, name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)


def iam_words(cwd, rng):
    """What the script's shell steps leave: data/words.txt and data/words/<a>/<a-b>/<id>.png."""
    lines, files = ["#--- IAM words (synthetic) ---\n"], {}
    for i in range(400):
        form = f"a{i // 40:02d}-{i % 40:03d}"
        word_id = f"{form}-00-{i % 7:02d}"
        text = str(rng.choice(WORDS))
        status = "err" if i % 23 == 0 else "ok"
        lines.append(f"{word_id} {status} 154 408 768 27 51 AT {text}\n")
        files[f"data/words/{form.split('-')[0]}/{form}/{word_id}.png"] = _png(rng, 32, 24 + 8 * len(text))
    files["data/words.txt"] = "".join(lines)
    _write(cwd, files)


def artwork(cwd, rng):
    """What the script's kaggle/unzip steps leave: artwork/resized/*.jpg."""
    _write(cwd, {f"artwork/resized/artist_{i}.jpg": _jpeg(rng, 64, 48 + i % 5 * 4) for i in range(40)})


def celeba(url, path, rng):
    """The aligned CelebA zip (img_align_celeba/*.jpg) the StyleGAN script fetches with gdown."""
    _zip(path, {f"img_align_celeba/{i:06d}.jpg": _jpeg(rng, 64, 64) for i in range(1, 65)})


def stylegan_checkpoint(url, path, rng):
    """The pretrained 128x128 StyleGAN as a TF checkpoint. Keras 2 can write one: the
    script's own model (trained up to 16x16), grown to 128x128 as the script grows it next
    (its blocks exist from the start: growing creates no weights), saved. Keras 3 writes
    no TF checkpoints (nor reads them: the migrator's KM141 says so); its run gets an
    archive without one."""
    import tempfile

    files = {}
    model = sys.modules["__main__"].style_gan
    model.grow_model(128)
    if os.environ.get("TF_USE_LEGACY_KERAS") == "1":
        with tempfile.TemporaryDirectory() as tmp:
            model.save_weights(os.path.join(tmp, "stylegan_128x128.ckpt"))
            for name in sorted(os.listdir(tmp)):
                with open(os.path.join(tmp, name), "rb") as handle:
                    files[name] = handle.read()
    else:
        files["README"] = "no TF checkpoint under Keras 3\n"
    _zip(path, files)


def _gdown_stub():
    """gdown (Google Drive downloads) answered through urllib, which verify serves."""
    gdown = types.ModuleType("gdown")

    def download(url=None, output=None, quiet=False, **kwargs):
        import urllib.request

        urllib.request.urlretrieve(url, output)
        return output

    gdown.download = download
    return gdown


# Molecules as SMILES, valid for RDKit, with only the atoms each script's mapping knows.
# QM9: at most nine heavy atoms of C, N, O, F (wgan-graphs' adjacency is 9 x 9).
QM9_SMILES = ("C", "N", "O", "CC", "CO", "C=O", "CN", "C#N", "CCC", "CCO", "CC=O", "CC#N", "COC", "NC=O",
              "OCCO", "CC(C)C", "CC(=O)O", "CC(C)O", "C1CC1", "C1CO1", "OC1CC1", "CC1CC1", "FC(F)F", "CCCC",
              "c1ccccc1", "c1ccncc1", "Oc1ccccc1", "CC(=O)NC", "N#CC(=O)N", "OC1COC1", "CC1(O)CC1", "FCC(F)CO",
              "CCOCC", "CC(C)(C)O", "O=C1CCCN1", "c1cc[nH]c1", "Cc1ccco1", "OCC#CCO", "NC1=NC=CN1", "CC(N)C(=O)O")
# ZINC drug-like molecules: C, B, F, I, H, O, N, S, P, Cl, Br (molecule_generation's charset).
ZINC_SMILES = ("CC(=O)Oc1ccccc1C(=O)O", "Cn1cnc2c1c(=O)n(C)c(=O)n2C", "CC(C)Cc1ccc(cc1)C(C)C(=O)O",
               "c1ccc2ccccc2c1", "CCN(CC)CC", "OC(=O)c1ccccc1", "Clc1ccc(Cl)cc1", "Brc1ccccc1O",
               "CS(=O)(=O)Nc1ccccc1", "CCOC(=O)C(C)N", "NC(=O)c1ccccn1", "c1ccsc1CCN", "CCCCCCCC(=O)O",
               "FC(F)(F)c1ccc(cc1)C(=O)N", "CP(=O)(O)Oc1ccccc1", "CC(C)(C)OC(=O)NCC(=O)O", "Ic1ccc(N)cc1",
               "OB(O)c1ccccc1", "CC1=CC(=O)C=CC1=O", "COc1ccc2[nH]ccc2c1", "O=C(Nc1ccccc1)c1ccncc1",
               "CC(C)NCC(O)COc1ccccc1", "N#Cc1ccc(Br)cc1F", "CSc1nc2ccccc2s1", "C1CCN(CC1)C(=O)c1ccco1")


def _smiles_rows(rng, pool, n):
    return [pool[k] for k in rng.randint(len(pool), size=n)]


def qm9(url, path, rng):
    """qm9.csv: mol_id,smiles,... (wgan-graphs reads column 1, prints row 1000, keeps every
    tenth: 160 molecules)."""
    rows = [[f"gdb_{i + 1}", smiles, f"{rng.rand():.4f}"]
            for i, smiles in enumerate(_smiles_rows(rng, QM9_SMILES, 1600))]
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(_csv_text(["mol_id", "smiles", "A"], rows))


def zinc(url, path, rng):
    """250k_rndm_zinc_drugs_clean_3.csv: smiles (with the real file's trailing newline
    inside the quotes), logP, qed, SAS; molecule_generation samples 75% and reads 8,000."""
    rows = [[smiles + "\n", f"{rng.randn() * 2:.5f}", f"{rng.rand():.6f}", f"{1 + 5 * rng.rand():.6f}"]
            for smiles in _smiles_rows(rng, ZINC_SMILES, 10800)]
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(_csv_text(["smiles", "logP", "qed", "SAS"], rows))


def bbbp(url, path, rng):
    """BBBP.csv: num,name,p_np,smiles (mpnn-molecular-graphs reads columns 1-3, shows rows
    96-104); drug-like molecules whose atoms its featurizer knows."""
    rows = [[i + 1, f"compound_{i + 1}", int(rng.rand() < 0.7), smiles]
            for i, smiles in enumerate(_smiles_rows(rng, ZINC_SMILES, 400))]
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(_csv_text(["num", "name", "p_np", "smiles"], rows))


def _npy(array):
    out = io.BytesIO()
    np.save(out, array)
    return out.getvalue()


def diode_val(url, path, rng):
    """DIODE's val.tar.gz: val/indoors/<scene>/<scan>/<id>.png, <id>_depth.npy (H, W, 1),
    <id>_depth_mask.npy (H, W); depth_estimation trains on 260 and validates on the rest
    (it shows 6 from row 265 and 6 from row 300). Small images: the script resizes them."""
    files = {}
    for i in range(312):
        stem = f"val/indoors/scene_{i // 16:05d}/scan_{i:05d}/{i // 16:05d}_{i:05d}_indoors_000_010"
        files[stem + ".png"] = _png(rng, 24, 32, 3)
        files[stem + "_depth.npy"] = _npy((0.5 + 9.5 * rng.rand(24, 32, 1)).astype("float32"))
        # Every pixel valid: the script takes np.log(depth, where=mask) without out=, which
        # leaves uninitialised memory where the mask is 0 (non-deterministic, often NaN).
        files[stem + "_depth_mask.npy"] = _npy(np.ones((24, 32), "float32"))
    _tar(path, files)


# Scripts that expect data a shell step put in place before they run.
SCRIPT_SETUP = {
    "vision__handwriting_recognition": iam_words,
    "generative__adain": artwork,
}

BUILDERS = [
    (r"lbc/cora\.tgz$", cora),
    (r"cornell_movie_dialogs_corpus\.zip$", cornell),
    (r"movielens/ml-latest-small\.zip$", movielens),
    (r"datasets/BBBP\.csv$", bbbp),
    (r"arxiv_data\.csv$", arxiv),
    (r"bank\+marketing\.zip$", bank_marketing),
    (r"LJSpeech-1\.1\.tar\.bz2$", ljspeech),
    (r"drive\.google\.com/uc\?id=1O7m1010EJjLE5QxLZiM9Fpjs7Oj6e684$", celeba),
    (r"stylegan_128x128\.ckpt\.zip$", stylegan_checkpoint),
    (r"datasets/qm9\.csv$", qm9),
    (r"250k_rndm_zinc_drugs_clean_3\.csv$", zinc),
    (r"diode-dataset\.s3\.amazonaws\.com/val\.tar\.gz$", diode_val),
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
    for name in ("Audio", "Image", "HTML", "Markdown", "Video", "SVG"):
        setattr(display, name, Media)
    ipython.display = display
    # What libraries ask of an IPython that is present: "not in a notebook", recent.
    ipython.get_ipython = lambda: None
    ipython.version_info = (9, 0, 0)
    ipython.release = types.SimpleNamespace(version="9.0.0")  # (RDKit's IPythonConsole checks it)
    return {"IPython": ipython, "IPython.display": display}


class _IPythonStubFinder:
    """Serves the stub only to code that imports IPython (and only when IPython is not
    installed): libraries that look for sys.modules["IPython"] see no notebook."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname not in ("IPython", "IPython.display"):
            return None
        import importlib.machinery

        for entry in sys.path:
            if entry and os.path.isdir(os.path.join(entry, "IPython")):
                return None  # the real one
        stubs = _ipython_stub()
        sys.modules.update(stubs)
        return importlib.machinery.ModuleSpec(fullname, _Loaded(stubs[fullname]))


class _Loaded:
    def __init__(self, module):
        self.module = module

    def create_module(self, spec):
        return self.module

    def exec_module(self, module):
        return None


def _no_molecule_grids():
    """RDKit's MolsToGridImage draws nothing: the scripts only display its picture, and its
    Cairo canvas fails for some grids of what a model trained for six steps decodes (the
    Keras 2 run of molecule_generation stopped there)."""
    try:
        from rdkit.Chem import Draw
    except ImportError:
        return
    Draw.MolsToGridImage = lambda mols, *args, **kwargs: print(f"<grid of {len(list(mols))} molecules>")


# Scripts that draw molecules with RDKit.
RDKIT_SCRIPTS = frozenset({"generative__molecule_generation", "generative__wgan-graphs"})


def SETUP(cwd, rng):
    sys.meta_path.append(_IPythonStubFinder())
    try:
        import gdown  # noqa: F401
    except ImportError:
        sys.modules["gdown"] = _gdown_stub()
    script = os.path.splitext(os.path.basename(sys.argv[0]))[0]
    if script in SCRIPT_SETUP:
        SCRIPT_SETUP[script](cwd, rng)
    if script in RDKIT_SCRIPTS:
        _no_molecule_grids()
