#!/usr/bin/env bash
# Stops a Prometheus started by start.sh, by the PID recorded in its run directory (after
# checking that this PID still runs a prometheus binary), and removes its temporary data
# directory unless --keep-data is given.
#
# Usage: scripts/prometheus/stop.sh <3.5.3|2.42> [--run-dir DIR] [--keep-data]
set -euo pipefail

usage() { sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
[ $# -ge 1 ] || usage
case "$1" in
  3 | 3.5 | 3.5.*) series=3.5 ;;
  2 | 2.42 | 2.42.*) series=2.42 ;;
  *) usage ;;
esac
shift
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
home="${PROMETHEUS_HOME:-$repo_root/.prometheus}"
run_dir="$home/run/$series"
keep_data=0
while [ $# -gt 0 ]; do
  case "$1" in
    --run-dir) run_dir="$2"; shift 2 ;;
    --keep-data) keep_data=1; shift ;;
    *) echo "unknown option $1" >&2; usage ;;
  esac
done

if [ -f "$run_dir/pid" ]; then
  pid="$(cat "$run_dir/pid")"
  if kill -0 "$pid" 2>/dev/null; then
    if ! tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'prometheus'; then
      echo "error: PID $pid from $run_dir/pid is not a prometheus process; not stopping it" >&2
      exit 1
    fi
    kill -TERM "$pid"
    for _ in $(seq 1 150); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "Prometheus (PID $pid) did not stop within 30s; killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
    echo "Stopped Prometheus $series (PID $pid)" >&2
  else
    echo "Prometheus $series (PID $pid) was not running" >&2
  fi
  rm -f "$run_dir/pid" "$run_dir/url"
else
  echo "No Prometheus $series recorded in $run_dir" >&2
fi

if [ "$keep_data" = 0 ] && [ -f "$run_dir/data-dir" ]; then
  data_dir="$(cat "$run_dir/data-dir")"
  case "$data_dir" in
    */promql-ts-prometheus-*) rm -rf "$data_dir" ;;
  esac
  rm -f "$run_dir/data-dir"
fi
