#!/usr/bin/env bash
# Idempotent set-up on Debian 12: Bazel (Debian's bazel-bootstrap 4.2.3 and the rule
# sets WORKSPACE points at), chromium (the dashboard's browser test) and the Python venv
# built from third_party/python/requirements.lock. Reuses whatever is present; a second run is a
# quick no-op.
#
#   venv:  $KERAS_MIGRATE_CACHE/venv-<sha256(lock)[:12]>  (default ~/.cache/keras_migrate),
#          symlinked as <repo>/.venv, which Bazel's Python toolchain and pytest use.
#
# Environment:
#   KERAS_MIGRATE_BASE_PYTHON  interpreter the venv is made from (default python3; 3.11)
#   KERAS_MIGRATE_CACHE        where venvs live (default ~/.cache/keras_migrate)
#   KERAS_MIGRATE_PIP_ARGS     extra pip install arguments, e.g. an index that serves
#                              torch==2.13.0+cpu where no local wheel is configured:
#                              "--extra-index-url https://download.pytorch.org/whl/cpu"
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOCK="$ROOT/third_party/python/requirements.lock"
CACHE="${KERAS_MIGRATE_CACHE:-$HOME/.cache/keras_migrate}"
BASE_PYTHON="${KERAS_MIGRATE_BASE_PYTHON:-python3}"
# Debian packages providing the repositories WORKSPACE points at.
DEBIAN_RULES=(
  "/usr/share/bazel/tools/platforms:bazel-platforms"
  "/usr/share/bazel/tools/skylib:bazel-skylib"
  "/usr/share/bazel/rules/java:bazel-rules-java"
)

log() { printf '[bootstrap] %s\n' "$*"; }
die() { printf '[bootstrap] error: %s\n' "$*" >&2; exit 1; }

apt_install() {
  local sudo=()
  if [[ $(id -u) != 0 ]]; then
    command -v sudo >/dev/null || die "need root or sudo to apt-get install $*"
    sudo=(sudo)
  fi
  log "apt-get install $*"
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# --- Bazel ------------------------------------------------------------------------------
missing=()
command -v bazel >/dev/null || missing+=(bazel-bootstrap)
# The end-to-end tests copy the workspace with git (a minimal Debian has none).
command -v git >/dev/null || missing+=(git)
for entry in "${DEBIAN_RULES[@]}"; do
  [[ -f "${entry%%:*}/WORKSPACE" ]] || missing+=("${entry#*:}")
done
if ((${#missing[@]})); then
  apt_install "${missing[@]}"
else
  log "bazel: present ($(command -v bazel))"
fi

# --- Chromium ---------------------------------------------------------------------------
# tests/e2e/test_dashboard_browser.py opens the `status --html` page in headless chromium.
# Only that test needs it: a failed install warns (the test then skips) instead of
# stopping the set-up.
chromium="${CHROMIUM:-}"
[[ -n $chromium && -x $chromium ]] || chromium="$(command -v chromium || true)"
if [[ -n $chromium ]]; then
  log "chromium: present ($chromium)"
elif ! (apt_install chromium); then
  log "warning: could not install chromium; the dashboard's browser test will be skipped"
fi

# --- Python venv ------------------------------------------------------------------------
need_python_pkgs=()
command -v "$BASE_PYTHON" >/dev/null || need_python_pkgs+=(python3)
if ! "$BASE_PYTHON" -c 'import ensurepip, venv' 2>/dev/null; then
  need_python_pkgs+=(python3-venv)
fi
if ((${#need_python_pkgs[@]})); then
  [[ $BASE_PYTHON == python3 ]] || die "$BASE_PYTHON cannot make venvs"
  apt_install "${need_python_pkgs[@]}"
fi
py_version="$("$BASE_PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
[[ $py_version == 3.11 ]] || die "the lock is for Python 3.11, $BASE_PYTHON is $py_version (set KERAS_MIGRATE_BASE_PYTHON)"

hash="$(sha256sum "$LOCK" | cut -c1-12)"
venv="$CACHE/venv-$hash"
mkdir -p "$CACHE"
if [[ -f $venv/.complete ]]; then
  log "venv: present ($venv)"
else
  # One installer at a time per lock (two checkouts may bootstrap at once).
  exec 9>"$venv.flock"
  flock 9
  if [[ ! -f $venv/.complete ]]; then
    start=$SECONDS
    rm -rf "$venv"   # a half-made venv from an interrupted run
    log "venv: creating $venv from $(basename "$LOCK") ($(grep -c '==' "$LOCK") pins; a few minutes)"
    "$BASE_PYTHON" -m venv "$venv"
    # --no-deps: the lock is complete, so nothing outside it gets in; pip check proves it.
    # shellcheck disable=SC2086
    # (grep: this machine's pip config names local index folders that lack most
    # packages; pip warns about each one.)
    "$venv/bin/python" -m pip install --quiet --no-deps --require-virtualenv \
      ${KERAS_MIGRATE_PIP_ARGS:-} -r "$LOCK" \
      2> >(grep -v 'is ignored: it is neither a file nor a directory' >&2)
    "$venv/bin/python" -m pip check >/dev/null || {
      "$venv/bin/python" -m pip check >&2
      die "the installed venv is inconsistent; regenerate the lock (third_party/python/lock.sh)"
    }
    touch "$venv/.complete"
    log "venv: installed in $((SECONDS - start))s"
  fi
  exec 9>&-
fi

link="$ROOT/.venv"
if [[ -L $link || ! -e $link ]]; then
  if [[ "$(readlink "$link" 2>/dev/null)" != "$venv" ]]; then
    ln -sfn "$venv" "$link"
    log "linked .venv -> $venv"
  fi
else
  log "warning: $link is not a symlink; leaving it (Bazel and pytest will use it as is)"
fi
log "ready: $("$link/bin/python" --version) at .venv, bazel at $(command -v bazel)"
