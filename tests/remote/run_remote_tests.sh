#!/usr/bin/env bash
# Remote-execution tests through a real REAPI server (local BuildGrid, tools/remote/stack.sh).
#
# usage: tests/remote/run_remote_tests.sh [--runs N] [--no-examples]
#
#   0. unit tests of the worker bot (in BuildGrid's venv)
#   1. stack with a CPU bot (2 slots) and a GPU-labelled bot (1 slot):
#      a. routing: the probe's CPU and GPU per-backend variants, --runs_per_test=N,
#         no cached results: every GPU test action ran on the GPU bot, every CPU one on
#         the CPU bot (the bots' execution log), and Bazel ran them remotely;
#      b. the example monorepo's per-backend tests run remotely and pass (migrated
#         first, in a copy of the workspace, unless already migrated in place);
#      c. action cache: after `bazel clean`, a second run is served by remote cache hits
#         and the bots execute nothing;
#      d. overhead: the same 8 test runs remotely and locally, one at a time.
#   2. stack without a GPU bot: a GPU test fails within a bounded time, clearly;
#      PostgreSQL's socket (and its directory) are private (0700).
#   3. the stack's hard time limit stops a hanging command and leaves no process behind.
# Prints a summary; exit 0 only if every check passed.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
runs=4 examples=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) runs="$2"; shift ;;
    --no-examples) examples=0 ;;
    --inside) shift; break ;;  # internal: phase run inside a stack
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

# A dedicated Bazel server: does not disturb (or wait for) the one of the main tree.
ob="${KM_REMOTE_OUTPUT_BASE:-$HOME/.cache/keras_migrate/bazel-remote-tests}"
bazel=(nice bazel --output_base="$ob")
remote=(--config=remote --remote_executor="${KM_REMOTE_EXECUTOR:-}")
probe=//tests/remote/testdata
now() { date +%s.%N; }
secs() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$1" "$2"; }
# "INFO: 13 processes: 1 internal, 12 remote." -> "1 internal, 12 remote"
procs() { grep -o 'processes: .*' "$1" | tail -1 | sed 's/^processes: //; s/\.$//'; }
count() { procs "$1" | tr ',' '\n' | sed -n "s/^ *\([0-9]*\) $2\$/\1/p" | head -1; }
lines() { wc -l < "$KM_REMOTE_BOT_LOG"; }
new_records() { tail -n +"$(($1 + 1))" "$KM_REMOTE_BOT_LOG"; }

# ---------------------------------------------------------------------------------
# Phases that run inside a stack (stack.sh runs this script again with --inside).
# Each writes key=value results to $results.
# ---------------------------------------------------------------------------------
if [[ "${1:-}" == with-gpu ]]; then
  results="$2" work="$3" runs="$4" examples="$5"
  rc=0
  failures=""
  fail() { rc=1; [[ " $failures " == *" $1 "* ]] || failures="$failures $1"; echo "phase_failed='$failures'" >>"$results"; }
  # a. routing
  "${bazel[@]}" clean >/dev/null 2>&1
  n0=$(lines); t0=$(now)
  set +e
  "${bazel[@]}" test --symlink_prefix=/ "${remote[@]}" --test_tag_filters= --nocache_test_results --runs_per_test="$runs" \
    "$probe:all" >"$work/routing.out" 2>&1
  brc=$?
  set -e
  t1=$(now)
  new_records "$n0" >"$work/routing.jsonl"
  echo "routing_bazel_rc=$brc routing_wall_s=$(secs "$t0" "$t1") routing_procs='$(procs "$work/routing.out")'" >>"$results"
  [[ $brc -eq 0 ]] || { echo "routing run failed:"; tail -30 "$work/routing.out"; fail routing; }
  python3 tests/remote/routing_report.py "$work/routing.jsonl" --label routing \
    --expect-min-test-runs $((6 * runs)) | tee "$work/routing.report" || fail routing
  [[ "$(count "$work/routing.out" remote)" -ge $((6 * runs)) ]] || { echo "routing: Bazel did not run the tests remotely: $(procs "$work/routing.out")"; fail routing; }

  # b. the example monorepo's per-backend tests. Checked in, the examples are Keras 2
  #    code with plain py_tests; unless they were migrated in place (README's first
  #    command), migrate a copy of the workspace first, as a user would.
  if [[ $examples -eq 1 ]]; then
    ws="$root" exbazel=("${bazel[@]}")
    if [[ -z "$("${bazel[@]}" query 'attr(tags, "keras_backend=", tests(//examples/...))' 2>/dev/null)" ]]; then
      ws="$HOME/.cache/keras_migrate/remote-examples-ws"
      exbazel=(nice bazel --output_base="$HOME/.cache/keras_migrate/bazel-remote-examples")
      rm -rf "$ws" && mkdir -p "$ws"
      if git -C "$root" rev-parse --git-dir >/dev/null 2>&1; then
        (cd "$root" && git ls-files -co --exclude-standard -z | grep -zv '^bazel-' | tar --null -T - -cf -) | tar -xf - -C "$ws"
      else
        tar -C "$root" --exclude='./bazel-*' --exclude=./.venv --exclude=./.git -cf - . | tar -xf - -C "$ws"
      fi
      t0=$(now)
      (cd "$ws" && "${exbazel[@]}" run //tools:migrate -- //examples/...) >"$work/migrate.out" 2>&1 \
        || { echo "migrating the examples failed:"; tail -20 "$work/migrate.out"; fail examples-migration; }
      echo "examples_migrate_s=$(secs "$t0" "$(now)")" >>"$results"
    fi
    n0=$(lines); t0=$(now)
    set +e
    # --nocache_test_results: results cached by an earlier run would prove nothing.
    (cd "$ws" && "${exbazel[@]}" test --symlink_prefix=/ "${remote[@]}" --nocache_test_results //examples/...) >"$work/examples.out" 2>&1
    brc=$?
    set -e
    t1=$(now)
    [[ "$ws" == "$root" ]] || "${exbazel[@]}" shutdown >/dev/null 2>&1 || true
    new_records "$n0" >"$work/examples.jsonl"
    ran=$(grep -c '"argv0": "external/bazel_tools/tools/test/test-setup.sh"' "$work/examples.jsonl" || true)
    failed_tests=$(grep -E '^//examples.* FAILED' "$work/examples.out" | awk '{print $1}' | tr '\n' ' ' || true)  # none: grep exits 1
    echo "examples_bazel_rc=$brc examples_wall_s=$(secs "$t0" "$t1") examples_bot_runs=$ran" \
      "examples_procs='$(procs "$work/examples.out")' examples_failed='$failed_tests'" \
      "examples_summary='$(grep -E '^Executed' "$work/examples.out" | tail -1)'" >>"$results"
    grep -E '^(//examples|Executed)' "$work/examples.out" | tail -40
    [[ $brc -eq 0 ]] || { echo "examples failed remotely (see their test.log under $ws/bazel-testlogs):"; grep -E 'ERROR|FAILED' "$work/examples.out" | head -20; fail examples-tests; }
    [[ $ran -gt 0 ]] || { echo "examples: no example test ran on the bots"; fail examples-not-remote; }
    python3 tests/remote/routing_report.py "$work/examples.jsonl" --label examples || fail examples-routing
  else
    echo "examples_bazel_rc=skipped" >>"$results"
  fi

  # c. action cache: fill it, drop the local state, run again
  "${bazel[@]}" clean >/dev/null 2>&1
  "${bazel[@]}" test --symlink_prefix=/ "${remote[@]}" "$probe:probe_cpu" >"$work/cache1.out" 2>&1 || { tail -20 "$work/cache1.out"; fail action-cache; }
  "${bazel[@]}" clean >/dev/null 2>&1
  n0=$(lines)
  "${bazel[@]}" test --symlink_prefix=/ "${remote[@]}" "$probe:probe_cpu" >"$work/cache2.out" 2>&1 || { tail -20 "$work/cache2.out"; fail action-cache; }
  executed=$(new_records "$n0" | wc -l)
  hits=$(count "$work/cache2.out" "remote cache hit" || true); hits=${hits:-0}
  echo "cache_hits=$hits cache_second_run_executions=$executed cache_procs='$(procs "$work/cache2.out")'" >>"$results"
  [[ $hits -ge 3 && $executed -eq 0 ]] || { echo "action cache: expected >=3 hits and 0 executions, got $hits hits, $executed executions"; fail action-cache; }

  # d. per-action overhead: 8 runs of one test, one at a time, remote vs local
  n=8
  t0=$(now)
  "${bazel[@]}" test --symlink_prefix=/ "${remote[@]}" --nocache_test_results --runs_per_test=$n --jobs=1 "$probe:probe_cpu_jax" >"$work/ovh_remote.out" 2>&1 || fail overhead-run
  t1=$(now)
  "${bazel[@]}" test --symlink_prefix=/ --nocache_test_results --runs_per_test=$n --jobs=1 --local_test_jobs=1 "$probe:probe_cpu_jax" >"$work/ovh_local.out" 2>&1 || fail overhead-run
  t2=$(now)
  echo "overhead_runs=$n overhead_remote_s=$(secs "$t0" "$t1") overhead_local_s=$(secs "$t1" "$t2") overhead_local_procs='$(procs "$work/ovh_local.out")'" >>"$results"
  exit $rc
fi

if [[ "${1:-}" == no-gpu ]]; then
  results="$2" work="$3"
  n0=$(lines); t0=$(now)
  set +e
  "${bazel[@]}" test --symlink_prefix=/ "${remote[@]}" --config=gpu --nocache_test_results "$probe:probe_gpu_jax" >"$work/nogpu.out" 2>&1
  brc=$?
  set -e
  t1=$(now)
  executed=$(new_records "$n0" | wc -l)
  reason="$(grep -o 'queued for too long' "$work/nogpu.out" | head -1 || true)"
  echo "nogpu_bazel_rc=$brc nogpu_wall_s=$(secs "$t0" "$t1") nogpu_executions=$executed nogpu_reason='$reason'" >>"$results"
  grep -E 'ERROR|queued|FAILED' "$work/nogpu.out" | head -5
  # The password-free database is reachable by its owner (and root) only.
  socket_modes="$(stat -c %a "$KM_REMOTE_PG_SOCKET_DIR" $(find "$KM_REMOTE_PG_SOCKET_DIR" -type s) | tr '\n' ' ')"
  echo "pg_socket_modes='$socket_modes'" >>"$results"
  [[ $socket_modes == "700 700 " ]] || { echo "PostgreSQL socket not private: $socket_modes"; exit 1; }
  [[ $brc -ne 0 && -n "$reason" && $executed -eq 0 ]] || exit 1
  exit 0
fi

# ---------------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------------
work="$(mktemp -d /tmp/km-remote-tests.XXXXXX)"
results="$work/results"
: >"$results"
trap '"${bazel[@]}" shutdown >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
failed=()
stack=(tools/remote/stack.sh)
t_all=$(now)

echo "== 0. bot unit tests"
venv="$("${stack[@]}" --setup)"
PYTHONPATH=tools "$venv/bin/python" -m unittest -q tests/remote/test_bot.py tests/remote/test_routing_report.py \
  2>&1 | tail -3 || failed+=("bot unit tests")

echo "== 1. stack with CPU + GPU bots: routing ($runs runs per test), examples, action cache, overhead"
if ! "${stack[@]}" --time-limit 1500 -- "$0" --inside with-gpu "$results" "$work" "$runs" "$examples" \
    2> >(tee "$work/stack1.err" >&2); then
  failed+=("stack with CPU + GPU bots:$(sed -n 's/^phase_failed=//p' "$results" | tail -1 | tr -d "'")")
fi

echo "== 2. stack without a GPU bot: a GPU test must fail in bounded time"
if ! "${stack[@]}" --no-gpu-worker --queue-timeout 5 --time-limit 300 -- "$0" --inside no-gpu "$results" "$work" \
    2> >(tee "$work/stack2.err" >&2); then
  failed+=("no GPU worker: bounded failure")
fi
# The stack names the pool nobody serves (Bazel only says "queued for too long").
grep -q 'for Pool=gpu were never picked up' "$work/stack2.err" || failed+=("no GPU worker: stack did not name the missing pool")

echo "== 3. hard time limit and teardown"
t0=$(now)
set +e
"${stack[@]}" --time-limit 3 -- sleep 60 2>"$work/stack3.err"
trc=$?
set -e
t1=$(now)
state="$(grep -o 'state in [^ ]*' "$work/stack3.err" | head -1 | cut -d' ' -f3)"
sleep 0.5
leftover="$(pgrep -f -- "$state" || true)"
echo "timelimit_rc=$trc timelimit_wall_s=$(secs "$t0" "$t1") timelimit_leftover_pids='${leftover}' timelimit_state_removed=$([[ -e "$state" ]] && echo no || echo yes)" >>"$results"
[[ $trc -eq 124 && -z "$leftover" && ! -e "$state" ]] || failed+=("time limit/teardown (rc=$trc, leftover=$leftover)")

# ---------------------------------------------------------------------------------
echo
echo "================ remote execution summary ================"
eval "$(tr '\n' ' ' <"$results")"
startups=$(grep -ho 'up in [0-9.]*s' "$work"/stack*.err | sed 's/up in //' | tr '\n' ' ')
echo "stack start-up (PostgreSQL + BuildGrid + bots ready): ${startups}"
[[ -f "$work/routing.report" ]] && sed 's/^/  /' "$work/routing.report"
echo "routing run: bazel rc=${routing_bazel_rc:-?}, ${routing_wall_s:-?}s wall, processes: ${routing_procs:-?}"
if [[ "${examples_bazel_rc:-skipped}" == skipped ]]; then
  echo "examples: skipped (no test targets under //examples or --no-examples)"
else
  echo "examples (migrated in ${examples_migrate_s:-0}s): bazel rc=$examples_bazel_rc, ${examples_wall_s}s, $examples_bot_runs test runs on the bots; processes: $examples_procs"
  echo "  $examples_summary${examples_failed:+; FAILED: $examples_failed}"
fi
echo "action cache: second run ${cache_hits:-?} remote cache hits, ${cache_second_run_executions:-?} executions (${cache_procs:-?})"
if [[ -n "${overhead_remote_s:-}" ]]; then
  per=$(python3 -c "print(f'{($overhead_remote_s - $overhead_local_s) / $overhead_runs:.2f}')")
  echo "per-action overhead: $overhead_runs sequential runs of one test took ${overhead_remote_s}s remote vs" \
    "${overhead_local_s}s local: +${per}s per test run (2 remote actions each: the test, its test.xml)"
fi
grep -ho 'scheduler: [0-9]* jobs ran.*' "$work/stack1.err" | sed 's/^/  stack with GPU bot: /' || true
echo "no GPU worker: bazel rc=${nogpu_bazel_rc:-?} after ${nogpu_wall_s:-?}s ('${nogpu_reason:-}'), executions: ${nogpu_executions:-?}"
grep -o 'scheduler: .*never picked up.*' "$work/stack2.err" | sed 's/^/  /' || true
echo "time limit: rc=${timelimit_rc:-?} after ${timelimit_wall_s:-?}s (limit 3s for the whole run, then teardown), leftover processes: '${timelimit_leftover_pids:-}'"
echo "total: $(secs "$t_all" "$(now)")s; load average now: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
if [[ ${#failed[@]} -gt 0 ]]; then
  printf 'FAILED: %s\n' "${failed[@]}"
  exit 1
fi
echo "ALL REMOTE EXECUTION CHECKS PASSED"
