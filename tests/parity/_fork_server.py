"""Fork server of the parity harness: imports Keras 3 once, forks one child per program.

Started by _harness.ForkServer with the environment a fresh program process would get
(KERAS_BACKEND, thread counts, KERAS_HOME, PYTHONHASHSEED). Importing Keras with its
backend costs 3-6 s, most of a parity case; a forked child starts in milliseconds with
the same modules loaded and nothing else run (checked: after these imports the process
has one thread and TensorFlow's eager context is not initialised, so fork is safe).

Protocol, one JSON object or one line per message:
  stdin   {"token": T, "program": P, "cwd": D, "env": {...}, "path": [...], "log": F}
  stdout  "ready" once the imports are done; "started T PID" per request;
          "exit PID CODE" when a child ends (CODE < 0: killed by signal -CODE).
The child runs P as `python P` would (its own __main__, argv, sys.path[0] = P's folder),
with stdout and stderr in F, in its own process group (the harness kills the group on
timeout). End of stdin ends the server.
"""

import json
import os
import select
import sys


def _child(request, reply_fd):
    os.setpgid(0, 0)
    os.close(reply_fd)
    log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(log, 1)
    os.dup2(log, 2)
    code = 1
    try:
        import atexit
        import runpy
        import tempfile
        import traceback

        os.chdir(request["cwd"])
        os.environ.update(request["env"])
        tempfile.tempdir = None  # re-read TMPDIR
        program = request["program"]
        sys.path[:] = [os.path.dirname(program)] + request["path"] + sys.path[1:]
        sys.argv = [program]
        try:
            runpy.run_path(program, run_name="__main__")
            code = 0
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
            if not isinstance(e.code, (int, type(None))):
                print(e.code, file=sys.stderr)
        except BaseException:
            traceback.print_exc()
            code = 1
        atexit._run_exitfuncs()  # what interpreter exit would run (emit, TF clean-up)
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(code)


def main():
    # Replies go to a private copy of stdout; the library output of the imports below
    # goes to stderr.
    reply_fd = os.dup(1)
    os.dup2(2, 1)
    reply = os.fdopen(reply_fd, "w", buffering=1)

    import keras  # noqa: F401  (the backend comes with it)

    for module in filter(None, os.environ.get("PARITY_FORK_IMPORTS", "").split(",")):
        __import__(module)
    sys.stdout.flush()  # nothing of the server's may reach a child's log
    sys.stderr.flush()
    reply.write("ready\n")

    children = set()
    buffer = b""
    stdin_open = True
    while stdin_open or children:
        if stdin_open:
            readable, _, _ = select.select([0], [], [], 0.05)
        else:
            readable = []
            select.select([], [], [], 0.05)
        if readable:
            chunk = os.read(0, 65536)
            if not chunk:
                stdin_open = False
            buffer += chunk
            while b"\n" in buffer:
                line, buffer = buffer.split(b"\n", 1)
                request = json.loads(line)
                pid = os.fork()
                if pid == 0:
                    _child(request, reply_fd)
                children.add(pid)
                reply.write(f"started {request['token']} {pid}\n")
        for pid in list(children):
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                children.discard(pid)
                code = os.waitstatus_to_exitcode(status)
                reply.write(f"exit {pid} {code}\n")


if __name__ == "__main__":
    main()
