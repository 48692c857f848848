#!/usr/bin/env bash
# Every test (README's second command, and .ci/run): set-up, then `bazel test //...`
# (Starlark analysis tests, per-backend py_tests, ...), then pytest (tests/**/test_*.py).
# Both always run; the exit status is non-zero if either failed. pytest's summary is the
# last line printed; "no tests collected" (pytest exit 5) counts as a failure.
#
# Extra arguments go to pytest, e.g. `bash tools/test.sh -k imports`.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

bash tools/bootstrap.sh || exit $?

start=$SECONDS
bazel test //...
bazel_rc=$?
echo "[test] bazel test //...: $([[ $bazel_rc == 0 ]] && echo passed || echo "FAILED (exit $bazel_rc)") in $((SECONDS - start))s"
# Bazel 7 (bzlmod) checks in a Debian sid chroot (tools/bazel7.sh; README "Supported
# Bazel versions"). CI always; locally on request (the first run builds a 1.5 GB chroot
# and needs root).
bazel7_rc=0
if [[ ${CI:-} == true || ${KERAS_MIGRATE_BAZEL7:-} == 1 ]]; then
  start=$SECONDS
  bash tools/bazel7.sh check
  bazel7_rc=$?
  echo "[test] Bazel 7 checks: $([[ $bazel7_rc == 0 ]] && echo passed || echo "FAILED (exit $bazel7_rc)") in $((SECONDS - start))s"
fi

# Remote execution through a throw-away local BuildGrid (README "Remote execution"):
# routing of GPU/CPU test actions, the example monorepo's per-backend tests run
# remotely, bounded failure without a GPU worker, action-cache hits.
start=$SECONDS
bash tests/remote/run_remote_tests.sh
remote_rc=$?
echo "[test] remote execution: $([[ $remote_rc == 0 ]] && echo passed || echo "FAILED (exit $remote_rc)") in $((SECONDS - start))s"

if [[ ${CI:-} == true ]]; then
  # Free the server's memory for pytest (TensorFlow, JAX and torch in one box).
  bazel shutdown >/dev/null 2>&1 || true
fi

.venv/bin/python -m pytest -q tests "$@"
pytest_rc=$?

if [[ $pytest_rc != 0 ]]; then
  exit "$pytest_rc"
fi
[[ $bazel7_rc == 0 ]] || exit "$bazel7_rc"
[[ $remote_rc == 0 ]] || exit "$remote_rc"
exit "$bazel_rc"
