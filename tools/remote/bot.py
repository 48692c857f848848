"""A small Remote Workers API bot: glue between a REAPI server's scheduler and local processes.

One bot session per execution slot. Each session advertises the platform
properties given with --property (e.g. Pool=gpu, OSFamily=linux), long-polls
UpdateBotSession for a lease, and runs it: fetch Action, Command and input root
from CAS, run the command in a fresh directory with exactly the environment the
Command gives, upload outputs, stdout and stderr, and report the ActionResult
in the lease. Each execution is appended as one JSON line to --log, so tests
can prove which bot ran what.

Run with the BuildGrid venv (the protos ship in the buildgrid wheel):
  PYTHONPATH=tools python -m remote.bot --server 127.0.0.1:50051 --instance main \
      --name cpu --property OSFamily=linux --property Pool=cpu --slots 2 --log bots.jsonl
"""

import argparse
import json
import os
import shutil
import signal
import sys
import threading
import time
import uuid

import grpc
from buildgrid._protos.build.bazel.remote.execution.v2 import remote_execution_pb2 as re_pb2
from buildgrid._protos.google.devtools.remoteworkers.v1test2 import bots_pb2, bots_pb2_grpc, worker_pb2
from buildgrid._protos.google.rpc import code_pb2

from remote import _exec
from remote._cas import CasClient

__all__ = ["main", "parse_properties", "RoutingLog"]

_LONG_POLL_S = 30  # idle UpdateBotSession deadline (server waits 80% of it for work)
_CREATE_S = 3  # below BuildGrid's NETWORK_TIMEOUT / 0.8: CreateBotSession answers at once
_HEARTBEAT_S = 5  # while an action runs
_DEFAULT_TIMEOUT_S = 900


def parse_properties(pairs):
    """['Pool=gpu', 'OSFamily=linux'] -> {'Pool': 'gpu', 'OSFamily': 'linux'}"""
    props = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise ValueError(f"--property wants KEY=VALUE, got {pair!r}")
        props[key] = value
    return props


class RoutingLog:
    """Append-only JSON lines, one per execution; safe across slots and processes."""

    def __init__(self, path):
        self._path = path
        self._lock = threading.Lock()

    def write(self, record):
        if not self._path:
            return
        line = json.dumps(record, sort_keys=True) + "\n"
        with self._lock, open(self._path, "a") as f:
            f.write(line)  # one write() on an O_APPEND file: lines do not interleave


def _bot_session(bot_id, properties):
    device = worker_pb2.Device(
        handle=bot_id,
        properties=[worker_pb2.Device.Property(key=k, value=v) for k, v in sorted(properties.items())],
    )
    worker = worker_pb2.Worker(devices=[device], configs=[worker_pb2.Worker.Config(key="capacity", value="1")])
    return bots_pb2.BotSession(bot_id=bot_id, status=bots_pb2.OK, worker=worker)


class Slot:
    """One execution slot = one bot session, run in its own thread."""

    def __init__(self, args, index, channel, properties, log):
        self.bot_id = f"{args.name}-{index}"
        self.args = args
        self.properties = properties
        self.log = log
        self.bots = bots_pb2_grpc.BotsStub(channel)
        self.cas = CasClient(channel, args.instance)
        self.cache_dir = os.path.join(args.work_dir, "cache")
        os.makedirs(self.cache_dir, exist_ok=True)

    def _update(self, session, deadline):
        return self.bots.UpdateBotSession(
            bots_pb2.UpdateBotSessionRequest(name=session.name, bot_session=session), timeout=deadline
        )

    def loop(self, stop):
        request = bots_pb2.CreateBotSessionRequest(
            parent=self.args.instance, bot_session=_bot_session(self.bot_id, self.properties)
        )
        while True:  # the server may still be starting: wait for it
            try:
                session = self.bots.CreateBotSession(request, timeout=_CREATE_S, wait_for_ready=True)
                break
            except grpc.RpcError as e:
                if stop.is_set():
                    return
                if e.code() not in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED):
                    raise
                stop.wait(0.2)
        print(f"[{self.bot_id}] session {session.name} properties {self.properties}", flush=True)
        while not stop.is_set():
            lease = next((l for l in session.leases if l.state in (bots_pb2.PENDING, bots_pb2.ACTIVE)), None)
            try:
                if lease is None:
                    # Idle: long-poll for work. A COMPLETED lease still in the session (its
                    # report failed) is reported again; the server ignores duplicates.
                    keep = [l for l in session.leases if l.state == bots_pb2.COMPLETED]
                    del session.leases[:]
                    session.leases.extend(keep)
                    session = self._update(session, _LONG_POLL_S)
                else:
                    session = self._run_lease(session, lease)
            except grpc.RpcError as e:
                if e.code() == grpc.StatusCode.DEADLINE_EXCEEDED:
                    continue  # idle long-poll ended
                if e.code() in (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.INVALID_ARGUMENT):
                    print(f"[{self.bot_id}] session lost ({e.details()}); re-creating", flush=True)
                    return self.loop(stop)
                print(f"[{self.bot_id}] {e.code().name}: {e.details()}; retrying", flush=True)
                stop.wait(1)

    def _run_lease(self, session, lease):
        lease.state = bots_pb2.ACTIVE
        cancelled = threading.Event()
        outcome = {}
        worker = threading.Thread(target=lambda: outcome.update(self.execute(lease, cancelled)), daemon=True)
        worker.start()
        while worker.is_alive():
            worker.join(_HEARTBEAT_S)
            if worker.is_alive():  # heartbeat: keeps the lease ACTIVE on the server
                try:
                    reply = self._update(session, _HEARTBEAT_S * 2)
                except grpc.RpcError as e:  # keep running; the next heartbeat may get through
                    print(f"[{self.bot_id}] heartbeat failed: {e.code().name}", flush=True)
                    continue
                session = reply
                if not any(l.id == lease.id for l in session.leases):
                    cancelled.set()  # the server cancelled the job: stop it
                else:
                    lease = next(l for l in session.leases if l.id == lease.id)
        if cancelled.is_set():
            worker.join()
            return session
        lease.state = bots_pb2.COMPLETED
        lease.status.code = outcome.get("code", code_pb2.INTERNAL)
        lease.status.message = outcome.get("message", "")
        if "result" in outcome:
            lease.result.Pack(outcome["result"])
        # Reporting the completion also long-polls for the next lease.
        return self._update(session, _LONG_POLL_S)

    def execute(self, lease, cancelled):
        """Runs one lease; returns {'code', 'message', 'result'?} and logs the execution."""
        t0 = time.time()
        record = {"bot": self.bot_id, "properties": self.properties, "lease": lease.id, "start": t0}
        exec_root = os.path.join(self.args.work_dir, "exec", uuid.uuid4().hex)
        try:
            action = re_pb2.Action()
            if lease.payload.Is(re_pb2.Action.DESCRIPTOR):
                lease.payload.Unpack(action)
            else:
                digest = re_pb2.Digest()
                lease.payload.Unpack(digest)
                action = self.cas.fetch_message(digest, re_pb2.Action)
            command = self.cas.fetch_message(action.command_digest, re_pb2.Command)
            platform = action.platform if action.platform.properties else command.platform
            requested = _exec.platform_dict(platform)
            env = {v.name: v.value for v in command.environment_variables}
            record.update(
                requested=requested,
                target=env.get("TEST_TARGET", ""),
                argv0=command.arguments[0] if command.arguments else "",
                action_input_root=action.input_root_digest.hash,
            )
            mismatch = _exec.missing_properties(requested, self.properties)
            if mismatch:  # never run work meant for another pool, whatever the server says
                msg = f"bot {self.bot_id} {self.properties} cannot run an action requiring {mismatch}"
                record.update(outcome="refused")
                return {"code": code_pb2.FAILED_PRECONDITION, "message": msg}

            directories = _exec.fetch_tree(action.input_root_digest, self.cas.fetch_blobs)
            record["inputs"] = _exec.materialize(
                exec_root, action.input_root_digest, directories, self.cas.fetch_blobs, self.cache_dir
            )
            _exec.prepare_output_dirs(exec_root, command)
            t1 = time.time()
            timeout = action.timeout.ToTimedelta().total_seconds() or _DEFAULT_TIMEOUT_S
            stdout, stderr = os.path.join(exec_root, ".bot.stdout"), os.path.join(exec_root, ".bot.stderr")
            exit_code, timed_out = _exec.run_command(command, exec_root, stdout, stderr, timeout, cancelled)
            t2 = time.time()

            result = re_pb2.ActionResult(exit_code=exit_code)
            blobs = _exec.collect_outputs(exec_root, command, result)
            for path, field in ((stdout, result.stdout_digest), (stderr, result.stderr_digest)):
                digest = _exec.file_digest(path)
                field.CopyFrom(digest)
                blobs[digest.hash] = (digest, path)
            self.cas.upload(blobs)
            result.execution_metadata.worker = self.bot_id
            result.execution_metadata.execution_start_timestamp.FromSeconds(int(t1))
            result.execution_metadata.execution_completed_timestamp.FromSeconds(int(t2))
            record.update(
                outcome="timeout" if timed_out else "ran",
                exit_code=exit_code,
                fetch_s=round(t1 - t0, 3),
                run_s=round(t2 - t1, 3),
                upload_s=round(time.time() - t2, 3),
            )
            if timed_out:
                return {"code": code_pb2.DEADLINE_EXCEEDED, "message": f"timed out after {timeout}s", "result": result}
            return {"code": code_pb2.OK, "result": result}
        except Exception as e:  # reported to the client as the action's status
            record.update(outcome="error", error=f"{type(e).__name__}: {e}")
            return {"code": code_pb2.INTERNAL, "message": f"bot {self.bot_id}: {type(e).__name__}: {e}"}
        finally:
            record["total_s"] = round(time.time() - t0, 3)
            self.log.write(record)
            shutil.rmtree(exec_root, ignore_errors=True)


def _parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--server", required=True, help="host:port (grpc:// prefix allowed)")
    p.add_argument("--instance", default="main")
    p.add_argument("--name", required=True, help="bot id prefix; slots are NAME-0, NAME-1, ...")
    p.add_argument("--property", action="append", default=[], help="KEY=VALUE platform property (repeat)")
    p.add_argument("--slots", type=int, default=1, help="concurrent actions = bot sessions")
    p.add_argument("--work-dir", required=True)
    p.add_argument("--log", default="", help="JSON-lines file: one record per execution")
    return p.parse_args(argv)


def main(argv=None):
    args = _parse_args(argv)
    properties = parse_properties(args.property)
    target = args.server.removeprefix("grpc://")
    channel = grpc.insecure_channel(target, options=[("grpc.max_receive_message_length", 64 << 20)])
    log = RoutingLog(args.log)
    stop = threading.Event()

    def on_signal(signum, _frame):
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    for i in range(args.slots):
        slot = Slot(args, i, channel, properties, log)
        threading.Thread(target=slot.loop, args=(stop,), daemon=True, name=slot.bot_id).start()
    stop.wait()
    # Actions run in their own process groups; the run loop kills them on `cancelled`,
    # but on shutdown the daemon threads just die, so kill what is still running.
    _exec.kill_running()
    return 0


if __name__ == "__main__":
    sys.exit(main())
