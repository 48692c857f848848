#!/usr/bin/env bash
# Starts a throw-away remote-execution stack -- PostgreSQL, a BuildGrid REAPI
# server, one CPU worker bot and one worker bot labelled as GPU -- runs a
# command against it, and always tears it all down.
#
# usage: tools/remote/stack.sh [options] -- COMMAND [ARGS...]
#   e.g. tools/remote/stack.sh -- bazel test --config=remote //examples/...
#
# A `bazel ...` command gets --remote_executor=grpc://127.0.0.1:PORT added after
# its options (the port is chosen here). Any command also sees
#   KM_REMOTE_EXECUTOR  grpc://127.0.0.1:PORT
#   KM_REMOTE_INSTANCE  the REAPI instance name (also in .bazelrc)
#   KM_REMOTE_BOT_LOG   JSON lines, one per action a bot executed
#   KM_REMOTE_PG_SOCKET_DIR  PostgreSQL's private socket directory (mode 0700)
#
# options:
#   --no-gpu-worker      start only the CPU bot (GPU jobs must fail, not hang)
#   --cpu-slots N        concurrent actions on the CPU bot (default 2)
#   --gpu-slots N        concurrent actions on the GPU bot (default 1)
#   --queue-timeout S    a job still queued after S seconds fails with UNAVAILABLE
#                        "Operation has been queued for too long" (default 600: jobs
#                        then only wait for busy workers; 20 with --no-gpu-worker,
#                        where GPU jobs can never run and must fail fast)
#   --time-limit S       hard limit for the whole run, stack included (default 900)
#   --bot-log FILE       where the bots' execution log goes (default: temp, deleted)
#   --keep DIR           copy server/bot/database logs to DIR on exit
#   --setup              only install/refresh the BuildGrid venv, print its path, exit
#
# Exit status: the command's, 124 if the time limit (or a TERM) stopped it, 3 if the
# stack did not come up. Only PIDs this script started are ever signalled.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
lock="$root/third_party/remote/requirements.lock"
template="$root/third_party/remote/buildgrid.yml.in"
venv="${KM_BUILDGRID_VENV:-$HOME/.cache/keras_migrate/buildgrid-venv}"
instance="main"
# Keep in sync with third_party/remote/BUILD (what the platforms and the
# keras_backend_test macro put in exec_properties).
match_keys="Pool, OSFamily"
wildcard_keys="container-image"

setup_only=0 gpu_worker=1 cpu_slots=2 gpu_slots=1 queue_timeout="" time_limit=900 bot_log="" keep=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --no-gpu-worker) gpu_worker=0 ;;
    --cpu-slots) cpu_slots="$2"; shift ;;
    --gpu-slots) gpu_slots="$2"; shift ;;
    --queue-timeout) queue_timeout="$2"; shift ;;
    --time-limit) time_limit="$2"; shift ;;
    --bot-log) bot_log="$2"; shift ;;
    --keep) keep="$2"; shift ;;
    --setup) setup_only=1 ;;
    --) shift; break ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
    *) echo "stack.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[[ -n "$queue_timeout" ]] || queue_timeout=$([[ $gpu_worker -eq 1 ]] && echo 600 || echo 20)
[[ $# -gt 0 || $setup_only -eq 1 ]] || { echo "stack.sh: no command given (see --help)" >&2; exit 2; }

log() { echo "[stack] $*" >&2; }
t_start=$(date +%s.%N)
elapsed() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$t_start" "$(date +%s.%N)"; }

# --- BuildGrid venv: isolated, installed from the lock, reused when current ---
stamp="$venv/.km-lock-sha256"
want="$(sha256sum "$lock" | cut -d' ' -f1)"
if [[ ! -x "$venv/bin/bgd" || "$(cat "$stamp" 2>/dev/null)" != "$want" ]]; then
  log "installing BuildGrid into $venv from $(basename "$lock")"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps -r "$lock" 2>&1 | grep -v '^WARNING: Location' >&2 || true
  "$venv/bin/bgd" --help >/dev/null
  echo "$want" > "$stamp"
fi
if [[ $setup_only -eq 1 ]]; then echo "$venv"; exit 0; fi

# --- PostgreSQL binaries (Debian's postgresql package) ---
pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
if [[ -z "$pg_bin" ]]; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    log "installing PostgreSQL (apt-get install postgresql)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    pg_bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
  else
    echo "stack.sh: PostgreSQL is missing: sudo apt-get install postgresql" >&2; exit 3
  fi
fi
# PostgreSQL refuses to run as root: run it as the postgres user then.
as_pg=()
if [[ $(id -u) -eq 0 ]]; then as_pg=(setpriv --reuid=postgres --regid=postgres --init-groups); fi  # execs: the recorded PID is postgres itself

# --- throw-away state; everything below lives in $tmp and dies with it ---
tmp="$(mktemp -d /tmp/km-remote.XXXXXX)"   # short: PostgreSQL's socket path is limited
pids=()
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  # Reverse start order: bots, server, database. Recorded PIDs only.
  for ((i=${#pids[@]}-1; i>=0; i--)); do kill -TERM "${pids[i]}" 2>/dev/null || true; done
  for _ in $(seq 50); do
    local alive=0
    for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [[ $alive -eq 0 ]] && break
    sleep 0.1
  done
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  if [[ -n "$keep" ]]; then mkdir -p "$keep"; cp "$tmp"/*.log "$tmp"/*.yml "$keep"/ 2>/dev/null || true; fi
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
log "state in $tmp"
trap 'exit 130' INT
trap 'exit 124' TERM
[[ -n "$bot_log" ]] || bot_log="$tmp/bots.jsonl"
: > "$bot_log"

# Hard limit on the whole run: a watchdog signals this script, whose trap tears down.
# (The sleep is killed with its subshell, so nothing outlives the script.)
( trap 'kill "$spid" 2>/dev/null; exit 0' TERM
  sleep "$time_limit" & spid=$!; wait "$spid"
  log "time limit ${time_limit}s reached: tearing down"; kill -TERM $$ ) 2>/dev/null &
pids+=($!)

mkdir -p "$tmp/pg" "$tmp/sock" "$tmp/cas" "$tmp/bots"
# The database trusts every local connection (no password): only its owner (and root)
# may reach the socket, through a private directory and a private socket file.
chmod 700 "$tmp/sock"
[[ ${#as_pg[@]} -eq 0 ]] || { chmod 711 "$tmp"; chown postgres "$tmp/pg" "$tmp/sock"; }
(cd /tmp && "${as_pg[@]}" "$pg_bin/initdb" -D "$tmp/pg/data" -A trust -U postgres -E UTF8 --no-sync >"$tmp/initdb.log" 2>&1) \
  || { cat "$tmp/initdb.log" >&2; exit 3; }
(cd /tmp && exec "${as_pg[@]}" "$pg_bin/postgres" -D "$tmp/pg/data" -k "$tmp/sock" -c listen_addresses='' \
  -c unix_socket_permissions=0700 \
  -c fsync=off -c synchronous_commit=off -c full_page_writes=off >"$tmp/postgres.log" 2>&1) &
pids+=($!)
for _ in $(seq 100); do "$pg_bin/pg_isready" -q -h "$tmp/sock" && break; sleep 0.1; done
"$pg_bin/pg_isready" -q -h "$tmp/sock" || { cat "$tmp/postgres.log" >&2; exit 3; }
sql_url="postgresql+psycopg2://postgres@/postgres?host=$tmp/sock"
"$venv/bin/bgd" migrate apply "$sql_url" >"$tmp/migrate.log" 2>&1 || { cat "$tmp/migrate.log" >&2; exit 3; }
t_db=$(elapsed)

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
sed -e "s|@PORT@|$port|g" -e "s|@SQL_URL@|$sql_url|g" -e "s|@CAS_DIR@|$tmp/cas|g" \
    -e "s|@INSTANCE@|$instance|g" -e "s|@QUEUE_TIMEOUT@|$queue_timeout|g" -e "s|@EXEC_TIMEOUT@|$time_limit|g" \
    -e "s|@MATCH_KEYS@|$match_keys|g" -e "s|@WILDCARD_KEYS@|$wildcard_keys|g" \
    "$template" > "$tmp/buildgrid.yml"
"$venv/bin/bgd" server start "$tmp/buildgrid.yml" >"$tmp/server.log" 2>&1 &
pids+=($!)
server_pid=$!
# The bots start meanwhile (their imports take a while too) and wait for the server.
start_bot() {  # name slots property...
  local name="$1" slots="$2"; shift 2
  local props=(); for p in "$@"; do props+=(--property "$p"); done
  PYTHONPATH="$root/tools" "$venv/bin/python" -m remote.bot --server "127.0.0.1:$port" --instance "$instance" \
    --name "$name" --slots "$slots" "${props[@]}" --work-dir "$tmp/bots/$name" --log "$bot_log" \
    >"$tmp/bot-$name.log" 2>&1 &
  pids+=($!)
}
start_bot cpu "$cpu_slots" OSFamily=linux Pool=cpu
bots_expected=$cpu_slots
if [[ $gpu_worker -eq 1 ]]; then
  start_bot gpu "$gpu_slots" OSFamily=linux Pool=gpu
  bots_expected=$((cpu_slots + gpu_slots))
fi
ready=0
for _ in $(seq 600); do
  if ! kill -0 "$server_pid" 2>/dev/null; then break; fi
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then ready=1; break; fi
  sleep 0.1
done
[[ $ready -eq 1 ]] || { log "BuildGrid did not start:"; tail -n 30 "$tmp/server.log" >&2; exit 3; }
t_server=$(elapsed)

# Up to 180 s: on a loaded 2-core machine the bots' imports alone have taken over 60 s.
# Sessions are counted, not lines: two bots of one pool share a log, and their lines can
# run together ("...'cpu'}[cpu-1] session ...").
for _ in $(seq 1800); do
  [[ $(cat "$tmp"/bot-*.log | grep -o ' session ' | wc -l) -ge $bots_expected ]] && break
  sleep 0.1
done
sessions=$(cat "$tmp"/bot-*.log | grep -o ' session ' | wc -l)
[[ $sessions -ge $bots_expected ]] || { log "bots did not register:"; tail -n 20 "$tmp"/bot-*.log >&2; exit 3; }
log "up in $(elapsed)s: BuildGrid grpc://127.0.0.1:$port instance=$instance, $sessions bot sessions" \
    "(cpu x$cpu_slots$([[ $gpu_worker -eq 1 ]] && echo ", gpu x$gpu_slots")); database ready at ${t_db}s, server at ${t_server}s"

export KM_REMOTE_EXECUTOR="grpc://127.0.0.1:$port" KM_REMOTE_INSTANCE="$instance" KM_REMOTE_BOT_LOG="$bot_log" \
  KM_REMOTE_PG_SOCKET_DIR="$tmp/sock"
cmd=("$@")
# A bazel command (possibly behind nice/env/timeout): last option wins in Bazel and
# --config=remote names a default executor, so add ours after every option, i.e.
# before a `--` if there is one, else at the end.
for ((j=0; j<${#cmd[@]}; j++)); do
  [[ "$(basename -- "${cmd[j]}")" == bazel || "$(basename -- "${cmd[j]}")" == bazelisk ]] && break
done
if [[ $j -lt ${#cmd[@]} ]]; then
  for ((i=j+1; i<${#cmd[@]}; i++)); do
    [[ "${cmd[i]}" == "--" ]] && break
  done
  cmd=("${cmd[@]:0:i}" "--remote_executor=$KM_REMOTE_EXECUTOR" "${cmd[@]:i}")
fi
# In the background + wait, so the time-limit TERM interrupts it at once.
"${cmd[@]}" &
pids+=($!)
set +e
wait "${pids[-1]}"
rc=$?
set -e
log "command exited $rc after $(elapsed)s total"
# What the scheduler saw, from its database: make an unroutable job's failure explicit
# (Bazel only shows "Operation has been queued for too long").
psql_q() { "$pg_bin/psql" -h "$tmp/sock" -U postgres -d postgres -AtF ' ' -c "$1" 2>/dev/null || true; }
psql_q "select count(*), round(avg(extract(epoch from worker_start_timestamp - queued_timestamp))::numeric, 3),
               round(avg(extract(epoch from worker_completed_timestamp - worker_start_timestamp))::numeric, 3)
        from jobs where worker_completed_timestamp is not null having count(*) > 0" | while read -r n wait busy; do
  ran="$(python3 -c 'import json, sys; r = [json.loads(l).get("run_s", 0) for l in open(sys.argv[1]) if l.strip()]
print(f"{sum(r) / max(len(r), 1):.3f}")' "$bot_log")"
  log "scheduler: $n jobs ran on the bots; mean per job: ${wait}s in the queue (incl. waiting for a" \
      "busy bot), ${busy}s from a bot taking it to its result, of which the command itself ran ${ran}s"
done
psql_q "select property_label, count(*) from jobs where status_code = 14 and worker_name is null
        group by 1" | while read -r pool n; do
  log "scheduler: $n job(s) for Pool=$pool were never picked up (no free bot with Pool=$pool)" \
      "and failed after the ${queue_timeout}s queue timeout"
done
exit "$rc"
