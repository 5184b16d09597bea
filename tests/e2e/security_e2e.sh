#!/usr/bin/env bash
# End-to-end: who may do what, with the real creditbankd and cbctl over mTLS.
#
#   tests/e2e/security_e2e.sh build/bin [SOURCE_DIR]   # run by ctest as e2e.security
#
# A CA, a server certificate and client certificates (an operator, two
# institutions) are made with deploy/tls/, plus a foreign CA with an
# operator certificate of its own. creditbankd serves mTLS on 127.0.0.1
# with a backup directory and a key file. The operator registers and
# accredits both institutions and opens two accounts; an institution
# records in its own name only and sees no personal data; a learner token
# reads its own account only, and a tampered one nothing; the foreign CA's
# certificate and plaintext calls get nowhere; the audit log shows the
# allowed and the refused mutations. A backup is taken, restored into a
# new directory and served from there. Plaintext off loopback and a key
# file readable by others are refused at start-up. Finally every server
# log is searched for the token, the key file's secrets, the server's
# private key, the resident IDs and the names: none may appear.
# When creditbankd has --rotate_pii_key, the PII key is rotated and every
# account re-encrypted (cbctl admin reencrypt) on the way.
#
# Everything binds to 127.0.0.1 and lives in one temp directory, removed on
# exit with the processes this script started. E2E_KEEP_WORK=1 keeps it;
# E2E_PYTHON picks the interpreter. Fails without python3 or openssl,
# which `make deps` installs.
set -euo pipefail

readonly BIN_DIR=${1:?usage: security_e2e.sh BIN_DIR [SOURCE_DIR]}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly HERE
SOURCE_DIR=${2:-$(cd "$HERE/../.." && pwd)}
readonly SOURCE_DIR TLS_SCRIPTS=$SOURCE_DIR/deploy/tls
readonly CREDITBANKD=$BIN_DIR/creditbankd
readonly CBCTL=$BIN_DIR/cbctl
readonly OPERATOR=ops-li
readonly COLLEGE=4150013588          # 重庆工程职业技术学院
readonly OPEN_UNIVERSITY=5150000001  # 重庆开放大学
readonly NAME_1=王秀英 NAME_2=陈志强
readonly PHONE_1=13983451276 PHONE_2=15823967104
readonly STOP_SECONDS=10  # SIGTERM to exit
readonly START_SECONDS=30 # start to port file

for binary in "$CREDITBANKD" "$CBCTL"; do
  [[ -x $binary ]] || { echo "FAIL: $binary is not built" >&2; exit 1; }
done
for script in make-ca.sh make-server-cert.sh make-client-cert.sh; do
  [[ -f $TLS_SCRIPTS/$script ]] || { echo "FAIL: $TLS_SCRIPTS/$script is missing" >&2; exit 1; }
done
if ! command -v openssl >/dev/null; then
  echo "FAIL: openssl is needed to make the CA and the certificates (make deps installs it)" >&2
  exit 1
fi
python_command=${E2E_PYTHON:-$(command -v python3 || true)}
if [[ -z $python_command ]]; then
  echo "FAIL: python3 is needed to read JSON answers and the key file (make deps installs it)" >&2
  exit 1
fi
# The interpreter itself, not a version manager's shim (much faster to start).
PYTHON=$("$python_command" -c 'import sys; print(sys.executable)')
readonly PYTHON

WORK=$(mktemp -d "${TMPDIR:-/tmp}/creditbank-security-e2e-XXXXXX")
readonly WORK
readonly PKI=$WORK/pki FOREIGN=$WORK/foreign-pki KEYS=$WORK/creditbank.keys
readonly DATA=$WORK/data BACKUPS=$WORK/backups RESTORED=$WORK/restored
SERVER_PID=""
SERVER_LOG=""
ADDRESS=""
LOG_COUNT=0
readonly STARTED_AT=$SECONDS

# ------------------------------------------------------------------ helpers

# step, ok, fail, show_file, expect, must_contain, must_equal
# shellcheck source=tests/e2e/lib.sh
source "$HERE/lib.sh"

cleanup() {
  local status=$?
  set +e
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
  echo "e2e.security: $([[ $status -eq 0 ]] && echo PASSED || echo "FAILED ($status)") in $((SECONDS - STARTED_AT)) s"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

note() { printf '  NOTE: %s\n' "$*"; }

# expect_failure COMMAND...: like expect, but any non-zero exit code will
# do; the code is left in $GOT.
expect_failure() {
  GOT=0
  "$@" >"$OUT" 2>"$ERR" || GOT=$?
  if [[ $GOT -eq 0 ]]; then
    printf 'FAIL: exit code 0, want non-zero, from:\n  %s\n' "$(printf '%q ' "$@")" >&2
    show_file stdout "$OUT"
    show_file stderr "$ERR"
    exit 1
  fi
}

must_not_contain() {
  local file=$1
  shift
  for text in "$@"; do
    if grep -qF -- "$text" "$file"; then
      show_file "$(basename "$file")" "$file"
      fail "$(basename "$file") contains: $text"
    fi
  done
}

# json FILE dotted.path: a value from the first JSON object in FILE (lists
# are indexed by number: entries.0.entry_id); objects and lists as JSON.
json() {
  "$PYTHON" - "$1" "$2" <<'EOF'
import json, sys
with open(sys.argv[1], encoding="utf-8") as f:
    line = next((l for l in f if l.strip()), "")
value = json.loads(line)
for part in sys.argv[2].split("."):
    value = value[int(part)] if isinstance(value, list) else value[part]
if isinstance(value, bool):
    print("true" if value else "false")
elif isinstance(value, (dict, list)):
    print(json.dumps(value, ensure_ascii=False, sort_keys=True))
else:
    print(value)
EOF
}

# The client flags of each caller.
readonly AS_OPERATOR=(--tls_ca "$PKI/ca.crt" --tls_cert "$PKI/operator-$OPERATOR.crt"
  --tls_key "$PKI/operator-$OPERATOR.key")
readonly AS_COLLEGE=(--tls_ca "$PKI/ca.crt" --tls_cert "$PKI/institution-$COLLEGE.crt"
  --tls_key "$PKI/institution-$COLLEGE.key")
readonly AS_FOREIGN=(--tls_ca "$PKI/ca.crt" --tls_cert "$FOREIGN/operator-$OPERATOR.crt"
  --tls_key "$FOREIGN/operator-$OPERATOR.key")

cb() { "$CBCTL" --server "$ADDRESS" --timeout 20 "$@"; }
# For calls that must fail to connect.
cb_quick() { "$CBCTL" --server "$ADDRESS" --timeout 10 "$@"; }
operator() { cb "${AS_OPERATOR[@]}" "$@"; }
college() { cb "${AS_COLLEGE[@]}" "$@"; }
# A learner: TLS (the bank's CA only) and the token in the environment.
learner() { CREDITBANK_LEARNER_TOKEN=$1 cb --tls_ca "$PKI/ca.crt" "${@:2}"; }

new_log() {  # sets NEW_LOG to the path of a new server-N-LABEL.log
  LOG_COUNT=$((LOG_COUNT + 1))
  NEW_LOG=$WORK/server-$LOG_COUNT-$1.log
}

# start_server DATA_DIR: creditbankd with mTLS, the backup directory and
# the key file, on 127.0.0.1 port 0; waits for its port file.
start_server() {
  local data_dir=$1 port_file=$WORK/port
  new_log serve
  SERVER_LOG=$NEW_LOG
  rm -f "$port_file"
  "$CREDITBANKD" --listen=127.0.0.1:0 --port_file="$port_file" --data_dir="$data_dir" \
    --key_file="$KEYS" --backup_dir="$BACKUPS" --block_cache_mb=16 --log_level=debug \
    --tls_cert="$PKI/creditbankd.crt" --tls_key="$PKI/creditbankd.key" \
    --client_ca="$PKI/ca.crt" >"$SERVER_LOG" 2>&1 &
  SERVER_PID=$!
  local deadline=$((SECONDS + START_SECONDS))
  until [[ -s $port_file ]]; do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      wait "$SERVER_PID" || true
      SERVER_PID=""
      show_file "$(basename "$SERVER_LOG")" "$SERVER_LOG"
      fail "creditbankd exited before writing its port file"
    fi
    ((SECONDS < deadline)) || fail "no port file after $START_SECONDS s"
    sleep 0.05
  done
  local port
  port=$(<"$port_file")
  [[ $port =~ ^[0-9]+$ ]] || fail "port file holds '$port'"
  ADDRESS=127.0.0.1:$port
  must_contain "$SERVER_LOG" "serving mTLS"
  ok "creditbankd (pid $SERVER_PID) serving mTLS on $ADDRESS, data in $(basename "$data_dir")"
}

# Sends SIGTERM and requires exit code 0 within STOP_SECONDS.
stop_server() {
  local status=0
  kill -TERM "$SERVER_PID"
  local deadline=$((SECONDS + STOP_SECONDS))
  while kill -0 "$SERVER_PID" 2>/dev/null; do
    ((SECONDS <= deadline)) || fail "creditbankd still running $STOP_SECONDS s after SIGTERM"
    sleep 0.05
  done
  wait "$SERVER_PID" || status=$?
  SERVER_PID=""
  must_equal "creditbankd exit code after SIGTERM" "$status" 0
  must_contain "$SERVER_LOG" "shut down cleanly"
  ok "SIGTERM: creditbankd exited 0"
}

# keep_output LABEL: the last `expect`'s stdout and stderr as a server log
# (creditbankd's one-shot modes), searched for secrets at the end.
keep_output() {
  new_log "$1"
  cat "$OUT" "$ERR" >"$NEW_LOG"
}

# refused_start LABEL WHAT TEXT CREDITBANKD_FLAGS...: creditbankd must exit
# non-zero by itself (within 20 s) and say TEXT (case-insensitive).
refused_start() {
  local label=$1 what=$2 text=$3 log status=0
  shift 3
  new_log "$label"
  log=$NEW_LOG
  timeout -s KILL 20 "$CREDITBANKD" "$@" >"$log" 2>&1 || status=$?
  ((status != 137)) || fail "$what: creditbankd was still running after 20 s (it should refuse to start)"
  ((status != 0)) || { show_file "$(basename "$log")" "$log"; fail "$what: creditbankd exited 0"; }
  if ! grep -qiF -- "$text" "$log"; then
    show_file "$(basename "$log")" "$log"
    fail "$what: creditbankd's message does not mention '$text'"
  fi
  ok "$what: creditbankd refused to start (exit $status): $(grep -iF -m 1 -- "$text" "$log" | cut -c1-160)"
}

# resident_id FIRST17: with its ISO 7064 MOD 11-2 check character
# (weights 2^k mod 11; X for 10), as tests/e2e/e2e_data.py computes it.
resident_id() {
  "$PYTHON" -c '
import sys
first17 = sys.argv[1]
total = sum(int(d) * pow(2, 17 - i, 11) for i, d in enumerate(first17))
value = (12 - total % 11) % 11
print(first17 + ("X" if value == 10 else str(value)))' "$1"
}
must_equal "GB 11643 example" "$(resident_id 11010519491231002)" 11010519491231002X

# ------------------------------------------------------------------- steps

step "1. certificates: the bank's CA, the server, an operator, two institutions; a foreign CA"
{
  bash "$TLS_SCRIPTS/make-ca.sh" "$PKI"
  bash "$TLS_SCRIPTS/make-server-cert.sh" "$PKI" creditbankd
  bash "$TLS_SCRIPTS/make-client-cert.sh" "$PKI" operator "$OPERATOR"
  bash "$TLS_SCRIPTS/make-client-cert.sh" "$PKI" institution "$COLLEGE"
  bash "$TLS_SCRIPTS/make-client-cert.sh" "$PKI" institution "$OPEN_UNIVERSITY"
  bash "$TLS_SCRIPTS/make-ca.sh" "$FOREIGN"
  bash "$TLS_SCRIPTS/make-client-cert.sh" "$FOREIGN" operator "$OPERATOR"
} >"$WORK/make-certs.log" 2>&1 || { show_file make-certs.log "$WORK/make-certs.log"; fail "deploy/tls scripts failed"; }
for file in ca.crt creditbankd.crt creditbankd.key "operator-$OPERATOR.crt" \
  "institution-$COLLEGE.crt" "institution-$OPEN_UNIVERSITY.key"; do
  [[ -s $PKI/$file ]] || fail "$PKI/$file was not made"
done
# The foreign certificate has the very same subject, only another issuer.
must_equal "foreign operator subject" \
  "$(openssl x509 -in "$FOREIGN/operator-$OPERATOR.crt" -noout -subject)" \
  "$(openssl x509 -in "$PKI/operator-$OPERATOR.crt" -noout -subject)"
if openssl verify -CAfile "$PKI/ca.crt" "$FOREIGN/operator-$OPERATOR.crt" >/dev/null 2>&1; then
  fail "the foreign operator certificate verifies against the bank's CA"
fi
ok "CA, server (creditbankd), operator $OPERATOR, institutions $COLLEGE and $OPEN_UNIVERSITY; foreign CA with operator $OPERATOR"

step "2. start creditbankd: mTLS, backup directory, new key file, debug logging"
[[ ! -e $KEYS ]] || fail "key file exists before the first start"
start_server "$DATA"
must_equal "key file mode" "$(stat -c %a "$KEYS")" 600
ok "key file created with mode 0600"

step "3. operator (mTLS): institutions and accounts"
expect 0 operator whoami
must_contain "$OUT" "role: operator" "name: $OPERATOR"
expect 0 operator --json whoami
must_equal "whoami role" "$(json "$OUT" role)" operator
must_equal "whoami name" "$(json "$OUT" name)" "$OPERATOR"
ok "cbctl whoami: role operator, name $OPERATOR"
expect 0 operator institution register --code "$COLLEGE" --name 重庆工程职业技术学院 --sector vocational
expect 0 operator --json institution accredit --code "$COLLEGE" \
  --kinds course_credit,certificate,training_hours --sectors vocational,continuing \
  --max-level 6 --reason "渝教职成〔2026〕12号"
must_equal "college status" "$(json "$OUT" status)" INSTITUTION_STATUS_ACCREDITED
expect 0 operator institution register --code "$OPEN_UNIVERSITY" --name 重庆开放大学 --sector open_university
expect 0 operator --json institution accredit --code "$OPEN_UNIVERSITY" --kinds course_credit \
  --sectors open_university --max-level 7 --reason "渝教终身〔2026〕3号"
must_equal "open university status" "$(json "$OUT" status)" INSTITUTION_STATUS_ACCREDITED
ok "institutions $COLLEGE and $OPEN_UNIVERSITY registered and accredited"

RESIDENT_1=$(resident_id 50010319900315162)  # 重庆市渝中区, born 1990-03-15, female
RESIDENT_2=$(resident_id 50011219850822457)  # 重庆市渝北区, born 1985-08-22, male
readonly RESIDENT_1 RESIDENT_2
expect 0 operator --json account open --resident-id "$RESIDENT_1" --name "$NAME_1" --phone "$PHONE_1"
must_equal "account 1 created" "$(json "$OUT" created)" true
ACCOUNT_1=$(json "$OUT" account.account_number)
expect 0 operator --json account open --resident-id "$RESIDENT_2" --name "$NAME_2" --phone "$PHONE_2"
must_equal "account 2 created" "$(json "$OUT" created)" true
ACCOUNT_2=$(json "$OUT" account.account_number)
readonly ACCOUNT_1 ACCOUNT_2
[[ $ACCOUNT_1 =~ ^[0-9]{16}$ && $ACCOUNT_2 =~ ^[0-9]{16}$ && $ACCOUNT_1 != "$ACCOUNT_2" ]] ||
  fail "account numbers '$ACCOUNT_1' and '$ACCOUNT_2'"
expect 0 operator --json account get --account "$ACCOUNT_1"
must_equal "account 1 name (operator)" "$(json "$OUT" details.name)" "$NAME_1"
ok "accounts $ACCOUNT_1 ($RESIDENT_1) and $ACCOUNT_2 ($RESIDENT_2) opened"

step "4. institution $COLLEGE (mTLS): records in its own name only, sees no personal data"
expect 0 college --json whoami
must_equal "institution whoami role" "$(json "$OUT" role)" institution
must_equal "institution whoami code" "$(json "$OUT" institution_code)" "$COLLEGE"
ok "cbctl whoami: role institution, institution $COLLEGE"
readonly RECORD_ID=sec-e2e-own-1 REFUSED_ID=sec-e2e-other-1 COURSE=ZY-JSJ-2031
expect 0 college --json ledger record --account "$ACCOUNT_1" --kind course_credit \
  --code "$COURSE" --title "计算机网络基础" --credits 3 --hours 48 --grade 88/100 --level 5 \
  --completed 2026-07-10 --request-id "$RECORD_ID"
must_equal "recorded institution (from the certificate)" "$(json "$OUT" entry.institution_code)" "$COLLEGE"
must_equal "recorded account" "$(json "$OUT" entry.outcome.account_number)" "$ACCOUNT_1"
ENTRY_ID=$(json "$OUT" entry.entry_id)
readonly ENTRY_ID
ok "recorded entry $ENTRY_ID for $ACCOUNT_1 without --institution: institution $COLLEGE taken from the certificate"
expect 1 college ledger record --institution "$OPEN_UNIVERSITY" --account "$ACCOUNT_1" \
  --kind course_credit --code OU-MGT201 --title 管理学基础 --credits 4 --level 5 \
  --completed 2026-07-10 --request-id "$REFUSED_ID"
must_contain "$ERR" PERMISSION_DENIED
[[ ! -s $OUT ]] || fail "refused record printed on stdout: $(<"$OUT")"
ok "recording in $OPEN_UNIVERSITY's name refused (exit 1, PERMISSION_DENIED)"
expect 1 college account get --account "$ACCOUNT_1"
must_contain "$ERR" PERMISSION_DENIED
must_not_contain "$OUT" "$NAME_1"
must_not_contain "$ERR" "$NAME_1"
ok "account get refused for the institution (exit 1, PERMISSION_DENIED)"
expect 0 operator --json ledger list --account "$ACCOUNT_1" --all
must_equal "entries on account 1" "$(json "$OUT" entries.0.entry_id)" "$ENTRY_ID"
must_contain "$OUT" "\"code\":\"$COURSE\""
must_not_contain "$OUT" OU-MGT201
ok "only the allowed record reached the ledger"

step "5. learner token for account $ACCOUNT_1"
expect 0 operator admin token --account "$ACCOUNT_1"
must_equal "admin token output lines" "$(wc -l <"$OUT")" 1
TOKEN=$(<"$OUT")
readonly TOKEN
[[ $TOKEN =~ ^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$ ]] ||
  fail "cbctl admin token printed something other than a compact JWS"
ok "cbctl admin token printed the token alone (${#TOKEN} characters)"
expect 0 learner "$TOKEN" --json whoami
must_equal "learner whoami role" "$(json "$OUT" role)" learner
must_equal "learner whoami account" "$(json "$OUT" account_number)" "$ACCOUNT_1"
expect 0 learner "$TOKEN" account get --account "$ACCOUNT_1"
must_contain "$OUT" "$NAME_1" "$ACCOUNT_1"
ok "learner (TLS + CREDITBANK_LEARNER_TOKEN): whoami says learner $ACCOUNT_1; own account shows $NAME_1"
expect 0 learner "$TOKEN" --json ledger list --account "$ACCOUNT_1" --all
must_equal "learner's own entries" "$(json "$OUT" entries.0.entry_id)" "$ENTRY_ID"
expect 1 learner "$TOKEN" account get --account "$ACCOUNT_2"
must_contain "$ERR" PERMISSION_DENIED
must_not_contain "$OUT" "$NAME_2"
expect 1 learner "$TOKEN" ledger list --account "$ACCOUNT_2"
must_contain "$ERR" PERMISSION_DENIED
ok "learner: the other account ($ACCOUNT_2) and its entries refused (exit 1, PERMISSION_DENIED)"
# Flip one character in the middle (inside a segment, not next to a dot:
# the last character of a base64url segment may carry unused bits).
position=$((${#TOKEN} / 2))
while [[ ${TOKEN:position-1:3} == *.* ]]; do position=$((position + 1)); done
original=${TOKEN:position:1}
replacement=A
[[ $original != A ]] || replacement=B
TAMPERED=${TOKEN:0:position}$replacement${TOKEN:position+1}
[[ $TAMPERED != "$TOKEN" && ${#TAMPERED} -eq ${#TOKEN} ]] || fail "could not tamper with the token"
expect 1 learner "$TAMPERED" account get --account "$ACCOUNT_1"
must_contain "$ERR" UNAUTHENTICATED
must_not_contain "$OUT" "$NAME_1"
must_not_contain "$ERR" "$TAMPERED"
ok "tampered token (character $position of ${#TOKEN} changed) refused (exit 1, UNAUTHENTICATED)"
expect 1 learner "$TOKEN" "${AS_COLLEGE[@]:2}" account get --account "$ACCOUNT_1"
must_contain "$ERR" UNAUTHENTICATED
ok "a certificate and a token on one call refused (exit 1, UNAUTHENTICATED)"

step "6. a certificate from a foreign CA"
for command in whoami "institution list" "account get --account $ACCOUNT_1" "admin audit"; do
  # shellcheck disable=SC2086  # the command's words
  expect 3 cb_quick "${AS_FOREIGN[@]}" $command
  must_not_contain "$OUT" "$NAME_1" "$OPERATOR"
done
ok "foreign CA's operator certificate: whoami, institution list, account get, admin audit all fail the handshake (exit 3)"
expect 3 cb_quick --tls_ca "$FOREIGN/ca.crt" --tls_cert "$FOREIGN/operator-$OPERATOR.crt" \
  --tls_key "$FOREIGN/operator-$OPERATOR.key" whoami
ok "the foreign CA does not accept the server's certificate either (exit 3)"
kill -0 "$SERVER_PID" 2>/dev/null || fail "creditbankd died after the foreign handshakes"
expect 0 operator --json whoami
must_equal "whoami after the foreign handshakes" "$(json "$OUT" role)" operator
ok "the server keeps serving"

step "7. no TLS at all"
expect_failure cb_quick whoami
must_equal "plaintext whoami exit code (unreachable)" "$GOT" 3
expect_failure cb_quick account get --account "$ACCOUNT_1"
must_equal "plaintext account get exit code (unreachable)" "$GOT" 3
must_not_contain "$OUT" "$NAME_1"
expect_failure cb_quick institution register --code 4150014976 --name 重庆渝西职业培训学校 \
  --sector enterprise_training
must_equal "plaintext register exit code (unreachable)" "$GOT" 3
expect 0 operator --json institution list --all
must_not_contain "$OUT" 4150014976
ok "plaintext cbctl against the TLS server fails (exit 3); nothing was registered"

step "8. the audit log"
expect 0 operator --json admin audit
cp "$OUT" "$WORK/audit.jsonl"
[[ -s $WORK/audit.jsonl ]] || fail "cbctl admin audit --json (no filters) listed no records at all"
"$PYTHON" - "$WORK/audit.jsonl" "$OPERATOR" "$COLLEGE" "$OPEN_UNIVERSITY" "$ACCOUNT_1" "$ACCOUNT_2" \
  "$RECORD_ID" "$REFUSED_ID" "$TOKEN" "$RESIDENT_1" "$RESIDENT_2" "$NAME_1" "$NAME_2" <<'EOF'
import json, sys
(path, operator, college, open_university, account_1, account_2, record_id, refused_id,
 token, *personal) = sys.argv[1:]
text = open(path, encoding="utf-8").read()
records = [json.loads(line) for line in text.splitlines() if line.strip()]
problems = []
def find(what, **want):
    hits = [r for r in records
            if all((r.get(k) == v) if k != "method" else str(r.get("method", "")).endswith("/" + v)
                   for k, v in want.items())]
    if not hits:
        problems.append("no audit record of %s (want %s)" % (what, want))
    else:
        print("  audit %-48s id %s, %s %s, result %s" % (
            what + ":", hits[0]["audit_id"], hits[0]["role"], hits[0]["actor"],
            hits[0]["result_code"]))
    return hits
for account in (account_1, account_2):
    find("operator opened " + account, actor=operator, role="operator", method="OpenAccount",
         target=account, result_code=0)
for code in (college, open_university):
    find("operator registered " + code, actor=operator, role="operator",
         method="RegisterInstitution", target=code, result_code=0)
    find("operator accredited " + code, actor=operator, role="operator",
         method="AccreditInstitution", target=code, result_code=0)
find("the college's own record", actor=college, role="institution", method="RecordOutcome",
     target=account_1, request_id=record_id, result_code=0)
find("the refused record as " + open_university, actor=college, role="institution",
     method="RecordOutcome", target=account_1, request_id=refused_id, result_code=7)
ids = [int(r["audit_id"]) for r in records]
if ids != sorted(ids) or len(set(ids)) != len(ids):
    problems.append("audit ids not increasing: %s" % ids)
for secret, what in [(token, "the learner token")] + [(p, "personal data") for p in personal]:
    if secret in text:
        problems.append("the audit log holds %s" % what)
if problems:
    print("\n".join("FAIL: " + p for p in problems), file=sys.stderr)
    sys.exit(1)
print("  %d audit records" % len(records))
EOF
ok "audit: operator's registrations, accreditations and openings; the college's record (0) and its refused one (7)"
expect 0 operator --json admin audit --actor "$COLLEGE"
"$PYTHON" - "$OUT" "$COLLEGE" <<'EOF' || fail "admin audit --actor $COLLEGE"
import json, sys
records = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
assert len(records) >= 2, records
assert all(r["actor"] == sys.argv[2] for r in records), records
assert sorted({r["result_code"] for r in records}) == [0, 7], records
EOF
expect 0 operator --json admin audit --target "$ACCOUNT_2"
"$PYTHON" - "$OUT" "$ACCOUNT_2" <<'EOF' || fail "admin audit --target $ACCOUNT_2"
import json, sys
records = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
assert records and all(r["target"] == sys.argv[2] for r in records), records
EOF
expect 0 operator admin audit
must_contain "$OUT" "$OPERATOR" "$COLLEGE" "$RECORD_ID" "$REFUSED_ID"
ok "admin audit --actor and --target filter; the table shows the same records"
expect 1 college admin audit
must_contain "$ERR" PERMISSION_DENIED
expect 1 learner "$TOKEN" admin audit
must_contain "$ERR" PERMISSION_DENIED
ok "the institution and the learner may not read the audit log (exit 1, PERMISSION_DENIED)"

step "9. backup, restore into a new directory, serve it"
expect 0 operator --json admin backup
BACKUP_ID=$(json "$OUT" backup_id)
expect 0 operator admin backups
must_contain "$OUT" "backup $BACKUP_ID"
if [[ ! -d $BACKUPS || -z $(ls -A "$BACKUPS") ]]; then fail "the backup directory is empty"; fi
hmac_secret=$("$PYTHON" -c 'import json, sys; print(json.load(open(sys.argv[1]))["identity_hmac_secret"])' "$KEYS")
[[ -n $hmac_secret ]] || fail "no identity_hmac_secret in the key file"
if grep -rqF -- "$hmac_secret" "$BACKUPS"; then fail "the backup holds the key file's identity secret"; fi
expect 1 college admin backup
must_contain "$ERR" PERMISSION_DENIED
ok "cbctl admin backup: backup $BACKUP_ID ($(du -sh "$BACKUPS" | cut -f1)); listed; refused for the institution"
stop_server

if "$CREDITBANKD" --help 2>&1 | grep -qF -- --rotate_pii_key; then
  expect 0 "$CREDITBANKD" --rotate_pii_key --key_file="$KEYS"
  keep_output rotate
  must_equal "key file mode after rotation" "$(stat -c %a "$KEYS")" 600
  read -r pii_keys active_key < <("$PYTHON" -c '
import json, sys
k = json.load(open(sys.argv[1]))
print(len(k["pii_keys"]), k["active_pii_key_id"])' "$KEYS")
  must_equal "PII keys after rotation" "$pii_keys" 2
  [[ $active_key != 1 ]] || fail "the active PII key is still key 1 after rotation"
  ok "creditbankd --rotate_pii_key: 2 PII keys, key $active_key active, key file still 0600"
  start_server "$DATA"
  expect 0 operator --json account get --account "$ACCOUNT_1"
  must_equal "account 1 name under the old key" "$(json "$OUT" details.name)" "$NAME_1"
  expect 0 operator --json admin reencrypt
  must_equal "reencrypt: accounts checked" "$(json "$OUT" accounts_checked)" 2
  must_equal "reencrypt: accounts re-encrypted" "$(json "$OUT" accounts_reencrypted)" 2
  must_equal "reencrypt: active key" "$(json "$OUT" active_key_id)" "$active_key"
  expect 0 operator --json admin reencrypt
  must_equal "second reencrypt: accounts re-encrypted" "$(json "$OUT" accounts_reencrypted)" 0
  for pair in "$ACCOUNT_1:$NAME_1" "$ACCOUNT_2:$NAME_2"; do
    expect 0 operator --json account get --account "${pair%%:*}"
    must_equal "name after re-encryption" "$(json "$OUT" details.name)" "${pair#*:}"
  done
  expect 1 college admin reencrypt
  must_contain "$ERR" PERMISSION_DENIED
  ok "cbctl admin reencrypt: 2 accounts sealed under key $active_key, a second run changes nothing; names intact"
  stop_server
else
  note "creditbankd --help does not list --rotate_pii_key yet: PII key rotation and admin reencrypt NOT tested"
fi

expect 0 "$CREDITBANKD" --restore_from="$BACKUPS" --data_dir="$RESTORED"
keep_output restore
[[ -d $RESTORED ]] || fail "creditbankd --restore_from made no $RESTORED"
ok "creditbankd --restore_from: restored into $(basename "$RESTORED")"
expect_failure "$CREDITBANKD" --restore_from="$BACKUPS" --data_dir="$RESTORED"
keep_output restore-again
ok "a second restore into the same (not empty) directory is refused (exit $GOT)"
start_server "$RESTORED"
expect 0 operator --json ledger list --account "$ACCOUNT_1" --all
must_equal "restored entry id" "$(json "$OUT" entries.0.entry_id)" "$ENTRY_ID"
must_equal "restored entry code" "$(json "$OUT" entries.0.outcome.code)" "$COURSE"
must_equal "restored entry institution" "$(json "$OUT" entries.0.institution_code)" "$COLLEGE"
expect 0 operator --json account get --account "$ACCOUNT_1"
must_equal "restored account 1 name" "$(json "$OUT" details.name)" "$NAME_1"
expect 0 operator --json account get --account "$ACCOUNT_2"
must_equal "restored account 2 name" "$(json "$OUT" details.name)" "$NAME_2"
expect 0 operator --json admin audit --actor "$COLLEGE"
must_contain "$OUT" "\"request_id\":\"$REFUSED_ID\""
ok "restored server: entry $ENTRY_ID ($COURSE), both names and the audit log are there"
stop_server
expect 0 "$CREDITBANKD" --check --data_dir="$RESTORED"
keep_output check
must_equal "creditbankd --check entries" "$(sed -n 's/^entries checked: //p' "$OUT")" 1
must_equal "creditbankd --check verdict" "$(tail -n 1 "$OUT")" consistent
ok "creditbankd --check on the restored data: consistent, 1 entry"

step "10. plaintext off loopback"
refused_start plaintext-any "--listen=0.0.0.0:0 without TLS" loopback \
  --listen=0.0.0.0:0 --data_dir="$WORK/data-plaintext" --key_file="$KEYS" --log_level=debug
ok "plaintext on 0.0.0.0 refused, the message mentions loopback"

step "11. a key file that others may read"
cp -p "$KEYS" "$WORK/open.keys"
chmod 0644 "$WORK/open.keys"
refused_start key-0644 "key file mode 0644" "$WORK/open.keys" \
  --listen=127.0.0.1:0 --data_dir="$WORK/data-open-keys" --key_file="$WORK/open.keys" \
  --tls_cert="$PKI/creditbankd.crt" --tls_key="$PKI/creditbankd.key" --client_ca="$PKI/ca.crt" \
  --log_level=debug
must_contain "$NEW_LOG" 644
rm -f "$WORK/open.keys"
ok "key file mode 0644 refused"

step "12. no secret or personal data in any server log"
# What must never be logged, one per line: "label<TAB>value".
"$PYTHON" - "$KEYS" "$PKI/creditbankd.key" >"$WORK/secrets.tsv" <<'EOF'
import json, sys
keys = json.load(open(sys.argv[1], encoding="utf-8"))
def pem_body(text):
    # Body lines of a PEM; very short ones (the tail of the last line) could
    # match by chance, so only those of 16 characters and more.
    return [l.strip() for l in text.splitlines()
            if l.strip() and not l.startswith("-----") and len(l.strip()) >= 16]
print("key file identity_hmac_secret\t%s" % keys["identity_hmac_secret"])
for key in keys["pii_keys"]:
    print("key file pii_keys[id %s].key\t%s" % (key["id"], key["key"]))
for number, line in enumerate(pem_body(keys["token_signing_key"]), 1):
    print("key file token_signing_key line %d\t%s" % (number, line))
for number, line in enumerate(pem_body(open(sys.argv[2]).read()), 1):
    print("server private key line %d\t%s" % (number, line))
EOF
{
  printf 'learner token\t%s\n' "$TOKEN"
  printf 'learner token signature\t%s\n' "${TOKEN##*.}"
  printf 'tampered learner token\t%s\n' "$TAMPERED"
  printf 'resident ID 1\t%s\n' "$RESIDENT_1"
  printf 'resident ID 2\t%s\n' "$RESIDENT_2"
  printf 'name 1\t%s\n' "$NAME_1"
  printf 'name 2\t%s\n' "$NAME_2"
  printf 'phone 1\t%s\n' "$PHONE_1"
  printf 'phone 2\t%s\n' "$PHONE_2"
} >>"$WORK/secrets.tsv"
logs=("$WORK"/server-*.log)
secret_count=0 leaks=0
while IFS=$'\t' read -r label value; do
  [[ -n $value ]] || fail "empty secret value for '$label'"
  secret_count=$((secret_count + 1))
  if hits=$(grep -lF -- "$value" "${logs[@]}"); then
    printf 'FAIL: %s found in %s\n' "$label" "$(xargs -n1 basename <<<"$hits" | tr '\n' ' ')" >&2
    leaks=$((leaks + 1))
  fi
done <"$WORK/secrets.tsv"
((secret_count >= 12)) || fail "only $secret_count secret values to look for"
((leaks == 0)) || fail "$leaks secret or personal values appear in the server logs"
ok "$secret_count values (token, key file secrets, server key, resident IDs, names, phones) in none of ${#logs[@]} server logs ($(cat "${logs[@]}" | wc -l) lines)"
rm -f "$WORK/secrets.tsv"
