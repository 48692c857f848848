"""The README's main job, end to end, in a throw-away workspace (several minutes)."""

import os
import shutil

import pytest

import examples_workspace  # tests/e2e is on sys.path (rootdir-relative import)

pytestmark = pytest.mark.skipif(shutil.which(os.environ.get("BAZEL", "bazel")) is None, reason="bazel not installed")


def test_migrate_examples_then_run_per_backend_tests(tmp_path):
    workspace = tmp_path / "ws"
    workspace.mkdir()
    examples_workspace.make_workspace(str(workspace))
    try:
        results = examples_workspace.run(str(workspace))
        results.update(examples_workspace.run_plain_paths(str(workspace)))
    finally:
        os.system(f"cd {workspace} && {os.environ.get('BAZEL', 'bazel')} shutdown >/dev/null 2>&1")
    print(results)


def test_user_workspace_with_keras_migrate_as_external_repository(tmp_path):
    workspace = tmp_path / "user"
    workspace.mkdir()
    examples_workspace.make_user_workspace(str(workspace))
    try:
        results = examples_workspace.run(str(workspace), "@keras_migrate//tools:migrate", "tensorflow,-gpu")
    finally:
        os.system(f"cd {workspace} && {os.environ.get('BAZEL', 'bazel')} shutdown >/dev/null 2>&1")
    print(results)
