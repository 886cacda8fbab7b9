#!/usr/bin/env bash
# Starts a real Prometheus (installed by install.sh) on 127.0.0.1 and a free port, with an
# empty scrape configuration and explicit query flags, its storage in a new temporary
# directory, optionally backfilled first from an OpenMetrics file with promtool (one block).
# Writes the PID, URL and data directory to files in the run directory and prints the URL.
#
# Usage: scripts/prometheus/start.sh <3.5.3|2.42> [options]
#   --run-dir DIR          where pid, url, data-dir, prometheus.yml and prometheus.log go
#                          (default .prometheus/run/<series>)
#   --backfill FILE        OpenMetrics text to load with `promtool tsdb create-blocks-from
#                          openmetrics` before starting
#   --lookback-delta D     --query.lookback-delta (default 5m)
#   --max-samples N        --query.max-samples (default 50000000)
#   --query-timeout D      --query.timeout (default 2m)
#   --feature NAME         an extra --enable-feature (repeatable); 3.x always gets
#                          promql-experimental-functions
#   --ready-timeout S      seconds to wait for /-/ready (default 60)
# Environment: PROMETHEUS_HOME (default <repo>/.prometheus).
set -euo pipefail

usage() { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
[ $# -ge 1 ] || usage
requested="$1"
shift
case "$requested" in
  3 | 3.5 | 3.5.*) series=3.5; major=3 ;;
  2 | 2.42 | 2.42.*) series=2.42; major=2 ;;
  *) usage ;;
esac

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$script_dir/../.." && pwd)"
home="${PROMETHEUS_HOME:-$repo_root/.prometheus}"
run_dir="$home/run/$series"
backfill=""
lookback=5m
max_samples=50000000
query_timeout=2m
ready_timeout=60
features=()
if [ "$major" = 3 ]; then features+=(promql-experimental-functions); fi
while [ $# -gt 0 ]; do
  case "$1" in
    --run-dir) run_dir="$2"; shift 2 ;;
    --backfill) backfill="$2"; shift 2 ;;
    --lookback-delta) lookback="$2"; shift 2 ;;
    --max-samples) max_samples="$2"; shift 2 ;;
    --query-timeout) query_timeout="$2"; shift 2 ;;
    --feature) features+=("$2"); shift 2 ;;
    --ready-timeout) ready_timeout="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; usage ;;
  esac
done

install_dir="$("$script_dir/install.sh" "$requested" | tail -n 1)"
prometheus="$install_dir/bin/prometheus"
promtool="$install_dir/bin/promtool"

mkdir -p "$run_dir"
run_dir="$(cd "$run_dir" && pwd)"
if [ -f "$run_dir/pid" ]; then
  old_pid="$(cat "$run_dir/pid")"
  if kill -0 "$old_pid" 2>/dev/null; then
    echo "error: a Prometheus started from $run_dir is still running (PID $old_pid); stop it with stop.sh" >&2
    exit 1
  fi
  rm -f "$run_dir/pid" "$run_dir/url"
fi

data_dir="$(mktemp -d "${TMPDIR:-/tmp}/promql-ts-prometheus-$series.XXXXXX")"
echo "$data_dir" >"$run_dir/data-dir"

cat >"$run_dir/prometheus.yml" <<'YAML'
# Written by scripts/prometheus/start.sh: nothing is scraped; data comes from backfill.
global:
  scrape_interval: 1m
  evaluation_interval: 1m
scrape_configs: []
YAML

if [ -n "$backfill" ]; then
  if [ ! -r "$backfill" ]; then
    echo "error: cannot read backfill file $backfill" >&2
    exit 1
  fi
  # promtool's largest block range is 39366h (~4.5 years): asking for more gets the largest,
  # so any dataset inside one aligned 39366h window becomes a single block.
  echo "Backfilling $backfill into $data_dir ..." >&2
  if ! "$promtool" tsdb create-blocks-from openmetrics --max-block-duration=100000h \
      "$backfill" "$data_dir" >"$run_dir/backfill.log" 2>&1; then
    cat "$run_dir/backfill.log" >&2
    echo "error: promtool backfill failed" >&2
    exit 1
  fi
  blocks="$(find "$data_dir" -mindepth 2 -maxdepth 2 -name meta.json | wc -l)"
  echo "Backfill wrote $blocks block(s)" >&2
fi

free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

feature_flags=()
for f in "${features[@]}"; do feature_flags+=("--enable-feature=$f"); done

for attempt in 1 2 3; do
  port="$(free_port)"
  url="http://127.0.0.1:$port"
  "$prometheus" \
    --config.file="$run_dir/prometheus.yml" \
    --storage.tsdb.path="$data_dir" \
    --storage.tsdb.retention.time=100y \
    --web.listen-address="127.0.0.1:$port" \
    --query.lookback-delta="$lookback" \
    --query.max-samples="$max_samples" \
    --query.timeout="$query_timeout" \
    "${feature_flags[@]}" \
    >"$run_dir/prometheus.log" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$run_dir/pid"
  deadline=$((SECONDS + ready_timeout))
  while [ $SECONDS -lt $deadline ]; do
    if ! kill -0 "$pid" 2>/dev/null; then break; fi
    if curl -fsS --max-time 2 "$url/-/ready" >/dev/null 2>&1; then
      echo "$url" >"$run_dir/url"
      echo "Prometheus $series running at $url (PID $pid, data $data_dir)" >&2
      echo "$url"
      exit 0
    fi
    sleep 0.2
  done
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    rm -f "$run_dir/pid"
    tail -n 20 "$run_dir/prometheus.log" >&2
    echo "error: Prometheus did not become ready within ${ready_timeout}s" >&2
    exit 1
  fi
  rm -f "$run_dir/pid"
  # Another process may have taken the port between the check and the start: try again.
  if grep -q "address already in use" "$run_dir/prometheus.log"; then continue; fi
  tail -n 20 "$run_dir/prometheus.log" >&2
  echo "error: Prometheus exited during startup" >&2
  exit 1
done
echo "error: no free port found" >&2
exit 1
