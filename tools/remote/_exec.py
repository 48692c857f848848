"""Runs one REAPI action in a fresh directory: the parts of the bot that need no server.

Everything talks to CAS through two callables so it can be tested offline:
  fetch_blobs(digests) -> {hash: bytes}
and returns the blobs to upload as {hash: (Digest, bytes-or-path)}.
"""

import hashlib
import os
import shutil
import stat
import subprocess
import threading
import time

from buildgrid._protos.build.bazel.remote.execution.v2 import remote_execution_pb2 as re_pb2

__all__ = [
    "DEFAULT_PATH",
    "build_env",
    "collect_outputs",
    "fetch_tree",
    "file_digest",
    "kill_running",
    "materialize",
    "missing_properties",
    "output_paths",
    "platform_dict",
    "prepare_output_dirs",
    "run_command",
]

# Actions normally carry PATH; when they do not, use the usual system one
# (Bazel's Python launcher needs `python3` via /usr/bin/env).
DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin"

_running = set()  # process-group ids of actions in flight (for kill_running)
_running_lock = threading.Lock()


def _digest(data):
    return re_pb2.Digest(hash=hashlib.sha256(data).hexdigest(), size_bytes=len(data))


def file_digest(path):
    h, size = hashlib.sha256(), 0
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
            size += len(chunk)
    return re_pb2.Digest(hash=h.hexdigest(), size_bytes=size)


def platform_dict(platform):
    """Platform proto -> {name: value}; a repeated name keeps all values joined by ','."""
    out = {}
    for prop in platform.properties:
        out[prop.name] = f"{out[prop.name]},{prop.value}" if prop.name in out else prop.value
    return out


def missing_properties(requested, advertised):
    """Requested properties that contradict what the bot advertises (empty = bot may run it).

    Keys the bot does not advertise are left to the server (wildcard keys such
    as container-image), so only a different value for an advertised key counts.
    """
    return {k: v for k, v in requested.items() if k in advertised and advertised[k] != v}


def fetch_tree(root_digest, fetch_blobs):
    """Fetches the whole input tree level by level: {hash: Directory}."""
    directories, level = {}, [root_digest]
    while level:
        blobs = fetch_blobs([d for d in level if d.hash not in directories])
        next_level = []
        for d in level:
            if d.hash in directories:
                continue
            directory = re_pb2.Directory()
            directory.ParseFromString(blobs[d.hash])
            directories[d.hash] = directory
            next_level.extend(node.digest for node in directory.directories)
        level = next_level
    return directories


def materialize(root, root_digest, directories, fetch_blobs, cache_dir=None):
    """Writes the input tree under root. Files are hard-linked from cache_dir when given."""
    files = []  # (path, FileNode)

    def walk(path, digest):
        os.makedirs(path, exist_ok=True)
        directory = directories[digest.hash]
        for node in directory.files:
            files.append((os.path.join(path, node.name), node))
        for node in directory.symlinks:
            os.symlink(node.target, os.path.join(path, node.name))
        for node in directory.directories:
            walk(os.path.join(path, node.name), node.digest)

    walk(root, root_digest)
    wanted = [n.digest for _, n in files if not _cached(cache_dir, n.digest)]
    blobs = fetch_blobs(wanted) if wanted else {}
    for path, node in files:
        _place(path, node, blobs, cache_dir)
    return len(files)


def _cache_path(cache_dir, digest, executable):
    return os.path.join(cache_dir, f"{digest.hash}_{digest.size_bytes}{'_x' if executable else ''}")


def _cached(cache_dir, digest):
    return cache_dir is not None and (
        os.path.exists(_cache_path(cache_dir, digest, False))
        or os.path.exists(_cache_path(cache_dir, digest, True))
    )


def _place(path, node, blobs, cache_dir):
    mode = 0o555 if node.is_executable else 0o444
    if cache_dir is None:
        _write(path, blobs[node.digest.hash], mode)
        return
    cached = _cache_path(cache_dir, node.digest, node.is_executable)
    if not os.path.exists(cached):
        other = _cache_path(cache_dir, node.digest, not node.is_executable)
        data = blobs[node.digest.hash] if node.digest.hash in blobs else _slurp(other)
        # One name per thread: a bot's slots are threads of one process, and two of them
        # placing the same blob at once would otherwise share the temporary file (the
        # second os.replace then finds it gone: FileNotFoundError in a CI run).
        tmp = f"{cached}.{os.getpid()}.{threading.get_ident()}.tmp"
        _write(tmp, data, mode)
        os.replace(tmp, cached)
    try:
        os.link(cached, path)
    except OSError:  # cache on another file system
        shutil.copy2(cached, path)


def _slurp(path):
    with open(path, "rb") as f:
        return f.read()


def _write(path, data, mode):
    with open(path, "wb") as f:
        f.write(data)
    os.chmod(path, mode)


def output_paths(command):
    """(files, directories) the action declares, relative to the exec root."""
    wd = command.working_directory
    if command.output_paths:  # REAPI v2.1+: kind decided by what exists afterwards
        paths = [os.path.join(wd, p) for p in command.output_paths]
        return paths, []
    files = [os.path.join(wd, p) for p in command.output_files]
    dirs = [os.path.join(wd, p) for p in command.output_directories]
    return files, dirs


def prepare_output_dirs(exec_root, command):
    """The worker must create the parent directories of every declared output."""
    files, dirs = output_paths(command)
    for rel in files + dirs:
        os.makedirs(os.path.dirname(os.path.join(exec_root, rel)) or exec_root, exist_ok=True)


def build_env(command):
    env = {v.name: v.value for v in command.environment_variables}
    env.setdefault("PATH", DEFAULT_PATH)
    return env


def run_command(command, exec_root, stdout_path, stderr_path, timeout=None, cancelled=None):
    """Runs the command; returns (exit_code, timed_out). Setting `cancelled` kills it."""
    cwd = os.path.join(exec_root, command.working_directory)
    argv = list(command.arguments)
    # Relative argv[0] is resolved against the working directory, as REAPI says.
    if "/" in argv[0] and not os.path.isabs(argv[0]):
        argv[0] = os.path.join(cwd, argv[0])
    with open(stdout_path, "wb") as out, open(stderr_path, "wb") as err:
        proc = subprocess.Popen(
            argv, cwd=cwd, env=build_env(command), stdout=out, stderr=err, start_new_session=True
        )
        with _running_lock:
            _running.add(proc.pid)
        try:
            return _wait(proc, timeout, cancelled)
        finally:
            with _running_lock:
                _running.discard(proc.pid)


def _wait(proc, timeout, cancelled):
    deadline = None if not timeout else time.monotonic() + timeout
    while True:
        try:
            return proc.wait(timeout=0.2), False
        except subprocess.TimeoutExpired:
            expired = deadline is not None and time.monotonic() > deadline
            if expired or (cancelled is not None and cancelled.is_set()):
                os.killpg(proc.pid, 9)
                proc.wait()
                return -9, expired


def kill_running():
    """Kills the process group of every action still running (bot shutdown)."""
    with _running_lock:
        for pgid in list(_running):
            try:
                os.killpg(pgid, 9)
            except ProcessLookupError:
                pass


def collect_outputs(exec_root, command, result):
    """Fills result (ActionResult) with the outputs present; returns the blobs to upload."""
    blobs = {}
    files, dirs = output_paths(command)

    def rel_from_wd(rel):  # ActionResult paths are relative to the working directory
        return os.path.relpath(rel, command.working_directory or ".")

    for rel in files:
        path = os.path.join(exec_root, rel)
        if os.path.isdir(path) and command.output_paths:
            dirs.append(rel)
        elif os.path.isfile(path):
            digest = file_digest(path)
            blobs[digest.hash] = (digest, path)
            result.output_files.add(
                path=rel_from_wd(rel), digest=digest, is_executable=os.access(path, os.X_OK)
            )
    for rel in dirs:
        path = os.path.join(exec_root, rel)
        if not os.path.isdir(path):
            continue
        tree = re_pb2.Tree()
        tree.root.CopyFrom(_directory_proto(path, tree, blobs))
        data = tree.SerializeToString()
        digest = _digest(data)
        blobs[digest.hash] = (digest, data)
        result.output_directories.add(path=rel_from_wd(rel), tree_digest=digest)
    return blobs


def _directory_proto(path, tree, blobs):
    """Directory message for path; children are appended to tree.children."""
    directory = re_pb2.Directory()
    for name in sorted(os.listdir(path)):
        full = os.path.join(path, name)
        st = os.lstat(full)
        if stat.S_ISLNK(st.st_mode):
            directory.symlinks.add(name=name, target=os.readlink(full))
        elif stat.S_ISDIR(st.st_mode):
            child = _directory_proto(full, tree, blobs)
            tree.children.append(child)
            data = child.SerializeToString()
            directory.directories.add(name=name, digest=_digest(data))
        elif stat.S_ISREG(st.st_mode):
            digest = file_digest(full)
            blobs[digest.hash] = (digest, full)
            directory.files.add(name=name, digest=digest, is_executable=bool(st.st_mode & 0o111))
    return directory
