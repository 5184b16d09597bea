#!/usr/bin/env bash
# End-to-end: the rules service as a process of its own, reading and
# writing the ledger through the core's gRPC API.
#
#   tests/e2e/rules_split_e2e.sh build/bin      # run by ctest as e2e.rules_split
#
# Two creditbankd processes, each with its own data directory and key file:
# the core (accounts, institutions, ledger, admin) and the rules service
# (--services=rules,admin --core=HOST:PORT). A certifying body, a community
# college and a vocational college record a learner's 1+X certificate,
# community-education hours and a course; the vocational college publishes
# a programme and its rules from JSON files (re-applying and re-applying an
# export publish nothing; a bad file names the bad field's path); the
# learner is evaluated, a conversion is requested and approved, and the
# conversion entries appear in the core's ledger, linked to their sources.
# Reversing the certificate at the core gets the approved conversion
# flagged by the rules process's timer. The rules process restarts and
# finds everything; with the core down it answers UNAVAILABLE and stays up.
# Everything binds to 127.0.0.1 and lives in one temp directory, removed on
# exit with the processes started here. E2E_KEEP_WORK=1 keeps it.
set -euo pipefail

readonly BIN_DIR=${1:?usage: rules_split_e2e.sh BIN_DIR}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly HERE
readonly CREDITBANKD=$BIN_DIR/creditbankd CBCTL=$BIN_DIR/cbctl
readonly CERTIFIER=1XCB-WEB        # 1+X certificate body
readonly COMMUNITY=CQ-COMMUNITY    # community college
readonly COLLEGE=4150013588        # vocational college, owns the programme
readonly PROGRAMME=CQVC-WEB-2026

for binary in "$CREDITBANKD" "$CBCTL"; do
  [[ -x $binary ]] || { echo "FAIL: $binary is not built" >&2; exit 1; }
done
command -v python3 >/dev/null || { echo "FAIL: python3 is needed (make deps installs it)" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/creditbank-rules-e2e-XXXXXX")
readonly WORK
# shellcheck source=tests/e2e/lib.sh
source "$HERE/lib.sh"

install_cleanup rules_split

core() { "$CBCTL" --server "$CORE" --timeout 20 "$@"; }
rules() { "$CBCTL" --server "$RULES" --timeout 20 "$@"; }

start_core() {
  start_daemon core --services=accounts,institutions,ledger,admin --data_dir="$WORK/core-data" \
    --key_file="$WORK/core.keys"
  CORE=$DAEMON_ADDRESS CORE_PID=$DAEMON_PID
}
start_rules() {
  start_daemon rules --services=rules,admin --core="$CORE" --data_dir="$WORK/rules-data" \
    --key_file="$WORK/rules.keys" --conversion_review_seconds=1
  RULES=$DAEMON_ADDRESS RULES_PID=$DAEMON_PID
}

step "two processes: the core, and the rules service pointing at it"
start_core
start_rules
expect 2 "$CREDITBANKD" --services=rules --data_dir="$WORK/nowhere" --key_file="$WORK/x.keys" \
  --listen=127.0.0.1:0
must_contain "$OUT" "needs --core=HOST:PORT"
[[ ! -e $WORK/nowhere ]] || fail "a refused start created its data directory"
ok "--services=rules without --core is refused before touching any file"
# The rules process hosts no core service.
expect 1 "$CBCTL" --server "$RULES" --timeout 5 institution get --code "$COLLEGE"
must_contain "$ERR" UNIMPLEMENTED
ok "the rules process does not serve the ledger (UNIMPLEMENTED)"

step "institutions, a learner and three outcomes, at the core"
expect 0 core institution register --code "$CERTIFIER" --name "1+X Web 前端开发证书评价组织" \
  --sector certifying_body
expect 0 core institution accredit --code "$CERTIFIER" --kinds certificate \
  --sectors certifying_body --max-level 5 --reason "教育部职业技术教育中心研究所备案"
expect 0 core institution register --code "$COMMUNITY" --name 重庆市社区教育学院 --sector community
expect 0 core institution accredit --code "$COMMUNITY" --kinds training_hours \
  --sectors community --max-level 4 --reason "渝教职成〔2026〕3号"
expect 0 core institution register --code "$COLLEGE" --name 重庆工程职业技术学院 --sector vocational
expect 0 core institution accredit --code "$COLLEGE" --kinds course_credit,conversion \
  --sectors vocational --max-level 6 --reason "渝教职成〔2026〕12号"
expect 0 core --json account open --resident-id 11010519491231002X --name 张伟
ACCOUNT=$(json_get "$OUT" account.account_number)
[[ $ACCOUNT =~ ^[0-9]{16}$ ]] || fail "account number '$ACCOUNT'"
expect 0 core --json ledger record --institution "$CERTIFIER" --account "$ACCOUNT" \
  --kind certificate --code 1X-WEB-FE-M --title "Web 前端开发（中级）" --completed 2026-06-30 \
  --grade pass --level 4
CERTIFICATE_ENTRY=$(json_get "$OUT" entry.entry_id)
expect 0 core --json ledger record --institution "$COMMUNITY" --account "$ACCOUNT" \
  --kind training_hours --code COMM-PY-01 --title "社区 Python 入门" --completed 2026-03-15 --hours 54
HOURS_ENTRY_1=$(json_get "$OUT" entry.entry_id)
expect 0 core --json ledger record --institution "$COMMUNITY" --account "$ACCOUNT" \
  --kind training_hours --code COMM-PS-02 --title "社区摄影" --completed 2026-04-20 --hours 27
HOURS_ENTRY_2=$(json_get "$OUT" entry.entry_id)
ok "entries $CERTIFICATE_ENTRY (certificate), $HOURS_ENTRY_1 and $HOURS_ENTRY_2 (81 hours)"

step "the college publishes its programme and rules from JSON files"
cat >"$WORK/programme.json" <<JSON
{"id": "$PROGRAMME", "institution_code": "$COLLEGE", "title": "Web 前端开发技术（专科）",
 "framework_level": 5, "required_credits_milli": 120000, "max_conversion_permille": 500,
 "categories": [{"code": "MAJOR", "name": "专业课", "min_credits_milli": 60000},
                {"code": "ELECTIVE", "name": "公共选修", "min_credits_milli": 8000}],
 "courses": [{"code": "WEB101", "title": "Web 前端开发基础", "category": "MAJOR", "credits_milli": 4000},
             {"code": "WEB201", "title": "JavaScript 程序设计", "category": "MAJOR", "credits_milli": 4000}]}
JSON
expect 0 rules programme put -f "$WORK/programme.json"
cat >"$WORK/rules.json" <<JSON
{"programme_id": "$PROGRAMME", "rules": [
  {"id": "1X-WEB-FE-M", "title": "1+X Web 前端开发（中级） → Web 前端开发基础",
   "effective_from": {"year": 2026, "month": 1, "day": 1},
   "source": {"match": {"kind": "OUTCOME_KIND_CERTIFICATE", "code": "1X-WEB-FE-M",
                        "min_grade": {"pass": true}, "within_years": 3}},
   "grant": {"course": "WEB101"}},
  {"id": "COMMUNITY-HOURS", "title": "社区教育学时 → 公共选修", "priority": 10,
   "effective_from": {"year": 2026, "month": 1, "day": 1},
   "source": {"match": {"kind": "OUTCOME_KIND_TRAINING_HOURS", "sector": "SECTOR_COMMUNITY"}},
   "grant": {"category": "ELECTIVE", "hours_per_credit": 18, "max_credits_milli": 4000}}]}
JSON
expect 0 rules --json rules apply -f "$WORK/rules.json"
must_equal "rules published" "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1])).get("published", [])))' "$OUT")" 2
expect 0 rules --json rules apply -f "$WORK/rules.json"
must_equal "rules unchanged on a second apply" "$(json_get "$OUT" unchanged)" '["1X-WEB-FE-M", "COMMUNITY-HOURS"]'
expect 0 rules rules export --programme "$PROGRAMME" -o "$WORK/exported.json"
expect 0 rules --json rules apply -f "$WORK/exported.json"
must_equal "exported rules unchanged" "$(json_get "$OUT" unchanged)" '["1X-WEB-FE-M", "COMMUNITY-HOURS"]'
ok "published 2 rules; applying them again, and their export, publishes nothing"
python3 - "$WORK/rules.json" "$WORK/bad-rules.json" <<'PY'
import json, sys
rules = json.load(open(sys.argv[1]))
rules["rules"][1]["source"]["match"]["within_years"] = 500
json.dump(rules, open(sys.argv[2], "w"))
PY
expect 1 rules rules apply -f "$WORK/bad-rules.json"
must_contain "$ERR" "rules[1].source.match.within_years"
ok "a bad rule file is refused with the bad field's path"

step "evaluate, request, approve"
expect 0 rules evaluate --account "$ACCOUNT" --programme "$PROGRAMME"
must_contain "$OUT" "1X-WEB-FE-M" "WEB101" "COMMUNITY-HOURS"
sed 's/^/    | /' "$OUT"  # the readable explanation, for the log
expect 0 rules --json evaluate --account "$ACCOUNT" --programme "$PROGRAMME"
must_equal "grant 1 sources" "$(json_get "$OUT" 'grants[0].source_entry_ids')" "[\"$CERTIFICATE_ENTRY\"]"
must_equal "grant 2 credits (81 h / 18 = 4.5, capped at 4)" "$(json_get "$OUT" 'grants[1].credits_milli')" 4000
expect 0 rules --json requests create --request-id zw-2026-09 --account "$ACCOUNT" --programme "$PROGRAMME"
REQUEST=$(json_get "$OUT" id)
must_equal "new request status" "$(json_get "$OUT" status)" CONVERSION_STATUS_PENDING
expect 0 rules --json requests approve "$REQUEST" --reason "证书与学时核验无误"
must_equal "approved status" "$(json_get "$OUT" status)" CONVERSION_STATUS_APPROVED
CONVERSION_ENTRY=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["conversion_entry_ids"][0])' "$OUT")
ok "$REQUEST approved: conversion entry $CONVERSION_ENTRY and one more"

step "the conversion entries are in the core's ledger, linked to their sources"
expect 0 core --json ledger get --entry "$CONVERSION_ENTRY"
must_equal "conversion kind" "$(json_get "$OUT" outcome.kind)" OUTCOME_KIND_CONVERSION
must_equal "conversion recorded by" "$(json_get "$OUT" institution_code)" "$COLLEGE"
must_equal "conversion sources" "$(json_get "$OUT" outcome.source_entry_ids)" "[\"$CERTIFICATE_ENTRY\"]"
expect 0 rules --json progress --account "$ACCOUNT" --programme "$PROGRAMME"
must_equal "converted credits" "$(json_get "$OUT" converted_credits_milli)" 8000
ok "progress: 8 credits converted (WEB101 4 + elective 4)"

step "a reversed source gets the conversion flagged by the rules process's timer"
expect 0 core ledger reverse --institution "$CERTIFIER" --account "$ACCOUNT" \
  --entry "$CERTIFICATE_ENTRY" --reason "证书被发证机构撤销"
deadline=$((SECONDS + 15))
until rules --json requests list --needs-review >"$OUT" 2>"$ERR" && grep -qF "$REQUEST" "$OUT"; do
  ((SECONDS < deadline)) || { show_file list "$OUT"; fail "$REQUEST not flagged within 15 s"; }
  sleep 0.2
done
must_contain "$OUT" "\"reversed_source_entry_ids\":[\"$CERTIFICATE_ENTRY\"]"
expect 0 rules --json progress --account "$ACCOUNT" --programme "$PROGRAMME"
must_equal "converted credits after the reversal" "$(json_get "$OUT" converted_credits_milli)" 4000
must_equal "flagged conversion" "$(json_get "$OUT" flagged_conversion_entry_ids)" "[\"$CONVERSION_ENTRY\"]"
ok "$REQUEST needs review; progress no longer counts entry $CONVERSION_ENTRY"

step "restart the rules process; then the core goes away"
stop_daemon "$RULES_PID" rules
start_rules
expect 0 rules --json requests show "$REQUEST"
must_equal "request after restart" "$(json_get "$OUT" needs_review)" True
stop_daemon "$CORE_PID" core
expect 3 rules evaluate --account "$ACCOUNT" --programme "$PROGRAMME"
kill -0 "$RULES_PID" || fail "the rules process died when the core went away"
ok "core down: evaluate answers UNAVAILABLE, the rules process stays up"
start_core
stop_daemon "$RULES_PID" rules
start_rules
expect 0 rules --json progress --account "$ACCOUNT" --programme "$PROGRAMME"
must_equal "converted credits with a new core address" "$(json_get "$OUT" converted_credits_milli)" 4000
stop_daemon "$RULES_PID" rules
stop_daemon "$CORE_PID" core
