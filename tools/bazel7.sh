#!/usr/bin/env bash
# Bazel 7 (bzlmod) on this checkout, from a Debian 12 host.
#
# Debian 12 packages only Bazel 4.2.3; Debian sid packages Bazel 7.7.1 (bazel-bootstrap)
# with rules_python, bazel_skylib, platforms & co as local modules, but it needs
# glibc >= 2.38, so it runs in a sid chroot. This script builds that chroot once
# (cached; rebuilt only when its recipe below changes), bind-mounts the checkout
# read-only at /src and runs Bazel there with third_party/bazel7/bazelrc
# (offline stand-in modules, --noenable_workspace, --lockfile_mode=off).
#
# Usage:
#   tools/bazel7.sh setup             build (or reuse) the chroot; prints its path
#   tools/bazel7.sh check             the Bazel 7 checks CI runs (tests/bazel7/run.sh)
#   tools/bazel7.sh bazel ARGS...     any Bazel command on the checkout, e.g. `bazel query //...`
#   tools/bazel7.sh shell [CMD...]    a shell (or CMD) in the chroot, checkout at /src
#
# Environment: KERAS_MIGRATE_SID_CHROOT (default /var/cache/keras_migrate/sid-chroot),
# KERAS_MIGRATE_DEBIAN_MIRROR (default http://deb.debian.org/debian). Needs root
# (debootstrap, chroot, mount). All mounts live in a private mount namespace, so
# they vanish with the script even if it is killed; a trap still runs
# `bazel shutdown` and unmounts in order on every normal exit.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CHROOT="${KERAS_MIGRATE_SID_CHROOT:-/var/cache/keras_migrate/sid-chroot}"
MIRROR="${KERAS_MIGRATE_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
# What the chroot holds. Changing this list (or RECIPE) re-runs the install step
# on the cached chroot instead of rebuilding it from scratch.
PACKAGES=(bazel-bootstrap python3 python3-pip ca-certificates)
PIP_PACKAGES=(libcst==1.9.0)
RECIPE="v1 ${PACKAGES[*]} | ${PIP_PACKAGES[*]}"
STAMP="$CHROOT/.keras_migrate_recipe"
LOCK="${CHROOT%/}.lock"

log() { printf '[bazel7] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 2; }

[[ $(id -u) == 0 ]] || die "needs root (debootstrap, chroot, mount)"

FACTS_HOST="${CHROOT%/}.bazel4_facts.txt"
FACTS_CHROOT=/tmp/keras_migrate_bazel7/bazel4_facts.txt
# For `check`: what Bazel 4 (the host's, WORKSPACE) says about the repository's targets,
# for tests/bazel7/run.sh to compare Bazel 7's answer with. Done before entering the
# private mount namespace, so that a Bazel 4 server this may start lives outside it.
bazel4_facts() {
  rm -f "$FACTS_HOST"
  local version
  version="$(cd "$ROOT" && bazel --version 2>/dev/null)" || {
    log "no bazel on the host: the Bazel 4 parity check will be skipped"; return 0; }
  log "host Bazel ($version, WORKSPACE): query facts for the Bazel 4/7 parity check"
  local expr
  expr="$(python3 "$ROOT/tests/bazel7/query_facts.py" --expression "$ROOT")"
  if ! (cd "$ROOT" && bazel query --output=xml --noimplicit_deps "$expr" 2>"$FACTS_HOST.log" |
        python3 "$ROOT/tests/bazel7/query_facts.py" >"$FACTS_HOST.tmp"); then
    tail -n 20 "$FACTS_HOST.log" >&2
    log "host Bazel query failed: the Bazel 4 parity check will be skipped"; rm -f "$FACTS_HOST.tmp"; return 0
  fi
  mv "$FACTS_HOST.tmp" "$FACTS_HOST"
}

# Re-exec inside a private mount namespace: mounts made below are invisible to
# the host and are torn down by the kernel when the last process in it exits.
if [[ -z "${_KERAS_MIGRATE_BAZEL7_NS:-}" ]]; then
  export _KERAS_MIGRATE_BAZEL7_NS=1
  mkdir -p "$(dirname "$LOCK")"
  # One user of the chroot at a time (shared Bazel output base inside it).
  exec 9>"$LOCK"
  flock 9
  [[ "${1:-check}" == check ]] && bazel4_facts 9>&-
  exec unshare --mount --propagation private -- bash "${BASH_SOURCE[0]}" "$@"
fi

MOUNTS=()
CHROOT_ENV=()  # extra NAME=VALUE for commands in the chroot
mount_one() {  # mount_one TARGET MOUNT-ARGS...
  local target="$1"; shift
  mkdir -p "$target"
  mount "$@" "$target"
  MOUNTS+=("$target")
}
unmount_all() {
  local i
  for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do
    umount -l "${MOUNTS[$i]}" 2>/dev/null || true
  done
  MOUNTS=()
}
mount_system() {  # mount_system DIR: /proc /sys /dev /dev/pts into a chroot dir
  local dir="$1"
  mount_one "$dir/proc" -t proc proc
  mount_one "$dir/sys" -t sysfs sysfs
  # --rbind: /dev/pts and /dev/shm (Python multiprocessing) come along.
  mount_one "$dir/dev" --rbind /dev
  cp -L /etc/resolv.conf "$dir/etc/resolv.conf" 2>/dev/null || true
}

in_chroot() {  # in_chroot DIR CMD...: a clean environment, like a login shell
  local dir="$1"; shift
  env -i HOME=/root LANG=C.UTF-8 TERM="${TERM:-dumb}" CI="${CI:-}" "${CHROOT_ENV[@]}" \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    DEBIAN_FRONTEND=noninteractive \
    chroot "$dir" "$@" 9>&-  # fd 9 holds the lock: keep Bazel servers off it
}

install_packages() {  # install_packages DIR: output to a log, shown when it fails
  local log_file="${CHROOT%/}.install.log"
  log "installing ${PACKAGES[*]} and pip ${PIP_PACKAGES[*]} in $1 (log: $log_file)"
  _install_packages "$@" >"$log_file" 2>&1 || {
    tail -n 30 "$log_file" >&2; die "installing packages in the chroot failed"; }
}
_install_packages() {
  local dir="$1"
  # The mirror may serve a sid snapshot whose Release file's Valid-Until is
  # past; its signature is still checked.
  echo 'Acquire::Check-Valid-Until "false";' >"$dir/etc/apt/apt.conf.d/99keras-migrate"
  in_chroot "$dir" apt-get update -q
  in_chroot "$dir" apt-get install -y -q --no-install-recommends "${PACKAGES[@]}"
  in_chroot "$dir" apt-get clean
  # pip trusts the host's CA bundle (the host may reach PyPI through a proxy
  # whose CA only the host's bundle has) and the host's index settings.
  local ca="${PIP_CERT:-/etc/ssl/certs/ca-certificates.crt}"
  cp -L "$ca" "$dir/etc/ssl/keras_migrate_host_ca.crt"
  in_chroot "$dir" env PIP_CERT=/etc/ssl/keras_migrate_host_ca.crt \
    ${PIP_INDEX_URL:+PIP_INDEX_URL="$PIP_INDEX_URL"} PIP_DEFAULT_TIMEOUT=180 \
    python3 -m pip install -q --break-system-packages --no-cache-dir \
    --root-user-action=ignore "${PIP_PACKAGES[@]}"
  echo "$RECIPE" >"$dir/.keras_migrate_recipe"
}

ensure_chroot() {
  if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$RECIPE" ]]; then
    return 0
  fi
  local t0=$SECONDS
  if [[ -x "$CHROOT/usr/bin/apt-get" && -f "$CHROOT/.keras_migrate_debootstrap_done" ]]; then
    log "chroot $CHROOT exists but its recipe changed: updating it"
    mount_system "$CHROOT"
    install_packages "$CHROOT"
    unmount_all
  else
    command -v debootstrap >/dev/null || {
      log "installing debootstrap on the host"
      apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap
    }
    local tmp="${CHROOT%/}.partial"
    if [[ ! -f "$tmp/.keras_migrate_debootstrap_done" ]]; then
      rm -rf --one-file-system "$tmp"
      mkdir -p "$tmp"
      log "debootstrap --variant=minbase sid $tmp $MIRROR"
      debootstrap --variant=minbase sid "$tmp" "$MIRROR" >"${CHROOT%/}.debootstrap.log" 2>&1 || {
        tail -20 "${CHROOT%/}.debootstrap.log" >&2; die "debootstrap failed"; }
      touch "$tmp/.keras_migrate_debootstrap_done"
    fi
    mount_system "$tmp"
    install_packages "$tmp"
    unmount_all
    rm -rf --one-file-system "$CHROOT"
    mv "$tmp" "$CHROOT"
  fi
  log "chroot ready in $((SECONDS - t0)) s: $CHROOT"
}

BAZEL_STARTED=0
cleanup() {
  local rc=$?
  if ((BAZEL_STARTED)); then
    # Stop every Bazel server this run may have started (the checkout and any
    # scratch workspaces under /tmp), before the mounts go away.
    in_chroot "$CHROOT" /bin/sh -c \
      'for d in /src /tmp/keras_migrate_bazel7/*/; do [ -f "$d/MODULE.bazel" ] && (cd "$d" && bazel shutdown) >/dev/null 2>&1; done; true' || true
  fi
  unmount_all
  exit "$rc"
}

enter() {  # enter CMD...: run CMD in the chroot with the checkout at /src (read-only)
  ensure_chroot
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  mount_system "$CHROOT"
  # Every Bazel run in the chroot, including the ones `bazel run //tools:migrate`
  # starts by itself, reads the workspace's Bazel 7 settings (Debian's
  # /etc/bazel/bazelrc try-imports this file).
  cat >"$CHROOT/etc/bazel.bazelrc" <<'RC'
# Written by keras_migrate's tools/bazel7.sh.
try-import %workspace%/third_party/bazel7/bazelrc
RC
  mount_one "$CHROOT/src" --bind "$ROOT"
  mount -o remount,bind,ro "$CHROOT/src"
  BAZEL_STARTED=1
  local rc=0
  in_chroot "$CHROOT" /bin/bash -c 'cd /src && exec "$@"' bash "$@" || rc=$?
  return "$rc"
}

cmd="${1:-check}"
[[ $# -gt 0 ]] && shift
case "$cmd" in
  setup) ensure_chroot; echo "$CHROOT" ;;
  check)
    ensure_chroot
    rm -rf "$CHROOT/tmp/keras_migrate_bazel7" && mkdir -p "$CHROOT/tmp/keras_migrate_bazel7"
    if [[ -s "$FACTS_HOST" ]]; then
      cp "$FACTS_HOST" "$CHROOT$FACTS_CHROOT"
      CHROOT_ENV+=("KERAS_MIGRATE_BAZEL4_FACTS=$FACTS_CHROOT")
    fi
    enter bash /src/tests/bazel7/run.sh "$@" ;;
  bazel) enter bazel "$@" ;;
  shell) if [[ $# -eq 0 ]]; then enter bash -i; else enter "$@"; fi ;;
  *) die "unknown command '$cmd' (setup | check | bazel ARGS... | shell [CMD...])" ;;
esac
