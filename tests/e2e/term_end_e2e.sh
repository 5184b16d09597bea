#!/usr/bin/env bash
# End-to-end: the real creditbankd and cbctl binaries through a term end.
#
#   tests/e2e/term_end_e2e.sh build/bin      # run by ctest as e2e.term_end
#
# One vocational college is accredited, 300 learners get accounts, a
# 3,000-row term-end CSV is imported (and re-imported), bad rows are
# reported by line, 50 entries are reversed, balances are checked against
# totals computed from the generated files, an account is frozen and
# unfrozen, the server is stopped, checked offline and restarted, and
# finally killed with SIGKILL in the middle of a 5,000-row upload that is
# then run again. Everything binds to 127.0.0.1 and lives in one temp
# directory, removed on exit with the processes this script started.
#
# tests/e2e/e2e_data.py makes the data and the expected values (python3,
# standard library). Environment: E2E_KEEP_WORK=1 keeps the temp directory;
# E2E_PYTHON picks the interpreter. Fails without python3, which `make deps`
# installs.
set -euo pipefail

readonly BIN_DIR=${1:?usage: term_end_e2e.sh BIN_DIR}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly HERE
readonly CREDITBANKD=$BIN_DIR/creditbankd
readonly CBCTL=$BIN_DIR/cbctl
readonly COLLEGE=4150013588          # 重庆工程职业技术学院, accredited
readonly OPEN_UNIVERSITY=5150000001  # 重庆开放大学, accredited
readonly UNACCREDITED=4150014976     # 重庆渝西职业培训学校, only registered
readonly STOP_SECONDS=5              # SIGTERM to exit
readonly PARALLEL_CALLS=3            # cbctl processes at a time for bulk reads and opens

for binary in "$CREDITBANKD" "$CBCTL"; do
  [[ -x $binary ]] || { echo "FAIL: $binary is not built" >&2; exit 1; }
done
python_command=${E2E_PYTHON:-$(command -v python3 || true)}
if [[ -z $python_command ]]; then
  echo "FAIL: python3 is needed to generate the data and check the answers (make deps installs it)" >&2
  exit 1
fi
# The interpreter itself, not a version manager's shim (much faster to start).
PYTHON=$("$python_command" -c 'import sys; print(sys.executable)')
readonly PYTHON

WORK=$(mktemp -d "${TMPDIR:-/tmp}/creditbank-e2e-XXXXXX")
readonly WORK DATA=$WORK/data KEYS=$WORK/creditbank.keys
SERVER_PID=""
IMPORT_PID=""
WORKER_PIDS=()
ADDRESS=""
SERVER_RUN=0
readonly STARTED_AT=$SECONDS

# ------------------------------------------------------------------ helpers

# step, ok, fail, show_file, expect, must_contain, must_equal
# shellcheck source=tests/e2e/lib.sh
source "$HERE/lib.sh"

cleanup() {
  local status=$?
  set +e
  for pid in "${WORKER_PIDS[@]}" $IMPORT_PID; do
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  if [[ -n $SERVER_PID ]]; then kill -KILL "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; fi
  if [[ $status -ne 0 ]]; then
    for log in "$WORK"/server-*.log; do
      [[ -f $log ]] || continue
      echo "--- last lines of $(basename "$log")" >&2
      tail -n 15 "$log" >&2
    done
  fi
  if [[ ${E2E_KEEP_WORK:-0} == 1 ]]; then
    echo "kept $WORK" >&2
  else
    rm -rf "$WORK"
  fi
  echo "e2e.term_end: $([[ $status -eq 0 ]] && echo PASSED || echo "FAILED ($status)") in $((SECONDS - STARTED_AT)) s"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

cb() { "$CBCTL" --server "$ADDRESS" --timeout 30 "$@"; }
data() { "$PYTHON" "$HERE/e2e_data.py" "$@"; }
json() { data get "$1" "$2"; }   # json FILE dotted.path

start_server() {
  SERVER_RUN=$((SERVER_RUN + 1))
  local log=$WORK/server-$SERVER_RUN.log port_file=$WORK/port
  rm -f "$port_file"
  "$CREDITBANKD" --listen=127.0.0.1:0 --port_file="$port_file" --data_dir="$DATA" \
    --key_file="$KEYS" --block_cache_mb=16 >"$log" 2>&1 &
  SERVER_PID=$!
  local deadline=$((SECONDS + 30))
  until [[ -s $port_file ]]; do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      wait "$SERVER_PID" || true
      SERVER_PID=""
      show_file "$(basename "$log")" "$log"
      fail "creditbankd exited before writing its port file"
    fi
    ((SECONDS < deadline)) || fail "no port file after 30 s"
    sleep 0.05
  done
  local port
  port=$(<"$port_file")
  [[ $port =~ ^[0-9]+$ ]] || fail "port file holds '$port'"
  ADDRESS=127.0.0.1:$port
  # The listening socket is on the loopback address, nowhere else.
  local hex_port listeners
  hex_port=$(printf '%04X' "$port")
  listeners=$(awk -v port=":$hex_port" '$4 == "0A" && substr($2, length($2) - 4) == port {print $2}' \
    /proc/net/tcp /proc/net/tcp6)
  # 127.0.0.1 in /proc/net/tcp, or ::ffff:127.0.0.1 (gRPC's dual-stack socket) in tcp6.
  [[ -n $listeners ]] || fail "nothing listens on port $port"
  for listener in $listeners; do
    case ${listener%:*} in
      0100007F | 0000000000000000FFFF00000100007F) ;;
      *) fail "port $port is bound to a non-loopback address: $listener" ;;
    esac
  done
  ok "creditbankd (pid $SERVER_PID) serving on $ADDRESS, loopback only"
}

# Sends SIGTERM and requires exit code 0 within STOP_SECONDS.
stop_server() {
  local started=$EPOCHREALTIME status=0
  kill -TERM "$SERVER_PID"
  local deadline=$((SECONDS + STOP_SECONDS))
  while kill -0 "$SERVER_PID" 2>/dev/null; do
    ((SECONDS <= deadline)) || fail "creditbankd still running $STOP_SECONDS s after SIGTERM"
    sleep 0.05
  done
  wait "$SERVER_PID" || status=$?
  SERVER_PID=""
  must_equal "creditbankd exit code after SIGTERM" "$status" 0
  must_contain "$WORK/server-$SERVER_RUN.log" "shut down cleanly"
  ok "SIGTERM: creditbankd exited 0 after $(awk -v from="$started" -v to="$EPOCHREALTIME" \
    'BEGIN { printf "%.2f", to - from }') s"
}

offline_check() {  # expected entry count
  expect 0 "$CREDITBANKD" --check --data_dir="$DATA" --key_file="$KEYS"
  must_equal "creditbankd --check entries" "$(sed -n 's/^entries checked: //p' "$OUT")" "$1"
  must_equal "creditbankd --check verdict" "$(tail -n 1 "$OUT")" consistent
  must_contain "$OUT" "transparency log: rebuilt from the entries and compared"
  ok "creditbankd --check: consistent, $1 entries, transparency log rebuilt and matching"
}

online_check() {  # expected entry count
  expect 0 cb --json admin check
  must_equal "admin check consistent" "$(json "$OUT" consistent)" true
  must_equal "admin check entries_checked" "$(json "$OUT" entries_checked)" "$1"
  ok "cbctl admin check: consistent, $1 entries"
}

# snapshot_balances DIR ACCOUNT...: `ledger balances --json` of each account,
# into DIR/<account>.json, a few calls at a time.
snapshot_balances() {
  local directory=$1
  shift
  rm -rf "$directory"
  mkdir -p "$directory"
  # shellcheck disable=SC2016  # the sh -c script expands its own arguments
  if ! printf '%s\n' "$@" | xargs -P "$PARALLEL_CALLS" -I{} sh -c \
    'exec "$1" --server "$2" --timeout 30 --json ledger balances --account "$3" >"$4/$3.json" 2>"$4/$3.err"' \
    sh "$CBCTL" "$ADDRESS" {} "$directory"; then
    for error in "$directory"/*.err; do
      if [[ -s $error ]]; then show_file "$(basename "$error")" "$error"; fi
    done
    fail "cbctl ledger balances failed for some accounts"
  fi
  rm -f "$directory"/*.err
  must_equal "balance snapshots in $(basename "$directory")" "$(find "$directory" -name '*.json' | wc -l)" $#
}

# open_accounts: runs every line of learners.args (`account open ...`) with
# --json, PARALLEL_CALLS workers, and gathers the answers in order in opens.jsonl.
open_accounts() {
  local worker status=0
  mkdir -p "$WORK/opens"
  for ((worker = 0; worker < PARALLEL_CALLS; worker++)); do
    open_worker "$worker" &
    WORKER_PIDS+=($!)
  done
  for worker in "${WORKER_PIDS[@]}"; do wait "$worker" || status=1; done
  WORKER_PIDS=()
  ((status == 0)) || fail "opening accounts failed (see above)"
  local count
  count=$(wc -l <"$WORK/learners.args")
  for ((index = 0; index < count; index++)); do cat "$WORK/opens/$index.json"; done >"$WORK/opens.jsonl"
}

open_worker() {  # worker number; runs in its own subshell
  local index=0 line args=()
  OUT=$WORK/opens/worker-$1.out
  ERR=$WORK/opens/worker-$1.err
  while IFS= read -r line; do
    if ((index % PARALLEL_CALLS == $1)); then
      eval "args=($line)"
      expect 0 cb --json "${args[@]}"
      cp "$OUT" "$WORK/opens/$index.json"
    fi
    index=$((index + 1))
  done <"$WORK/learners.args"
}

# list_by_pages DIR PAGE_SIZE ACCOUNT [FLAGS...]: follows next_page_token by
# hand, one file per page; also writes DIR.all.json from --all.
list_by_pages() {
  local directory=$1 page_size=$2 account=$3 token="" page=0
  shift 3
  rm -rf "$directory"
  mkdir -p "$directory"
  while :; do
    page=$((page + 1))
    ((page <= 200)) || fail "more than 200 pages for $account $*"
    expect 0 cb --json ledger list --account "$account" --page-size "$page_size" \
      ${token:+--page-token "$token"} "$@"
    cp "$OUT" "$directory/$page.json"
    if grep -qF '"next_page_token":""' "$OUT"; then break; fi
    # Page tokens are base64url: no escapes, so sed can pick one out of the JSON.
    token=$(sed -n 's/.*"next_page_token":"\([A-Za-z0-9_=-]*\)".*/\1/p' "$OUT")
    [[ -n $token ]] || fail "no base64url next_page_token in $(<"$OUT")"
  done
  expect 0 cb --json ledger list --account "$account" --all "$@"
  cp "$OUT" "$directory.all.json"
}

model_count() { data count "$WORK"; }

# ------------------------------------------------------------------- steps

step "1. start creditbankd on a fresh data directory and key file"
[[ ! -e $KEYS ]] || fail "key file exists before the first start"
start_server
must_equal "key file mode" "$(stat -c %a "$KEYS")" 600
must_equal "key file owner" "$(stat -c %u "$KEYS")" "$(id -u)"
[[ -s $KEYS ]] || fail "key file is empty"
KEYS_SHA256=$(sha256sum "$KEYS" | cut -d' ' -f1)
must_contain "$WORK/server-1.log" "plaintext" "listening on port"
ok "key file created with mode 0600"

step "2. institutions: one accredited college, one open university, one only registered"
expect 0 cb --json institution register --code "$COLLEGE" --name 重庆工程职业技术学院 --sector vocational
must_equal "college status" "$(json "$OUT" status)" INSTITUTION_STATUS_REGISTERED
expect 0 cb institution register --code "$COLLEGE" --name 重庆工程职业技术学院 --sector vocational
must_contain "$OUT" 重庆工程职业技术学院
expect 1 cb institution register --code "$COLLEGE" --name 重庆工程学院 --sector vocational
must_contain "$ERR" "reason: INSTITUTION_EXISTS"
expect 0 cb --json institution accredit --code "$COLLEGE" \
  --kinds course_credit,certificate,training_hours --sectors vocational,continuing \
  --max-level 6 --reason "渝教职成〔2026〕12号"
must_equal "college status" "$(json "$OUT" status)" INSTITUTION_STATUS_ACCREDITED
must_equal "college max level" "$(json "$OUT" scope.max_framework_level)" 6
expect 0 cb institution register --code "$OPEN_UNIVERSITY" --name 重庆开放大学 --sector open_university
expect 0 cb institution accredit --code "$OPEN_UNIVERSITY" --kinds course_credit \
  --sectors open_university --max-level 7 --reason "渝教终身〔2026〕3号"
expect 0 cb institution register --code "$UNACCREDITED" --name 重庆渝西职业培训学校 \
  --sector enterprise_training
expect 0 cb --json institution get --code "$UNACCREDITED"
must_equal "unaccredited status" "$(json "$OUT" status)" INSTITUTION_STATUS_REGISTERED
expect 0 cb --json institution list --status accredited --all
must_contain "$OUT" "\"code\":\"$COLLEGE\"" "\"code\":\"$OPEN_UNIVERSITY\""
if grep -qF "$UNACCREDITED" "$OUT"; then fail "$UNACCREDITED listed as accredited"; fi
expect 0 cb institution list
must_contain "$OUT" 重庆工程职业技术学院 重庆开放大学 重庆渝西职业培训学校
ok "college and open university accredited, $UNACCREDITED registered only, re-register idempotent"

step "3. open 300 learner accounts"
data learners "$WORK"
open_accounts
data collect-accounts "$WORK"
mapfile -t ACCOUNTS < <(cut -f2 "$WORK/accounts.tsv")
must_equal "accounts" "${#ACCOUNTS[@]}" 300

# The same person again, under another spelling of the name: same account.
first=() passport=() record=() args=()  # filled by eval from shell-quoted .args lines
eval "first=($(sed -n 1p "$WORK/learners.args"))"
must_equal "the first learner's flag 4" "${first[4]}" --name
first[5]=张三
expect 0 cb --json "${first[@]}"
must_equal "reopened account" "$(json "$OUT" account.account_number)" "${ACCOUNTS[0]}"
must_equal "reopened created" "$(json "$OUT" created)" false
must_equal "reopened keeps the name" "$(json "$OUT" account.details.name)" \
  "$(json <(sed -n 1p "$WORK/opens.jsonl") account.details.name)"
eval "passport=($(sed -n 300p "$WORK/learners.args"))"
expect 0 cb "${passport[@]}"
must_contain "$OUT" "${ACCOUNTS[299]}" "(this person already had this account)"
# Opened with a lower-case x; the upper-case X finds the same person.
IFS=$'\t' read -r _ lower_x_index lower_x_id <"$WORK/special_ids.tsv"
expect 0 cb --json account open --resident-id "$lower_x_id" --name 李四
must_equal "upper-case X account" "$(json "$OUT" account.account_number)" "${ACCOUNTS[$lower_x_index]}"
must_equal "upper-case X created" "$(json "$OUT" created)" false
expect 0 cb --json account get --resident-id "$lower_x_id"
must_equal "account get by resident id" "$(json "$OUT" account_number)" "${ACCOUNTS[$lower_x_index]}"
# Invalid resident IDs are refused, naming the field.
invalid_count=0
while IFS=$'\t' read -r resident_id right why; do
  expect 1 cb account open --resident-id "$resident_id" --name 王五
  must_contain "$ERR" "identity.resident_id" "reason: INVALID_FIELD"
  if [[ -s $OUT ]]; then fail "refused open printed on stdout: $(<"$OUT")"; fi
  if [[ $right != - ]]; then must_contain "$ERR" "gives '$right'"; fi
  expect 1 cb account get --resident-id "$resident_id"
  ok "refused $resident_id ($why)"
  invalid_count=$((invalid_count + 1))
done <"$WORK/invalid_ids.tsv"
ok "300 accounts; reopening returns the same number; $invalid_count invalid IDs refused (exit 1, identity.resident_id)"

step "4. term-end import of 3,000 outcomes"
TERM_YEAR=$(data term-year)  # every generated date lies in the past
: >"$WORK/model.txt"
# The registered but unaccredited institution can record nothing.
expect 1 cb ledger record --institution "$UNACCREDITED" --account "${ACCOUNTS[0]}" \
  --kind training_hours --code PX-001 --title 叉车司机安全培训 --hours 16 --completed "$TERM_YEAR-06-12"
must_contain "$ERR" "reason: INSTITUTION_NOT_ACCREDITED" "institution_code"
data term-csv "$WORK"
expect 1 cb import --institution "$UNACCREDITED" --file "$WORK/term.csv"
must_contain "$ERR" "reason: INSTITUTION_NOT_ACCREDITED"
online_check 0

expect 0 cb --json import --institution "$COLLEGE" --file "$WORK/term.csv"
for field in rows:3000 recorded:3000 replayed:0 failed:0; do
  must_equal "first import ${field%%:*}" "$(json "$OUT" "${field%%:*}")" "${field#*:}"
done
echo "recorded term.csv $COLLEGE" >>"$WORK/model.txt"
online_check 3000
snapshot_balances "$WORK/balances-import" "${ACCOUNTS[@]}"
data check-balances "$WORK" "$WORK/balances-import"

expect 0 cb import --institution "$COLLEGE" --file "$WORK/term.csv"
must_contain "$OUT" "3000 rows: recorded 0, already recorded (replayed) 3000, failed 0"
online_check 3000
snapshot_balances "$WORK/balances-reimport" "${ACCOUNTS[@]}"
data same-balances "$WORK/balances-import" "$WORK/balances-reimport"
list_by_pages "$WORK/pages-reimport" 100 "${ACCOUNTS[0]}"
data check-pages "$WORK" "$WORK/pages-reimport" "$WORK/pages-reimport.all.json" "${ACCOUNTS[0]}"
ok "re-import: all 3,000 replayed, nothing new"

data bad-csv "$WORK"
expect 4 cb import --institution "$COLLEGE" --file "$WORK/bad.csv" --dry-run
must_contain "$OUT" "26 rows, 17 pass the local checks, 9 failed; nothing was sent"
online_check 3000  # a dry run sends nothing
expect 4 cb --json import --institution "$COLLEGE" --file "$WORK/bad.csv"
cp "$OUT" "$WORK/bad-summary.json"
cp "$ERR" "$WORK/bad-stderr.txt"
data check-bad-import "$WORK" "$WORK/bad-summary.json" "$WORK/bad-stderr.txt"
must_equal "bad import recorded" "$(json "$OUT" recorded)" 12
must_contain "$ERR" "[ACCOUNT_NOT_FOUND]" "[OUTSIDE_ACCREDITATION_SCOPE]" "[REQUEST_ID_REUSED]" \
  "repeats line 2 exactly" "a failing grade"
echo "recorded bad_good.csv $COLLEGE" >>"$WORK/model.txt"
expect 4 cb import --institution "$COLLEGE" --file "$WORK/bad.csv"
must_contain "$OUT" "26 rows: recorded 0, already recorded (replayed) 12, failed 14"
online_check "$(model_count)"

# The open university records single outcomes for 20 learners.
data open-university "$WORK"
while IFS= read -r line; do
  eval "args=($line)"
  expect 0 cb "${args[@]}"
  must_contain "$OUT" "(recorded)"
done <"$WORK/open_university.args"
expect 0 cb "${args[@]}"
must_contain "$OUT" "(already recorded: the earlier entry is shown)"
echo "recorded open_university.csv $OPEN_UNIVERSITY" >>"$WORK/model.txt"
online_check "$(model_count)"
ok "bad rows reported by line (exit 4), good rows recorded once; 20 open-university records"

step "5. reverse 50 entries"
REVERSED_ACCOUNTS=()
for ((i = 0; i < 300; i += 12)); do REVERSED_ACCOUNTS+=("${ACCOUNTS[$i]}"); done
mkdir -p "$WORK/lists-before-reversal"
for account in "${REVERSED_ACCOUNTS[@]}"; do
  expect 0 cb --json ledger list --account "$account" --all
  cp "$OUT" "$WORK/lists-before-reversal/$account.json"
done
data pick-reversals "$WORK" "$WORK/lists-before-reversal"
: >"$WORK/reversals.jsonl"
while IFS=$'\t' read -r institution account entry _ reason; do
  expect 0 cb --json ledger reverse --institution "$institution" --account "$account" \
    --entry "$entry" --reason "$reason"
  cat "$OUT" >>"$WORK/reversals.jsonl"
done <"$WORK/reversals.tsv"
must_equal "reversals made" "$(wc -l <"$WORK/reversals.jsonl")" 50
data check-reversals "$WORK" "$WORK/lists-before-reversal"
echo "reversed reversed.tsv" >>"$WORK/model.txt"
online_check "$(model_count)"

IFS=$'\t' read -r institution account entry _ reason <"$WORK/reversals.tsv"
first_reversal=$(json <(head -n 1 "$WORK/reversals.jsonl") entry.entry_id)
# The same command again is a retry: the same reversal, nothing new.
expect 0 cb --json ledger reverse --institution "$institution" --account "$account" \
  --entry "$entry" --reason "$reason"
must_equal "retried reversal replayed" "$(json "$OUT" replayed)" true
must_equal "retried reversal entry" "$(json "$OUT" entry.entry_id)" "$first_reversal"
# A second reversal of the same entry is refused.
expect 1 cb ledger reverse --institution "$institution" --account "$account" --entry "$entry" \
  --reason "再次冲正" --request-id "fix-again-1"
must_contain "$ERR" "reason: ENTRY_ALREADY_REVERSED" "already reversed by entry $first_reversal"
# Reversing a reversal is refused.
expect 1 cb ledger reverse --institution "$institution" --account "$account" \
  --entry "$first_reversal" --reason "撤销冲正"
must_contain "$ERR" "reason: REVERSAL_NOT_REVERSIBLE"
# Another institution may not reverse the college's entry; nor may the
# account number be another learner's.
victim=$(json "$WORK/lists-before-reversal/${ACCOUNTS[12]}.json" entries.5.entry_id)
must_equal "victim's institution" \
  "$(json "$WORK/lists-before-reversal/${ACCOUNTS[12]}.json" entries.5.institution_code)" "$COLLEGE"
for other in "$OPEN_UNIVERSITY" "$UNACCREDITED"; do
  expect 1 cb ledger reverse --institution "$other" --account "${ACCOUNTS[12]}" \
    --entry "$victim" --reason "误操作"
  must_contain "$ERR" "reason: NOT_RECORDING_INSTITUTION"
done
expect 1 cb ledger reverse --institution "$COLLEGE" --account "${ACCOUNTS[13]}" \
  --entry "$victim" --reason "账号填错"
must_contain "$ERR" "reason: ENTRY_ACCOUNT_MISMATCH"
expect 1 cb ledger reverse --institution "$COLLEGE" --account "${ACCOUNTS[12]}" \
  --entry 999999 --reason "不存在的记录"
must_contain "$ERR" "reason: ENTRY_NOT_FOUND"
expect 0 cb --json ledger get --entry "$victim"
must_equal "refused reversals left the entry alone" "$(json "$OUT" reversed_by_entry_id)" 0
online_check "$(model_count)"
ok "50 reversals; retry replays; second reversal, wrong institution, wrong account refused"

step "6. balances and lists against totals computed from the generated files"
snapshot_balances "$WORK/balances-reversed" "${ACCOUNTS[@]}"
data check-balances "$WORK" "$WORK/balances-reversed"
expect 0 cb ledger balances --account "${ACCOUNTS[0]}"
cat "$OUT"
must_contain "$OUT" "account ${ACCOUNTS[0]}" "total" "open_university"
for account in "${ACCOUNTS[0]}" "${ACCOUNTS[12]}" "${ACCOUNTS[299]}"; do
  for filters in "" "kind=certificate" "kind=reversal" "kind=course_credit from=$TERM_YEAR-06-01 to=$TERM_YEAR-07-31" \
    "institution=$OPEN_UNIVERSITY" "institution=$COLLEGE sector=continuing" "sector=vocational" \
    "from=$TERM_YEAR-01-01 to=$TERM_YEAR-01-31"; do
    flags=()
    for filter in $filters; do flags+=("--${filter%%=*}" "${filter#*=}"); done
    list_by_pages "$WORK/pages" 3 "$account" "${flags[@]}"
    printf '  %s %-55s ' "$account" "${filters:-(no filter)}"
    read -ra filter_words <<<"$filters"
    data check-pages "$WORK" "$WORK/pages" "$WORK/pages.all.json" "$account" "${filter_words[@]}"
  done
done
expect 0 cb ledger list --account "${ACCOUNTS[0]}" --page-size 2
must_contain "$OUT" "(more: --page-token"
ok "every account's balances match the model; filtered lists paginate completely"

step "7. freeze an account: recording refused; unfreeze: recording works again"
FROZEN=${ACCOUNTS[7]}
data freeze-files "$WORK" 7 8
expect 0 cb --json account freeze --account "$FROZEN" --reason "学籍异常，暂停记账"
must_equal "frozen status" "$(json "$OUT" status)" ACCOUNT_STATUS_FROZEN
eval "record=($(<"$WORK/freeze_record.args"))"
expect 1 cb "${record[@]}"
must_contain "$ERR" "reason: ACCOUNT_FROZEN" "outcome.account_number"
expect 4 cb --json import --institution "$COLLEGE" --file "$WORK/freeze.csv"
must_contain "$ERR" "line 2: account_number:" "[ACCOUNT_FROZEN]"
must_equal "import while frozen: recorded" "$(json "$OUT" recorded)" 1
# A mistake on a frozen account can still be corrected (commit d646f82:
# "mistakes on a frozen account can be reversed (a closed one cannot)").
expect 0 cb --json ledger list --account "$FROZEN" --page-size 1
frozen_entry=$(json "$OUT" entries.0.entry_id)
printf '%s\t%s\t%s\t%s\n' "$FROZEN" "$frozen_entry" "$COLLEGE" \
  "$(json "$OUT" entries.0.outcome.code)" >"$WORK/reversed_frozen.tsv"
expect 0 cb --json ledger reverse --institution "$COLLEGE" --account "$FROZEN" \
  --entry "$frozen_entry" --reason "冻结期间更正录入错误" --request-id "fix-frozen-1"
must_equal "reversal on a frozen account" "$(json "$OUT" entry.reverses_entry_id)" "$frozen_entry"
echo "reversed reversed_frozen.tsv" >>"$WORK/model.txt"
expect 0 cb ledger balances --account "$FROZEN"  # reads still work
expect 0 cb --json account unfreeze --account "$FROZEN" --reason "核查完毕，恢复记账"
must_equal "unfrozen status" "$(json "$OUT" status)" ACCOUNT_STATUS_ACTIVE
must_equal "status history" "$(json "$OUT" status_history.1.to)" ACCOUNT_STATUS_ACTIVE
expect 0 cb "${record[@]}"
must_contain "$OUT" "(recorded)"
expect 0 cb import --institution "$COLLEGE" --file "$WORK/freeze.csv"
must_contain "$OUT" "2 rows: recorded 1, already recorded (replayed) 1, failed 0"
echo "recorded freeze_record.csv $COLLEGE" >>"$WORK/model.txt"
echo "recorded freeze.csv $COLLEGE" >>"$WORK/model.txt"
rm -rf "$WORK/balances-frozen"
snapshot_balances "$WORK/balances-frozen" "$FROZEN" "${ACCOUNTS[8]}"
data check-balances "$WORK" "$WORK/balances-frozen"
ok "frozen: record and import row refused (ACCOUNT_FROZEN), a mistake reversed; unfrozen: recorded"

step "8. consistency, SIGTERM, offline check, restart on the same data"
ENTRIES=$(model_count)
online_check "$ENTRIES"
snapshot_balances "$WORK/balances-before-stop" "${ACCOUNTS[@]}"
data check-balances "$WORK" "$WORK/balances-before-stop"
stop_server
offline_check "$ENTRIES"
start_server
must_equal "key file after restart" "$(sha256sum "$KEYS" | cut -d' ' -f1)" "$KEYS_SHA256"
must_equal "key file mode after restart" "$(stat -c %a "$KEYS")" 600
snapshot_balances "$WORK/balances-restarted" "${ACCOUNTS[@]}"
data same-balances "$WORK/balances-before-stop" "$WORK/balances-restarted"
expect 0 cb --json account get --account "${ACCOUNTS[0]}"
must_equal "name after restart (decrypted with the key file)" "$(json "$OUT" details.name)" \
  "$(json <(sed -n 1p "$WORK/opens.jsonl") account.details.name)"
online_check "$ENTRIES"
# The log's signed head before the crash below: kept, as an auditor would.
expect 0 cb --json log checkpoint
KEPT_SIZE=$(json "$OUT" tree_size)
KEPT_ROOT=$(json "$OUT" root_hash)
must_equal "log size before the crash" "$KEPT_SIZE" "$ENTRIES"
ok "transparency log head kept: $KEPT_SIZE leaves"

step "9. kill -9 during a 5,000-row upload, restart, upload again"
data crash-csv "$WORK"
PROBE=${ACCOUNTS[150]}
probe_rows=$(grep -c "$PROBE" "$WORK/crash.csv")
expect 0 cb --json ledger balances --account "$PROBE"
probe_before=$(json "$OUT" total.entry_count)
# One row per chunk (about a second for the whole file here). The upload
# runs in short bursts: between them cbctl is stopped (SIGSTOP), so what the
# probe (a learner with rows all through the file) shows cannot move on
# while it is read, however slow the reading; once a third of the probe's
# rows are in, the server is killed while cbctl is still stopped mid-upload.
"$CBCTL" --server "$ADDRESS" --timeout 30 --json import --institution "$COLLEGE" \
  --file "$WORK/crash.csv" --batch-size 1 >"$WORK/crash-import.out" 2>"$WORK/crash-import.err" &
IMPORT_PID=$!
bursts=0
while :; do
  sleep 0.05
  kill -STOP "$IMPORT_PID"
  bursts=$((bursts + 1))
  ((bursts <= 2400)) || fail "the upload was not a third done after 2,400 bursts"
  expect 0 cb --json ledger balances --account "$PROBE"
  probe_now=$(json "$OUT" total.entry_count)
  ((probe_now - probe_before < probe_rows)) ||
    fail "the upload finished before the kill (bursts too long for this machine?)"
  ((probe_now - probe_before >= probe_rows / 3)) && break
  kill -CONT "$IMPORT_PID"
done
kill -KILL "$SERVER_PID"
{ wait "$SERVER_PID" || true; } 2>/dev/null  # (no "Killed" job notice)
SERVER_PID=""
kill -CONT "$IMPORT_PID"
import_status=0
wait "$IMPORT_PID" || import_status=$?
IMPORT_PID=""
must_equal "cbctl import exit code when the server dies" "$import_status" 3
must_contain "$WORK/crash-import.err" "the upload stopped early"
must_equal "upload error code" "$(json "$WORK/crash-import.out" stream_error.code)" UNAVAILABLE
last_committed=$(json "$WORK/crash-import.out" stream_error.last_committed_line)
unconfirmed=$(json "$WORK/crash-import.out" stream_error.unconfirmed)
ok "server killed with SIGKILL mid-upload (after $bursts bursts); cbctl exit 3, committed up to line $last_committed, $unconfirmed unconfirmed"

# What survived: every row up to the last answered chunk, perhaps a few more.
expect 0 "$CREDITBANKD" --check --data_dir="$DATA"
must_equal "creditbankd --check verdict after the kill" "$(tail -n 1 "$OUT")" consistent
survived=$(sed -n 's/^entries checked: //p' "$OUT")
survived=$((survived - ENTRIES))
((survived > 0 && survived < 5000)) || fail "$survived rows survived the kill, want 1..4999"
((survived >= last_committed - 1 && survived <= last_committed - 1 + unconfirmed)) ||
  fail "$survived rows survived, but cbctl said rows up to line $last_committed were committed and $unconfirmed unconfirmed"
ok "after the kill: consistent offline, $survived of 5000 rows recorded (cbctl's report agrees)"

start_server
online_check $((ENTRIES + survived))
expect 0 cb --json import --institution "$COLLEGE" --file "$WORK/crash.csv"
must_equal "re-run rows" "$(json "$OUT" rows)" 5000
must_equal "re-run replayed" "$(json "$OUT" replayed)" "$survived"
must_equal "re-run recorded" "$(json "$OUT" recorded)" $((5000 - survived))
must_equal "re-run failed" "$(json "$OUT" failed)" 0
echo "recorded crash.csv $COLLEGE" >>"$WORK/model.txt"
ENTRIES=$(model_count)
online_check "$ENTRIES"
snapshot_balances "$WORK/balances-final" "${ACCOUNTS[@]}"
data check-balances "$WORK" "$WORK/balances-final"
for account in "$PROBE" "${ACCOUNTS[0]}"; do
  list_by_pages "$WORK/pages" 7 "$account"
  printf '  %s ' "$account"
  data check-pages "$WORK" "$WORK/pages" "$WORK/pages.all.json" "$account"
done

step "10. transparency log after the crash: the kept head is a prefix, entries prove"
expect 0 cb log consistency --from "$KEPT_SIZE" --root "$KEPT_ROOT"
must_contain "$OUT" "tree size  $ENTRIES" "(consistency verified"
for entry in 1 "$KEPT_SIZE" "$ENTRIES"; do
  expect 0 cb log prove --entry "$entry"
  must_contain "$OUT" "\"entry_id\":$entry," "(inclusion verified against the signed checkpoint)"
done
ok "the head kept before kill -9 is a prefix of today's ($KEPT_SIZE -> $ENTRIES leaves); entries 1, $KEPT_SIZE, $ENTRIES proven"

stop_server
offline_check "$ENTRIES"
ok "every one of the 5,000 rows recorded exactly once; consistent"
