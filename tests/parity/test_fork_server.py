"""The parity harness's fork servers run a program as a fresh `python program.py` would."""

import json
import os
import sys
import textwrap

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import _harness  # noqa: E402

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="fork servers need os.fork")

# What the program sees of its own process, emitted as its results.
_PROBE = textwrap.dedent(
    """
    import json, os, pickle, sys, tempfile

    class Point:
        def __init__(self, x):
            self.x = x

    with open("written.txt", "w") as f:  # relative to the working directory
        f.write("x")
    results = {
        "main": __name__ == "__main__",
        "argv0": os.path.basename(sys.argv[0]),
        "path0": os.path.basename(sys.path[0]),
        "extra_on_path": sys.path[2] if len(sys.path) > 2 else "",
        "cwd_is_tmpdir": os.path.realpath(tempfile.gettempdir()) == os.path.realpath(os.getcwd()),
        "pickled": pickle.loads(pickle.dumps(Point(3))).x,
        "keras_home": os.path.isdir(os.environ["KERAS_HOME"]),
        "backend": os.environ["KERAS_BACKEND"],
        "tensorflow_loaded": "tensorflow" in sys.modules,
    }
    with open(os.environ["PARITY_OUT"], "w") as f:  # emit() takes numbers only
        json.dump(results, f)
    """
)


@pytest.fixture(scope="module")
def servers():
    pool = _harness.ForkServers()
    yield pool
    pool.close()


def _write(tmp_path, name, source):
    folder = tmp_path / name
    folder.mkdir()
    path = folder / "program.py"
    path.write_text(source)
    return str(path)


def _run(path, servers, **kwargs):
    return _harness.run_program(path, backend="jax", fork_servers=servers, **kwargs)


def test_forked_run_sees_what_a_fresh_run_sees(tmp_path, servers):
    path = _write(tmp_path, "probe_dir", _PROBE)
    extra = [str(tmp_path)]
    fresh = _harness.run_program(path, backend="jax", extra_pythonpath=extra)
    forked = _run(path, servers, extra_pythonpath=extra)
    assert fresh.returncode == 0, fresh.output
    assert forked.returncode == 0, forked.output
    assert forked.results == fresh.results
    assert forked.results["main"] and forked.results["pickled"] == 3
    assert forked.results["argv0"] == "program.py"
    assert forked.results["path0"] == "probe_dir"
    assert forked.results["extra_on_path"] == str(tmp_path)
    assert forked.results["cwd_is_tmpdir"] and forked.results["backend"] == "jax"
    # A program without a top-level TensorFlow import does not get it pre-imported.
    assert forked.results["tensorflow_loaded"] is False


def test_forked_run_reports_exit_codes_and_output(tmp_path, servers):
    ok = _run(_write(tmp_path, "a", "print('hello')\n"), servers)
    assert (ok.returncode, ok.output.strip()) == (0, "hello")
    exits = _run(_write(tmp_path, "b", "import sys\nprint('bye')\nsys.exit(3)\n"), servers)
    assert exits.returncode == 3 and "bye" in exits.output
    raises = _run(_write(tmp_path, "c", "raise ValueError('boom')\n"), servers)
    assert raises.returncode == 1 and "ValueError: boom" in raises.output
    assert 'program.py", line 1' in raises.output


def test_forked_run_times_out_and_the_server_goes_on(tmp_path, servers):
    slow = _run(_write(tmp_path, "slow", "import time\ntime.sleep(60)\n"), servers, timeout=2)
    assert slow.returncode == -9 and "timed out after 2s" in slow.output
    after = _run(_write(tmp_path, "after", "print('still here')\n"), servers)
    assert after.returncode == 0 and "still here" in after.output


def test_programs_importing_tensorflow_get_a_server_that_has_it(tmp_path, servers):
    source = "import tensorflow as tf\nimport sys, parity_io\n" + (
        "parity_io.emit({'n': int(tf.reduce_sum(tf.ones(3)))})\n"
    )
    run = _run(_write(tmp_path, "tf", source), servers)
    assert run.returncode == 0, run.output
    assert run.results == {"n": 3}
    assert json.dumps(run.results)
