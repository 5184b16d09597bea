#!/usr/bin/env bash
# Soak: runs creditbankd at a steady load (about half its measured batch
# capacity) for a long time and samples, each minute, throughput, latency,
# errors, the server's resident memory, open files and data size.
# Not a CI test. Usage: scripts/soak.sh [minutes, default 30] [records/s, default 55000]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-build/bin}
MINUTES=${1:-30}
RATE=${2:-55000}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/creditbank-soak-XXXXXX")
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

"$BIN/creditbankd" --listen=127.0.0.1:0 --port_file="$WORK/port" --data_dir="$WORK/data" \
  --key_file="$WORK/keys.json" --log_level=warn >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 300); do [ -s "$WORK/port" ] && break; sleep 0.1; done
PORT=$(cat "$WORK/port")

echo "soak: ${MINUTES} min at ${RATE} records/s (batch, 8 clients x 1,000), $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
printf "%6s %12s %9s %9s %7s %8s %6s %9s\n" minute records/s p50_ms p99_ms errors rss_MiB fds data_MiB
for minute in $(seq 1 "$MINUTES"); do
  json=$("$BIN/cbbench" --server="127.0.0.1:$PORT" --mode=batch --concurrency=8 --batch_size=1000 \
    --accounts=5000 --rate="$RATE" --duration=58 --warmup=0 --json || true)
  rate=$(sed -E 's/.*"records_per_second":([0-9.]+).*/\1/' <<<"$json")
  p50=$(sed -E 's/.*"p50":([0-9.]+).*/\1/' <<<"$json")
  p99=$(sed -E 's/.*"p99":([0-9.]+).*/\1/' <<<"$json")
  errors=$(sed -E 's/.*"errors":([0-9]+).*/\1/' <<<"$json")
  rss_kib=$(awk '/^VmRSS/ {print $2}' "/proc/$SERVER_PID/status")
  fds=$(ls "/proc/$SERVER_PID/fd" | wc -l)
  data_mib=$(du -sm "$WORK/data" | cut -f1)
  printf "%6d %12s %9s %9s %7s %8d %6d %9s\n" "$minute" "$rate" "$p50" "$p99" "$errors" \
    $((rss_kib / 1024)) "$fds" "$data_mib"
done
"$BIN/cbctl" --server "127.0.0.1:$PORT" --timeout 3600 admin check | tail -3
