"""Unit tests of the worker bot's server-free parts (tools/remote/{bot,_exec}.py).

The bot runs in BuildGrid's isolated venv (the REAPI protos ship in the buildgrid
wheel), not the project venv, so these tests skip where buildgrid is missing.
run_remote_tests.sh runs them with that venv:
  PYTHONPATH=tools $VENV/bin/python -m unittest tests/remote/test_bot.py
"""

import hashlib
import json
import os
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))

try:
    from buildgrid._protos.build.bazel.remote.execution.v2 import remote_execution_pb2 as re_pb2
except ImportError:  # pragma: no cover - depends on the interpreter
    raise unittest.SkipTest("buildgrid is not installed here (see tools/remote/stack.sh --setup)")

from remote import _exec  # noqa: E402
from remote.bot import RoutingLog, parse_properties  # noqa: E402


class FakeCas:
    """A dict-backed CAS with the bot's fetch_blobs interface; counts fetched blobs."""

    def __init__(self):
        self.blobs = {}
        self.fetched = 0

    def put(self, data):
        digest = re_pb2.Digest(hash=hashlib.sha256(data).hexdigest(), size_bytes=len(data))
        self.blobs[digest.hash] = data
        return digest

    def put_message(self, message):
        return self.put(message.SerializeToString())

    def fetch_blobs(self, digests):
        self.fetched += len(digests)
        return {d.hash: self.blobs[d.hash] for d in digests}


def _command(args, env=None, wd="", outputs=(), output_dirs=()):
    command = re_pb2.Command(arguments=args, working_directory=wd)
    for k, v in sorted((env or {}).items()):
        command.environment_variables.add(name=k, value=v)
    command.output_files.extend(outputs)
    command.output_directories.extend(output_dirs)
    return command


class PropertiesTest(unittest.TestCase):
    def test_parse_properties(self):
        self.assertEqual(parse_properties(["Pool=gpu", "OSFamily=linux"]), {"Pool": "gpu", "OSFamily": "linux"})
        self.assertEqual(parse_properties(["container-image=docker://x@sha256:a=b"]),
                         {"container-image": "docker://x@sha256:a=b"})
        with self.assertRaises(ValueError):
            parse_properties(["Pool"])

    def test_platform_dict(self):
        platform = re_pb2.Platform()
        platform.properties.add(name="Pool", value="gpu")
        platform.properties.add(name="OSFamily", value="linux")
        self.assertEqual(_exec.platform_dict(platform), {"Pool": "gpu", "OSFamily": "linux"})

    def test_bot_refuses_other_pool_but_ignores_keys_it_does_not_advertise(self):
        bot = {"Pool": "cpu", "OSFamily": "linux"}
        self.assertEqual(_exec.missing_properties({"Pool": "gpu"}, bot), {"Pool": "gpu"})
        self.assertEqual(_exec.missing_properties({"Pool": "cpu", "container-image": "x"}, bot), {})


class InputTreeTest(unittest.TestCase):
    def setUp(self):
        self.cas = FakeCas()
        self.tmp = tempfile.mkdtemp()
        sub = re_pb2.Directory()
        sub.files.add(name="run.sh", digest=self.cas.put(b"#!/bin/sh\necho hi\n"), is_executable=True)
        sub.symlinks.add(name="link", target="run.sh")
        root = re_pb2.Directory()
        root.files.add(name="data.txt", digest=self.cas.put(b"payload"))
        root.directories.add(name="bin", digest=self.cas.put_message(sub))
        self.root_digest = self.cas.put_message(root)

    def test_fetch_and_materialize(self):
        dirs = _exec.fetch_tree(self.root_digest, self.cas.fetch_blobs)
        self.assertEqual(len(dirs), 2)
        exec_root = os.path.join(self.tmp, "exec")
        n = _exec.materialize(exec_root, self.root_digest, dirs, self.cas.fetch_blobs)
        self.assertEqual(n, 2)
        with open(os.path.join(exec_root, "data.txt"), "rb") as f:
            self.assertEqual(f.read(), b"payload")
        self.assertTrue(os.access(os.path.join(exec_root, "bin", "run.sh"), os.X_OK))
        self.assertFalse(os.access(os.path.join(exec_root, "data.txt"), os.X_OK))
        self.assertEqual(os.readlink(os.path.join(exec_root, "bin", "link")), "run.sh")

    def test_file_cache_avoids_refetching(self):
        cache = os.path.join(self.tmp, "cache")
        os.makedirs(cache)
        dirs = _exec.fetch_tree(self.root_digest, self.cas.fetch_blobs)
        _exec.materialize(os.path.join(self.tmp, "a"), self.root_digest, dirs, self.cas.fetch_blobs, cache)
        before = self.cas.fetched
        _exec.materialize(os.path.join(self.tmp, "b"), self.root_digest, dirs, self.cas.fetch_blobs, cache)
        self.assertEqual(self.cas.fetched, before, "second materialization must come from the cache")
        with open(os.path.join(self.tmp, "b", "data.txt"), "rb") as f:
            self.assertEqual(f.read(), b"payload")


class RunAndCollectTest(unittest.TestCase):
    def setUp(self):
        self.root = tempfile.mkdtemp()
        self.out = os.path.join(self.root, ".out")
        self.err = os.path.join(self.root, ".err")

    def test_environment_is_exactly_the_commands_plus_default_path(self):
        command = _command(["/usr/bin/env"], env={"KERAS_BACKEND": "jax"})
        code, timed_out = _exec.run_command(command, self.root, self.out, self.err)
        self.assertEqual((code, timed_out), (0, False))
        with open(self.out) as f:
            env = dict(line.split("=", 1) for line in f.read().splitlines())
        self.assertEqual(env, {"KERAS_BACKEND": "jax", "PATH": _exec.DEFAULT_PATH})

    def test_exit_code_cwd_and_relative_argv0(self):
        os.makedirs(os.path.join(self.root, "wd", "tools"))
        script = os.path.join(self.root, "wd", "tools", "t.sh")
        with open(script, "w") as f:
            f.write("#!/bin/sh\npwd\nexit 3\n")
        os.chmod(script, 0o755)
        command = _command(["tools/t.sh"], wd="wd")
        code, _ = _exec.run_command(command, self.root, self.out, self.err)
        self.assertEqual(code, 3)
        with open(self.out) as f:
            self.assertEqual(f.read().strip(), os.path.join(self.root, "wd"))

    def test_timeout_kills_the_process_group(self):
        command = _command(["/bin/sh", "-c", "sleep 30 & sleep 30"])
        t0 = time.time()
        code, timed_out = _exec.run_command(command, self.root, self.out, self.err, timeout=0.5)
        self.assertTrue(timed_out)
        self.assertLess(time.time() - t0, 10)

    def test_cancel(self):
        cancelled = threading.Event()
        threading.Timer(0.3, cancelled.set).start()
        code, timed_out = _exec.run_command(
            _command(["/bin/sleep", "30"]), self.root, self.out, self.err, cancelled=cancelled
        )
        self.assertEqual((code, timed_out), (-9, False))

    def test_outputs_are_collected_relative_to_the_working_directory(self):
        command = _command(
            ["/bin/sh", "-c", "echo x > out/a.txt; mkdir -p tree/sub; echo y > tree/sub/b; ln -s b tree/sub/l"],
            wd="wd",
            outputs=["out/a.txt", "out/missing.txt"],
            output_dirs=["tree"],
        )
        os.makedirs(os.path.join(self.root, "wd"))
        _exec.prepare_output_dirs(self.root, command)
        self.assertTrue(os.path.isdir(os.path.join(self.root, "wd", "out")))
        code, _ = _exec.run_command(command, self.root, self.out, self.err)
        self.assertEqual(code, 0)
        result = re_pb2.ActionResult()
        blobs = _exec.collect_outputs(self.root, command, result)
        self.assertEqual([f.path for f in result.output_files], ["out/a.txt"])
        self.assertEqual(blobs[result.output_files[0].digest.hash][1], os.path.join(self.root, "wd", "out/a.txt"))
        self.assertEqual([d.path for d in result.output_directories], ["tree"])
        tree = re_pb2.Tree()
        tree.ParseFromString(blobs[result.output_directories[0].tree_digest.hash][1])
        self.assertEqual([d.name for d in tree.root.directories], ["sub"])
        (sub,) = tree.children
        self.assertEqual([f.name for f in sub.files], ["b"])
        self.assertEqual([(s.name, s.target) for s in sub.symlinks], [("l", "b")])
        self.assertEqual(tree.root.directories[0].digest.hash, hashlib.sha256(sub.SerializeToString()).hexdigest())


class _FakeCasStub:
    """Stands in for the gRPC CAS stub: records requests, answers from a dict."""

    def __init__(self, blobs):
        self.blobs, self.requests = blobs, []

    def BatchReadBlobs(self, request, timeout=None):
        self.requests.append([d.hash for d in request.digests])
        reply = re_pb2.BatchReadBlobsResponse()
        for d in request.digests:
            r = reply.responses.add(digest=d)
            if d.hash in self.blobs:
                r.data = self.blobs[d.hash]
            else:
                r.status.code = 5  # NOT_FOUND
        return reply


class CasClientTest(unittest.TestCase):
    def _client(self, blobs):
        import grpc

        from remote import _cas

        client = _cas.CasClient(grpc.insecure_channel("127.0.0.1:9"), "main")
        client._cas = _FakeCasStub(blobs)
        return client, _cas

    def test_empty_blob_is_never_requested_and_batches_are_bounded(self):
        client, _cas = self._client({})
        big = b"x" * (_cas._BATCH_BYTES // 2 + 1)
        digests = [_cas.digest_of(big + bytes([i])) for i in range(3)]
        client._cas.blobs = {d.hash: big + bytes([i]) for i, d in enumerate(digests)}
        empty = _cas.digest_of(b"")
        out = client.fetch_blobs(digests + [empty])
        self.assertEqual(out[empty.hash], b"")
        self.assertEqual(len(out), 4)
        self.assertEqual(len(client._cas.requests), 3, "two half-size blobs do not fit one batch")
        self.assertNotIn(empty.hash, sum(client._cas.requests, []))

    def test_missing_blob_raises(self):
        client, _cas = self._client({})
        with self.assertRaises(LookupError):
            client.fetch_blobs([_cas.digest_of(b"absent")])


class RoutingLogTest(unittest.TestCase):
    def test_one_json_line_per_record_from_many_threads(self):
        path = os.path.join(tempfile.mkdtemp(), "bots.jsonl")
        log = RoutingLog(path)
        threads = [
            threading.Thread(target=lambda i=i: [log.write({"bot": f"b{i}", "n": n}) for n in range(50)])
            for i in range(4)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        with open(path) as f:
            records = [json.loads(line) for line in f]
        self.assertEqual(len(records), 200)

    def test_no_path_means_no_log(self):
        RoutingLog("").write({"bot": "x"})  # must not raise


if __name__ == "__main__":
    unittest.main()
