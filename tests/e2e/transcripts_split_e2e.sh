#!/usr/bin/env bash
# End-to-end: signed transcripts with the services split over four
# processes, as a city would scale them, and checked with no server at all.
#
#   tests/e2e/transcripts_split_e2e.sh build/bin [source_dir]   # ctest: e2e.transcripts_split
#
# The core (accounts, institutions, ledger, log, admin); the transcripts
# service (--services=transcripts --core=...) with its own data directory
# and key file, reading programme progress from the rules service
# (--services=rules --core=...); the verification service
# (--services=verification --core=... --transcripts=...), which opens no
# data directory. A college records a
# learner's courses at the core; the learner's transcripts (over chosen
# entries, and over a programme's progress) are issued by the transcripts process, verified offline by cbverify with the published JWK
# Set and status list (and by PyJWT, an independent JOSE implementation),
# and online by the verification process. Revoking it shows in both; a
# reversal at the core gets a transcript flagged for review; after a key
# rotation new transcripts use the new key and old ones still verify.
# Everything binds to 127.0.0.1 and lives in one temp directory, removed on
# exit with the processes started here. E2E_KEEP_WORK=1 keeps it.
set -euo pipefail

readonly BIN_DIR=${1:?usage: transcripts_split_e2e.sh BIN_DIR [SOURCE_DIR]}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly HERE
readonly SOURCE_DIR=${2:-$HERE/../..}
readonly CREDITBANKD=$BIN_DIR/creditbankd CBCTL=$BIN_DIR/cbctl CBVERIFY=$BIN_DIR/cbverify
readonly COLLEGE=4150013588
readonly ISSUER=https://creditbank.cq.gov.cn
# The verification service caches published state this long (domain/verification_engine.h).
readonly CACHE_SECONDS=5

for binary in "$CREDITBANKD" "$CBCTL" "$CBVERIFY"; do
  [[ -x $binary ]] || { echo "FAIL: $binary is not built" >&2; exit 1; }
done
[[ -x /usr/bin/python3 ]] || { echo "FAIL: /usr/bin/python3 is needed (make deps installs it)" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/creditbank-transcripts-e2e-XXXXXX")
readonly WORK
# shellcheck source=tests/e2e/lib.sh
source "$HERE/lib.sh"

install_cleanup transcripts_split

core() { "$CBCTL" --server "$CORE" --timeout 20 "$@"; }
transcripts() { "$CBCTL" --server "$TRANSCRIPTS" --timeout 20 "$@"; }
verifier() { "$CBCTL" --server "$VERIFIER" --timeout 20 "$@"; }
# cbverify with what the transcripts process publishes right now.
publish() {
  transcripts transcript jwks --out "$WORK/jwks.json" >/dev/null
  transcripts transcript status-list --list 1 --out "$WORK/status.jws" >/dev/null
}

step "four processes: the core, rules, transcripts and verification"
start_daemon core --services=accounts,institutions,ledger,log,admin \
  --data_dir="$WORK/core-data" --key_file="$WORK/core.keys"
CORE=$DAEMON_ADDRESS
start_daemon rules --services=rules --core="$CORE" --data_dir="$WORK/rules-data" \
  --key_file="$WORK/rules.keys"
RULES=$DAEMON_ADDRESS
start_daemon transcripts --services=transcripts --core="$CORE" --rules="$RULES" \
  --data_dir="$WORK/transcripts-data" \
  --key_file="$WORK/transcripts.keys" --transcript_issuer_id="$ISSUER" \
  --transcript_issuer_name=重庆市终身学习学分银行 --transcript_review_seconds=1
TRANSCRIPTS=$DAEMON_ADDRESS
start_daemon verification --services=verification --core="$CORE" --transcripts="$TRANSCRIPTS" \
  --data_dir="$WORK/verification-data" --key_file="$WORK/verification.keys"
VERIFIER=$DAEMON_ADDRESS
[[ ! -e $WORK/verification-data ]] || fail "the verification process created a data directory"
ok "the verification process keeps no data directory"
expect 2 "$CREDITBANKD" --services=transcripts --data_dir="$WORK/nowhere" \
  --key_file="$WORK/x.keys" --listen=127.0.0.1:0
must_contain "$OUT" "needs --core=HOST:PORT"
ok "--services=transcripts without --core is refused"

step "a college records three courses for a learner, at the core"
expect 0 core institution register --code "$COLLEGE" --name 重庆工程职业技术学院 --sector vocational
expect 0 core institution accredit --code "$COLLEGE" --kinds course_credit \
  --sectors vocational --max-level 6 --reason "渝教职成〔2026〕12号"
expect 0 core --json account open --resident-id 11010519491231002X --name 张伟
ACCOUNT=$(json_get "$OUT" account.account_number)
ENTRIES=()
for course in "WEB101 Web 前端开发基础" "WEB201 JavaScript 程序设计" "DB101 数据库原理"; do
  read -r code title <<<"$course"
  expect 0 core --json ledger record --institution "$COLLEGE" --account "$ACCOUNT" \
    --kind course_credit --code "$code" --title "$title" --completed 2026-06-20 \
    --credits 4 --grade 88/100 --level 5
  ENTRIES+=("$(json_get "$OUT" entry.entry_id)")
done
ok "entries ${ENTRIES[*]} for account $ACCOUNT"

step "the transcripts process issues a transcript over two of them"
expect 0 transcripts --json transcript issue --account "$ACCOUNT" \
  --entries "${ENTRIES[0]},${ENTRIES[1]}" --show-name --request-id e2e-1 --out "$WORK/t1.jws"
T1=$(json_get "$OUT" number)
KEY1=$(json_get "$OUT" key_id)
[[ -s $WORK/t1.jws ]] || fail "no transcript written"
expect 0 transcripts --json transcript issue --account "$ACCOUNT" \
  --entries "${ENTRIES[0]},${ENTRIES[1]}" --show-name --request-id e2e-1
must_equal "a retry's transcript number" "$(json_get "$OUT" number)" "$T1"
ok "transcript $T1 signed with $KEY1; the retry returned it again"
NAME=$(python3 - "$WORK/t1.jws" <<'PY'
import base64, json, sys
payload = open(sys.argv[1]).read().strip().split(".")[1]
print(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["credentialSubject"]["name"])
PY
)
must_equal "the name shown" "$NAME" 张伟
ok "--show-name shows the name on record at the core"

step "cbverify checks it offline with the published keys and status list"
publish
expect 0 "$CBVERIFY" "$WORK/t1.jws" --jwks "$WORK/jwks.json" --status_list "$WORK/status.jws"
must_contain "$OUT" "verdict: VALID"
must_contain "$OUT" "inclusion    passed   2 achievements in the log"
expect 1 "$CBVERIFY" "$WORK/t1.jws" --jwks "$WORK/jwks.json"
must_contain "$OUT" "status       unknown"
ok "valid offline; without a status list the verdict fails closed"
expect 0 /usr/bin/python3 "$SOURCE_DIR/tests/interop/pyjwt_verify.py" "$WORK/t1.jws" "$WORK/jwks.json"
must_contain "$OUT" "ClrCredential"
ok "PyJWT verifies the signature with the same JWK Set"

step "the verification process checks it online, with a consistency proof"
expect 0 core --json ledger record --institution "$COLLEGE" --account "$ACCOUNT" \
  --kind course_credit --code OS101 --title 操作系统 --completed 2026-06-21 \
  --credits 3 --grade 90/100 --level 5
expect 0 verifier --json transcript verify --file "$WORK/t1.jws"
must_equal "the service's verdict" "$(json_get "$OUT" valid)" True
must_contain "$OUT" "a prefix of the log at tree size"
ok "valid online; its checkpoint is a prefix of the log's latest"

step "a transcript over a programme's progress, computed by the rules process"
cat >"$WORK/programme.json" <<JSON
{"id": "CQGC-WEB-2026", "institution_code": "$COLLEGE", "title": "Web 前端开发技术（专科）",
 "framework_level": 5, "required_credits_milli": 12000, "max_conversion_permille": 500,
 "categories": [{"code": "MAJOR", "name": "专业课", "min_credits_milli": 12000}],
 "courses": [{"code": "WEB101", "title": "Web 前端开发基础", "category": "MAJOR", "credits_milli": 4000},
             {"code": "DB101", "title": "数据库原理", "category": "MAJOR", "credits_milli": 4000}]}
JSON
"$CBCTL" --server "$RULES" --timeout 20 programme put -f "$WORK/programme.json" >/dev/null ||
  fail "programme put at the rules process"
expect 0 transcripts --json transcript issue --account "$ACCOUNT" --programme CQGC-WEB-2026 \
  --request-id e2e-p1 --out "$WORK/tp.jws"
must_equal "the programme's counted entries" "$(json_get "$OUT" entry_ids)" \
  "[\"${ENTRIES[0]}\", \"${ENTRIES[2]}\"]"
PROGRESS=$(python3 - "$WORK/tp.jws" <<'PY'
import base64, json, sys
payload = open(sys.argv[1]).read().strip().split(".")[1]
subject = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["credentialSubject"]
p = subject["programmeProgress"]
print(p["programmeId"], p["earnedCredits"], p["requiredCredits"], p["requirementsMet"],
      sum(a["creditsEarned"] for a in subject["achievement"]))
PY
)
must_equal "the progress shown" "$PROGRESS" "CQGC-WEB-2026 8.0 12.0 False 8.0"
publish
expect 0 "$CBVERIFY" "$WORK/tp.jws" --jwks "$WORK/jwks.json" --status_list "$WORK/status.jws"
must_contain "$OUT" "inclusion    passed   2 achievements in the log"
expect 1 transcripts transcript issue --account "$ACCOUNT" --programme NO-SUCH-PROGRAMME \
  --request-id e2e-p2
must_contain "$ERR" "PROGRAMME_NOT_FOUND"
ok "WEB101 and DB101 count (8 of 12 credits); cbverify: VALID; an unknown programme is refused"

step "revocation shows offline and online"
expect 0 transcripts transcript revoke --number "$T1" --reason "学习者申请撤销"
publish
expect 1 "$CBVERIFY" "$WORK/t1.jws" --jwks "$WORK/jwks.json" --status_list "$WORK/status.jws"
must_contain "$OUT" "status       failed   revoked"
sleep "$CACHE_SECONDS"
expect 6 verifier transcript verify --file "$WORK/t1.jws"
must_contain "$OUT" "revoked"
ok "revoked: cbverify and the verification service both say NOT VALID"

step "a reversal at the core flags the transcript holding the entry"
expect 0 transcripts --json transcript issue --account "$ACCOUNT" --entries "${ENTRIES[2]}" \
  --request-id e2e-2 --out "$WORK/t2.jws"
T2=$(json_get "$OUT" number)
expect 0 core ledger reverse --institution "$COLLEGE" --account "$ACCOUNT" \
  --entry "${ENTRIES[2]}" --reason 成绩录入错误
deadline=$((SECONDS + 20))
until transcripts --json transcript get --number "$T2" >"$WORK/t2.json" 2>&1 &&
      [[ $(json_get "$WORK/t2.json" needs_review) == True ]]; do
  ((SECONDS < deadline)) || { cat "$WORK/t2.json" >&2; fail "transcript $T2 not flagged in 20 s"; }
  sleep 0.5
done
ok "transcript $T2 needs review (reversed entry ${ENTRIES[2]})"

step "key rotation: new transcripts use the new key, old ones still verify"
expect 0 transcripts --json transcript rotate-key --algorithm eddsa
expect 0 transcripts --json transcript issue --account "$ACCOUNT" --entries "${ENTRIES[0]}" \
  --request-id e2e-3 --out "$WORK/t3.jws"
KEY3=$(json_get "$OUT" key_id)
[[ $KEY3 != "$KEY1" && $KEY3 == eddsa-* ]] || fail "new key id '$KEY3' (old '$KEY1')"
publish
expect 0 "$CBVERIFY" "$WORK/t3.jws" --jwks "$WORK/jwks.json" --status_list "$WORK/status.jws"
expect 0 "$CBVERIFY" "$WORK/t2.jws" --jwks "$WORK/jwks.json" --status_list "$WORK/status.jws" --json
must_contain "$OUT" '"key_retired": true'
sleep "$CACHE_SECONDS"
expect 0 verifier transcript verify --file "$WORK/t2.jws"
expect 0 /usr/bin/python3 "$SOURCE_DIR/tests/interop/pyjwt_verify.py" "$WORK/t3.jws" "$WORK/jwks.json"
ok "$KEY3 signs; $KEY1 is retired and still vouches for what it signed"

step "a tampered transcript fails everywhere"
python3 - "$WORK/t3.jws" "$WORK/bad.jws" <<'PY'
import sys
header, payload, signature = open(sys.argv[1]).read().strip().split(".")
signature = ("A" if signature[5] != "A" else "B").join([signature[:5], signature[6:]])
open(sys.argv[2], "w").write(".".join([header, payload, signature]))
PY
expect 1 "$CBVERIFY" "$WORK/bad.jws" --jwks "$WORK/jwks.json" --status_list "$WORK/status.jws"
must_contain "$OUT" "signature    failed"
expect 6 verifier transcript verify --file "$WORK/bad.jws"
expect 1 /usr/bin/python3 "$SOURCE_DIR/tests/interop/pyjwt_verify.py" "$WORK/bad.jws" "$WORK/jwks.json"
ok "a changed signature byte: refused by cbverify, the service and PyJWT"
