# shellcheck shell=bash
# Sourced by scripts/build and scripts/test (not a command): runs scripts/install-typst in
# the background while the caller compiles styrdok, so that on a first run without a
# downloadable Typst release its build from source (about 10 minutes on two free cores)
# overlaps the project's own build instead of coming before it.
#
#   typst_start   # start scripts/install-typst in the background
#   typst_wait    # wait for it: export STYRDOK_TYPST, or exit with its status
#
# The install writes its progress and errors to stderr as they come (a line or two, or
# cargo's error when the source build fails) and its path to a temporary file. It runs in
# a process group of its own, so that when the caller stops early (a failed cargo build,
# Ctrl-C) the EXIT trap stops the whole install, cargo and rustc included, instead of
# leaving it running behind the prompt; the next run starts it again.

typst_pid=""
typst_out=""

typst_start() {
  typst_out="$(mktemp)"
  trap typst_stop EXIT
  set -m # a process group of its own
  scripts/install-typst </dev/null >"$typst_out" &
  typst_pid=$!
  set +m
}

typst_stop() {
  if [ -n "$typst_pid" ] && kill -0 "$typst_pid" 2>/dev/null; then
    echo "stopping the Typst install (the next run starts it again)" >&2
    kill -TERM -- "-$typst_pid" 2>/dev/null || true
  fi
  rm -f "$typst_out"
}

typst_wait() {
  if kill -0 "$typst_pid" 2>/dev/null; then
    echo "waiting for the Typst install to finish…" >&2
  fi
  local status=0
  wait "$typst_pid" || status=$?
  typst_pid=""
  if [ "$status" -ne 0 ]; then
    echo "error: scripts/install-typst failed (exit status $status): Typst is needed for the PDFs; see its message above" >&2
    exit "$status"
  fi
  STYRDOK_TYPST="$(cat "$typst_out")"
  export STYRDOK_TYPST
  rm -f "$typst_out"
  trap - EXIT
}
