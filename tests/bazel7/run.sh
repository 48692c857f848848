#!/usr/bin/env bash
# The Bazel 7 (bzlmod) checks, run by `tools/bazel7.sh check` inside the Debian sid
# chroot with the checkout read-only at /src (Bazel 7.7.1 from bazel-bootstrap, the
# chroot's python3 + libcst). Checks whose files have not landed yet are skipped with
# the reason. Ends with the plain line "bazel7: N passed, N failed, N skipped".
#
#   KERAS_MIGRATE_BAZEL4_FACTS   facts of the same query under Bazel 4 (written by
#                                tools/bazel7.sh on the host); the parity check
#                                compares against it, and is skipped without it.
set -uo pipefail

SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WORK="${TMPDIR:-/tmp}/keras_migrate_bazel7"
SCRATCH="$WORK/scratch"
mkdir -p "$WORK"
cd "$SRC"
# What Bazel 4 and 7 must agree on: every rule of the repository except the
# third_party stand-ins, which differ by design (WORKSPACE stubs vs bzlmod modules).
PARITY_QUERY="$(python3 tests/bazel7/query_facts.py --expression .)"

passed=0 failed=0 skipped=0
declare -a SUMMARY=()

# check NAME CMD...: run CMD, record pass/fail and wall time; output goes to $WORK/NAME.log
# and is shown when it fails.
check() {
  local name="$1"; shift
  local log="$WORK/$name.log" t0=$SECONDS rc=0
  echo "=== bazel7: $name: $*"
  "$@" >"$log" 2>&1 || rc=$?
  local dt=$((SECONDS - t0))
  if ((rc == 0)); then
    passed=$((passed + 1)); SUMMARY+=("PASS  $name (${dt} s)")
    tail -n 3 "$log" | sed 's/^/    /'
  else
    failed=$((failed + 1)); SUMMARY+=("FAIL  $name (${dt} s, rc=$rc)")
    echo "--- $name failed (rc=$rc); last lines of $log:"
    tail -n 60 "$log"
  fi
}
skip() {
  skipped=$((skipped + 1)); SUMMARY+=("SKIP  $1: $2")
  echo "=== bazel7: $1: skipped: $2"
}
has_build() { [[ -d "$1" ]] && find "$1" \( -name BUILD -o -name BUILD.bazel \) -print -quit | grep -q .; }

echo "bazel7: $(bazel --version) in $(. /etc/os-release && echo "$PRETTY_NAME"), $(python3 --version)"

# Each check is a function (or command) run by `check`; its output goes to $WORK/NAME.log.

# --- resolution and loading ------------------------------------------------------------
# The module graph resolves offline (Debian's modules + third_party/bazel7 stand-ins).
check mod_graph bazel mod graph

# Every BUILD/.bzl file loads on Bazel 7 ...
query_all() {
  bazel query //... >"$WORK/query_all.txt" || return
  echo "$(wc -l <"$WORK/query_all.txt") targets"
}
check query_all query_all
# ... and analyses and builds (py rules: rules/python.bzl).
check build_all bazel build //...

# --- Starlark analysis tests -----------------------------------------------------------
if has_build tests/rules; then
  check analysis_tests bazel test //tests/rules/...
else
  skip analysis_tests "tests/rules/BUILD not there yet"
fi

# --- py_test on Bazel 7: this directory's stdlib tests, incl. keras_backend_test variants
check py_tests bazel test //tests/bazel7/...

# --- same targets and test attributes as Bazel 4 --------------------------------------
parity() {
  bazel query --output=xml --noimplicit_deps "$PARITY_QUERY" >"$WORK/bazel7_query.xml" || return
  python3 "$SRC/tests/bazel7/query_facts.py" <"$WORK/bazel7_query.xml" >"$WORK/bazel7_facts.txt" || return
  python3 "$SRC/tests/bazel7/query_facts.py" --compare "$KERAS_MIGRATE_BAZEL4_FACTS" "$WORK/bazel7_facts.txt"
}
if [[ -n "${KERAS_MIGRATE_BAZEL4_FACTS:-}" && -s "${KERAS_MIGRATE_BAZEL4_FACTS}" ]]; then
  check query_parity_with_bazel4 parity
else
  skip query_parity_with_bazel4 "no Bazel 4 query facts from the host (needs the host's bazel; see tools/bazel7.sh)"
fi

# --- per-backend test macro ------------------------------------------------------------
backend_targets() {
  # Every keras_backend_test expands to <name>_{jax,tensorflow,torch} py_tests on Bazel 7 too.
  bazel query "attr(tags, 'keras_backend=', $PARITY_QUERY)" --output=label_kind \
    >"$WORK/backend_targets.txt" || return
  local n
  n=$(grep -c '^py_test rule .*_\(jax\|tensorflow\|torch\)\(_gpu\)\?$' "$WORK/backend_targets.txt")
  echo "$n per-backend py_test targets"
  ((n > 0))
}
if [[ -f rules/keras_backend_test.bzl ]] && grep -rqs '"//rules:keras_backend_test.bzl"' --include=BUILD --include=BUILD.bazel .; then
  check backend_macro_targets backend_targets
else
  skip backend_macro_targets "rules/keras_backend_test.bzl or a BUILD file using it not there yet"
fi

# --- the migrate aspect and command on the example monorepo ---------------------------
migrate_aspect() {
  # The aspect //tools:migrate builds, straight from the command line, over every
  # example target: one patch and one JSON report per py target (as the build lists them).
  bazel build --aspects=//rules:aspects.bzl%keras_migrate --show_result=1000 \
    --output_groups=keras_migrate_patch,keras_migrate_report //examples/... \
    2>&1 | tee "$WORK/migrate_aspect_build.txt" || return
  local n
  n=$(grep -c '^  .*\.json$' "$WORK/migrate_aspect_build.txt")
  echo "$n JSON reports built"
  ((n > 0))
}
if [[ -f rules/aspects.bzl ]] && has_build examples; then
  check migrate_aspect migrate_aspect
else
  skip migrate_aspect "rules/aspects.bzl or examples/**/BUILD not there yet"
fi

migrate() { (cd "$SCRATCH" && bazel run //tools:migrate -- "$@"); }
migrate_check_before() {
  local rc=0
  migrate --check //examples/... || rc=$?
  echo "--check exit $rc (want 1: something to migrate)"
  ((rc == 1))
}
migrated_tests() {
  (cd "$SCRATCH" && bazel query 'tests(//examples/...)' --output=label_kind) >"$WORK/migrated_tests.txt" || return
  local n
  n=$(grep -c '_\(jax\|tensorflow\|torch\)$' "$WORK/migrated_tests.txt")
  echo "$n per-backend tests after migration"
  ((n > 0))
}
if compgen -G "tools/keras_migrate/bazel/*.py" >/dev/null && has_build examples; then
  # On a writable scratch copy: the command edits sources and BUILD files.
  rm -rf "$SCRATCH" && mkdir -p "$SCRATCH"
  tar -C "$SRC" --exclude=./.git --exclude='./bazel-*' --exclude=./.venv -cf - . | tar -C "$SCRATCH" -xf -
  check migrate_check_before migrate_check_before
  check migrate_run migrate //examples/...
  check migrate_second_run_noop migrate --check //examples/...
  check migrated_per_backend_tests migrated_tests
  # The BUILD files the command rewrote load and analyse on Bazel 7 (running the
  # generated tests needs TensorFlow/JAX/torch: that happens on the host's Bazel 4).
  check migrated_build bash -c "cd '$SCRATCH' && bazel build //examples/..."
  (cd "$SCRATCH" && bazel shutdown >/dev/null 2>&1)
else
  skip migrate_command "tools/keras_migrate/bazel/ driver or examples/**/BUILD not there yet"
fi

# --- keras_migrate as a bzlmod dependency of a user's workspace ------------------------
USER_WS="$WORK/user_monorepo"
user_workspace() {
  # What the README tells Bazel 7 users to write: bazel_dep + an override, their own
  # py rules from rules_python; the code is one of the examples.
  rm -rf "$USER_WS" && mkdir -p "$USER_WS/ml/text"
  cat >"$USER_WS/MODULE.bazel" <<EOF2
module(name = "user_monorepo")

bazel_dep(name = "rules_python", version = "0.22.1")
bazel_dep(name = "keras_migrate", version = "0.1.0")
local_path_override(module_name = "keras_migrate", path = "$SRC")
EOF2
  # The chroot's offline settings, with paths into this checkout.
  sed "s|%workspace%|$SRC|g" "$SRC/third_party/bazel7/bazelrc" >"$USER_WS/.bazelrc"
  cp "$SRC/examples/text/sentiment.py" "$SRC/examples/text/sentiment_test.py" "$USER_WS/ml/text/"
  cat >"$USER_WS/ml/text/BUILD.bazel" <<'EOF2'
load("@rules_python//python:defs.bzl", "py_library", "py_test")

py_library(
    name = "sentiment",
    srcs = ["sentiment.py"],
)

py_test(
    name = "sentiment_test",
    srcs = ["sentiment_test.py"],
    deps = [":sentiment"],
)
EOF2
}
user_migrate() {
  (cd "$USER_WS" && bazel run @keras_migrate//tools:migrate -- "$@")
}
user_migrate_run() {
  user_migrate //ml/... || return
  grep -q 'keras_backend_test' "$USER_WS/ml/text/BUILD.bazel" || { echo "BUILD not edited"; return 1; }
  ! grep -q 'tf\.keras' "$USER_WS/ml/text/sentiment.py" || { echo "tf.keras left"; return 1; }
  (cd "$USER_WS" && bazel query 'tests(//ml/...)') | tee "$WORK/user_tests.txt"
  grep -q '_jax$' "$WORK/user_tests.txt"
}
if [[ -f examples/text/sentiment.py ]] && compgen -G "tools/keras_migrate/bazel/*.py" >/dev/null; then
  user_workspace
  check user_workspace_migrate user_migrate_run
  check user_workspace_second_run_noop user_migrate --check //ml/...
  (cd "$USER_WS" && bazel shutdown >/dev/null 2>&1)
else
  skip user_workspace "examples/text or the tools/keras_migrate/bazel driver not there yet"
fi

echo
echo "bazel7 summary:"
printf '  %s\n' "${SUMMARY[@]}"
echo "bazel7: $passed passed, $failed failed, $skipped skipped"
((failed == 0))
