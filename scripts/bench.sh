#!/usr/bin/env bash
# Measures the figures the README quotes, in one run on this machine:
#   1. RocksDB's own baseline: db_bench fillrandom, 1M x 300-byte values,
#      batches of 100, synced WAL;
#   2. durable batch recording through gRPC (RecordOutcomes, 1,000 a call)
#      at 4 and 16 concurrent clients;
#   3. streamed recording (StreamOutcomes, 1,000 a chunk, 4 clients);
#   4. unary recording from 32 concurrent clients.
# Every cbbench run uses a fresh server and data directory on the same disk;
# each configuration runs RUNS times and the median is printed.
# Usage: scripts/bench.sh [seconds per run, default 20] [runs, default 3]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-build/bin}
SECONDS_PER_RUN=${1:-20}
RUNS=${2:-3}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/creditbank-bench-XXXXXX")
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

start_server() {
  rm -rf "$WORK/data" "$WORK/port"
  "$BIN/creditbankd" --listen=127.0.0.1:0 --port_file="$WORK/port" --data_dir="$WORK/data" \
    --key_file="$WORK/keys.json" --log_level=warn >>"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 300); do [ -s "$WORK/port" ] && break; sleep 0.1; done
  PORT=$(cat "$WORK/port")
}
stop_server() {
  kill "$SERVER_PID"; wait "$SERVER_PID" || true; SERVER_PID=""
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "machine: $(nproc) cores, $(uname -r), $(date -u +%Y-%m-%dT%H:%MZ), ${SECONDS_PER_RUN}s x ${RUNS} runs"
echo "== RocksDB baseline (db_bench fillrandom --num=1000000 --value_size=300 --batch_size=100 --sync=1)"
db_bench --benchmarks=fillrandom --num=1000000 --value_size=300 --batch_size=100 --sync=1 \
  --db="$WORK/db_bench" 2>&1 | grep -E "^fillrandom"
rm -rf "$WORK/db_bench"

run() {
  local rates="" p99s=""
  echo "== cbbench $*"
  for _ in $(seq 1 "$RUNS"); do
    start_server
    local json
    json=$("$BIN/cbbench" --server="127.0.0.1:$PORT" --duration="$SECONDS_PER_RUN" --warmup=3 --json "$@")
    stop_server
    echo "   $json"
    rates+="$(sed -E 's/.*"records_per_second":([0-9.]+).*/\1/' <<<"$json")"$'\n'
    p99s+="$(sed -E 's/.*"p99":([0-9.]+).*/\1/' <<<"$json")"$'\n'
  done
  echo "   median: records/s $(median <<<"${rates%$'\n'}")  p99 $(median <<<"${p99s%$'\n'}") ms"
}
run --mode=batch --concurrency=4 --batch_size=1000 --accounts=2000
run --mode=batch --concurrency=16 --batch_size=1000 --accounts=2000
run --mode=stream --concurrency=4 --batch_size=1000 --accounts=2000
run --mode=unary --concurrency=32 --accounts=2000
