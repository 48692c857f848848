"""The migration action as a Bazel persistent worker: the same bytes as one-shot runs."""

import os
import subprocess
import sys
import textwrap

import pytest

from keras_migrate.bazel import _worker

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
ACTION = [sys.executable, "-m", "keras_migrate.bazel._action"]
ENV = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "tools"))

KERAS2 = textwrap.dedent("""\
    import tensorflow as tf

    model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(3,))])
    model.compile(optimizer=tf.keras.optimizers.Adam(lr=0.1), loss="mse")
    """)
PLAIN = "print('no keras here')\r\n"


def _sources(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "model.py").write_text(KERAS2)
    (tmp_path / "pkg" / "plain.py").write_bytes(PLAIN.encode())
    (tmp_path / "pkg" / "broken.py").write_text("def f(:\n")


def _arguments(out: str, files):
    args = ["--label", f"@@//pkg:{out}", "--mode", "agnostic", "--patch", f"{out}/patch.diff",
            "--report", f"{out}/report.json"]
    for name in files:
        args += ["--file", f"pkg/{name}={out}/pkg/{name}"]
    return args


def _outputs(root):
    found = {}
    for base, _dirs, files in os.walk(root):
        for name in files:
            path = os.path.join(base, name)
            with open(path, "rb") as handle:
                found[os.path.relpath(path, root)] = handle.read()
    return found


def test_worker_outputs_equal_one_shot_outputs(tmp_path):
    _sources(tmp_path)
    targets = {"a": ["model.py", "plain.py"], "b": ["broken.py"], "c": ["model.py"]}
    # One-shot, arguments in a params file as the aspect passes them.
    for out, files in targets.items():
        os.makedirs(tmp_path / f"one_{out}" / "pkg")
        params = tmp_path / f"{out}.params"
        params.write_text("\n".join(_arguments(f"one_{out}", files)) + "\n")
        subprocess.run(ACTION + [f"@{params}"], cwd=tmp_path, env=ENV, check=True)
    # One worker process for all three requests.
    requests = b""
    for i, (out, files) in enumerate(targets.items()):
        os.makedirs(tmp_path / f"w_{out}" / "pkg")
        message = _worker.encode_request(_arguments(f"w_{out}", files), request_id=i)
        requests += _worker._varint(len(message)) + message
    done = subprocess.run(ACTION + ["--persistent_worker"], cwd=tmp_path, env=ENV, input=requests,
                          stdout=subprocess.PIPE, check=True)
    import io

    stream = io.BytesIO(done.stdout)
    responses = []
    while (data := _worker.read_delimited(stream)) is not None:
        responses.append(_worker.decode_response(data))
    assert [(code, rid) for code, _out, rid in responses] == [(0, 0), (0, 1), (0, 2)]
    for out in targets:
        one = _outputs(tmp_path / f"one_{out}")
        worker = _outputs(tmp_path / f"w_{out}")
        # The reports name their own output paths' label; everything else is the same bytes.
        assert {k: v.replace(b"@@//pkg:one_", b"@@//pkg:w_") for k, v in one.items()} == worker
    assert _outputs(tmp_path / "w_a")["pkg/plain.py"] == PLAIN.encode()
    assert b"keras.optimizers.Adam(learning_rate=0.1)" in _outputs(tmp_path / "w_a")["pkg/model.py"]


def test_a_failing_request_is_answered_and_the_worker_goes_on():
    calls = []

    def run(argv):
        calls.append(argv)
        if argv == ["boom"]:
            raise RuntimeError("rule crashed")
        print("migrated", argv)
        return 0

    import io

    stdin = io.BytesIO()
    for i, args in enumerate((["boom"], ["ok"])):
        _worker.write_delimited(stdin, _worker.encode_request(args, request_id=i + 1))
    stdin.seek(0)
    stdout = io.BytesIO()
    assert _worker.serve(run, stdin, stdout) == 0
    stdout.seek(0)
    first = _worker.decode_response(_worker.read_delimited(stdout))
    second = _worker.decode_response(_worker.read_delimited(stdout))
    assert first[0] == 1 and "RuntimeError: rule crashed" in first[1] and first[2] == 1
    assert second == (0, "migrated ['ok']\n", 2)
    assert calls == [["boom"], ["ok"]]


@pytest.mark.parametrize("value", [0, 1, 127, 128, 300, 2**31 - 1])
def test_varints_round_trip(value):
    import io

    message = _worker.encode_response(value, "é", 7)
    stream = io.BytesIO()
    _worker.write_delimited(stream, message)
    stream.seek(0)
    assert _worker.decode_response(_worker.read_delimited(stream)) == (value, "é", 7)
