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
if [[ ${CI:-} == true ]]; then
  # Free the server's memory for pytest (TensorFlow, JAX and torch in one box).
  bazel shutdown >/dev/null 2>&1 || true
fi

.venv/bin/python -m pytest -q tests "$@"
pytest_rc=$?

if [[ $pytest_rc != 0 ]]; then
  exit "$pytest_rc"
fi
exit "$bazel_rc"
