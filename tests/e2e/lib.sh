# Shared helpers of the end-to-end scripts (sourced, not run). The script
# that sources it sets WORK (its temp directory) first, and OUT/ERR come
# from here. Processes started with start_daemon are killed on exit by
# kill_daemons, which the script's own cleanup calls.

OUT=$WORK/last.out  # stdout and stderr of the last `expect`
ERR=$WORK/last.err
DAEMON_PIDS=()
readonly E2E_STARTED_AT=$SECONDS

step() { printf '\n=== [%3d s] %s\n' $((SECONDS - E2E_STARTED_AT)) "$*"; }
ok() { printf '  ok: %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

show_file() {  # label file
  printf -- '--- %s:\n' "$1" >&2
  head -c 4000 "$2" >&2
  printf '\n' >&2
}

# expect CODE COMMAND...: runs COMMAND (stdout to $OUT, stderr to $ERR) and
# fails, showing both, unless it exits with CODE.
expect() {
  local want=$1 got=0
  shift
  "$@" >"$OUT" 2>"$ERR" || got=$?
  if [[ $got -ne $want ]]; then
    printf 'FAIL: exit code %d, want %d, from:\n  %s\n' "$got" "$want" "$(printf '%q ' "$@")" >&2
    show_file stdout "$OUT"
    show_file stderr "$ERR"
    exit 1
  fi
}

# must_contain FILE TEXT...: every TEXT occurs in FILE.
must_contain() {
  local file=$1
  shift
  for text in "$@"; do
    if ! grep -qF -- "$text" "$file"; then
      show_file "$(basename "$file")" "$file"
      fail "$(basename "$file") does not contain: $text"
    fi
  done
}

must_equal() {  # what got want
  [[ $2 == "$3" ]] || fail "$1: got '$2', want '$3'"
}

# start_daemon NAME ARGS...: starts creditbankd with ARGS on a loopback
# port of its choosing, waits for its port file, and sets DAEMON_ADDRESS
# and DAEMON_PID. Its log is $WORK/NAME.log.
start_daemon() {
  local name=$1
  shift
  local log=$WORK/$name.log port_file=$WORK/$name.port
  rm -f "$port_file"
  "$CREDITBANKD" --listen=127.0.0.1:0 --port_file="$port_file" --block_cache_mb=16 "$@" \
    >>"$log" 2>&1 &
  DAEMON_PID=$!
  DAEMON_PIDS+=("$DAEMON_PID")
  local deadline=$((SECONDS + 30))
  until [[ -s $port_file ]]; do
    if ! kill -0 "$DAEMON_PID" 2>/dev/null; then
      show_file "$name.log" "$log"
      fail "creditbankd ($name) exited before writing its port file"
    fi
    ((SECONDS < deadline)) || fail "no port file from $name after 30 s"
    sleep 0.05
  done
  DAEMON_ADDRESS=127.0.0.1:$(<"$port_file")
  ok "creditbankd $name (pid $DAEMON_PID) serving on $DAEMON_ADDRESS"
}

# stop_daemon PID NAME: SIGTERM, and exit code 0 within 10 s.
stop_daemon() {
  local pid=$1 name=$2 status=0
  kill -TERM "$pid"
  local deadline=$((SECONDS + 10))
  while kill -0 "$pid" 2>/dev/null; do
    ((SECONDS <= deadline)) || fail "creditbankd $name still running 10 s after SIGTERM"
    sleep 0.05
  done
  wait "$pid" || status=$?
  must_equal "creditbankd $name exit code after SIGTERM" "$status" 0
  ok "creditbankd $name stopped cleanly"
}

kill_daemons() {
  for pid in "${DAEMON_PIDS[@]}"; do
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
}

# json_get FILE PATH: a value from a JSON file, PATH like "a.b[0].c".
json_get() {
  python3 - "$1" "$2" <<'PY'
import json, re, sys
value = json.load(open(sys.argv[1]))
for part in re.findall(r"[^.\[\]]+|\[\d+\]", sys.argv[2]):
    value = value[int(part[1:-1])] if part.startswith("[") else value.get(part, "")
print(json.dumps(value) if isinstance(value, (dict, list)) else value)
PY
}

# install_cleanup NAME: on exit, kill the daemons started here, show the
# tail of every log in $WORK when the script failed, remove $WORK (kept
# with E2E_KEEP_WORK=1), and print "e2e.NAME: PASSED|FAILED in N s".
install_cleanup() {
  E2E_NAME=$1
  trap e2e_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}
e2e_cleanup() {
  local status=$?
  set +e
  kill_daemons
  if [[ $status -ne 0 ]]; then
    for log in "$WORK"/*.log; do
      [[ -f $log ]] || continue
      echo "--- last lines of $(basename "$log")" >&2
      tail -n 15 "$log" >&2
    done
  fi
  if [[ ${E2E_KEEP_WORK:-0} == 1 ]]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
  echo "e2e.$E2E_NAME: $([[ $status -eq 0 ]] && echo PASSED || echo "FAILED ($status)") in $((SECONDS - E2E_STARTED_AT)) s"
  exit "$status"
}
