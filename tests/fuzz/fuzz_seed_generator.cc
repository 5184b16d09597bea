// Writes the seed corpora (corpus/<target>/) and libFuzzer dictionaries
// (dict/<target>.dict) under the directory given, normally tests/fuzz:
//
//   build-fuzz/bin/fuzz_seed_generator tests/fuzz
//
// Request seeds are a selector byte (the RPC, as each target numbers them)
// and a serialized request naming what FuzzCore seeds (fuzz_core.h): valid
// requests that succeed, retries, and requests refused for each reason, so
// the fuzzer starts from every branch of the checks. Rule seeds (fuzz_rules)
// are a bare serialized ApplyRulesRequest for the programme of
// fuzz_rules_fixture.h. Re-run it when the seeding, the rules fixture or
// the protos change; the output is deterministic.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "domain/validation/dates.h"
#include "domain/validation/identity.h"
#include "tests/fuzz/fuzz_core.h"
#include "tests/fuzz/fuzz_rules_fixture.h"

namespace creditbank::fuzz {
namespace {

namespace common = ::creditbank::common::v1;
using ledger::v1::Outcome;

std::filesystem::path root;

void WriteFile(const std::filesystem::path& path, const std::string& bytes) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) Fail("generator", absl::StrCat("cannot write ", path.string()));
}

template <typename Message>
void Seed(const std::string& target, const std::string& name, uint8_t selector,
          const Message& request) {
  WriteFile(root / "corpus" / target / name,
            std::string(1, static_cast<char>(selector)) + request.SerializeAsString());
}

void TextSeed(const std::string& target, const std::string& name, const std::string& bytes) {
  WriteFile(root / "corpus" / target / name, bytes);
}

// One libFuzzer dictionary line per value: "\xNN" for anything unprintable.
void WriteDictionary(const std::string& target, const std::vector<std::string>& values) {
  std::string out = absl::StrCat("# ", target, ": written by fuzz_seed_generator.\n");
  for (const std::string& value : values) {
    out += '"';
    for (unsigned char c : value) {
      if (c == '"' || c == '\\') {
        out += '\\';
        out += static_cast<char>(c);
      } else if (c >= 0x20 && c < 0x7f) {
        out += static_cast<char>(c);
      } else {
        out += absl::StrFormat("\\x%02X", c);
      }
    }
    out += "\"\n";
  }
  WriteFile(root / "dict" / absl::StrCat(target, ".dict"), out);
}

common::Date Day(int year, int month, int day) { return domain::ToDate(absl::CivilDay(year, month, day)); }

Outcome Course(const std::string& account, const std::string& request_id) {
  Outcome outcome;
  outcome.set_request_id(request_id);
  outcome.set_account_number(account);
  outcome.set_kind(common::OUTCOME_KIND_COURSE_CREDIT);
  outcome.set_code("PHYS101");
  outcome.set_title("大学物理（上）");
  outcome.set_credits_milli(3500);
  outcome.set_study_hours(56);
  outcome.mutable_grade()->mutable_score()->set_score_milli(78500);
  outcome.mutable_grade()->mutable_score()->set_scale_milli(100000);
  outcome.set_framework_level(6);
  outcome.set_sector(common::SECTOR_VOCATIONAL);
  *outcome.mutable_completion_date() = Day(2026, 6, 28);
  return outcome;
}

ledger::v1::RecordOutcomeRequest Record(const std::string& code, const Outcome& outcome) {
  ledger::v1::RecordOutcomeRequest request;
  request.set_institution_code(code);
  *request.mutable_outcome() = outcome;
  return request;
}

ledger::v1::ReverseEntryRequest Reverse(const std::string& code, const std::string& request_id,
                                        const std::string& account, uint64_t entry_id) {
  ledger::v1::ReverseEntryRequest request;
  request.set_institution_code(code);
  request.set_request_id(request_id);
  request.set_account_number(account);
  request.set_entry_id(entry_id);
  request.set_reason("成绩录入错误，更正");
  return request;
}

void LedgerSeeds(domain::Core& core, const SeededState& s) {
  const std::string t = "fuzz_ledger_requests";
  const std::string& a0 = s.active_accounts[0];
  const std::string& code = s.accredited_code;
  Seed(t, "record_course", 0, Record(code, Course(a0, "seed-phys101-0001")));
  ledger::v1::GetEntryRequest get;
  get.set_entry_id(s.live_entry_ids[0]);
  Seed(t, "record_replay", 0, Record(code, core.GetEntry(get)->outcome()));
  Outcome changed = core.GetEntry(get)->outcome();
  changed.set_credits_milli(4000);
  Seed(t, "record_request_id_reused", 0, Record(code, changed));
  Outcome expiring = Course(a0, "seed-cert-0002");
  expiring.set_kind(common::OUTCOME_KIND_CERTIFICATE);
  expiring.set_code("1X-BIGDATA-J");
  expiring.set_title("大数据应用开发（Python）职业技能等级证书（初级）");
  expiring.mutable_grade()->set_passed(true);
  *expiring.mutable_valid_until() = Day(2029, 6, 30);
  *expiring.mutable_evidence_sha256() = std::string(32, '\x5a');
  Seed(t, "record_certificate_valid_until", 0, Record(code, expiring));
  Outcome training = Course(a0, "seed-trn-0003");
  training.set_kind(common::OUTCOME_KIND_TRAINING_HOURS);
  training.set_credits_milli(0);
  training.set_study_hours(24);
  training.clear_grade();
  training.set_framework_level(0);
  training.set_sector(common::SECTOR_UNSPECIFIED);  // filled in from the institution
  Seed(t, "record_training_hours", 0, Record(code, training));
  Outcome conversion = Course(a0, "seed-conv-0004");
  conversion.set_kind(common::OUTCOME_KIND_CONVERSION);
  conversion.set_sector(common::SECTOR_GENERAL_HIGHER);
  conversion.add_source_entry_ids(s.live_entry_ids[2]);
  Seed(t, "record_conversion", 0, Record(code, conversion));
  Outcome bad_source = conversion;
  bad_source.set_request_id("seed-conv-0005");
  bad_source.clear_source_entry_ids();
  bad_source.add_source_entry_ids(s.reversed_entry_id);
  bad_source.add_source_entry_ids(s.other_account_entry_id);
  Seed(t, "record_conversion_bad_sources", 0, Record(code, bad_source));
  Seed(t, "record_frozen_account", 0, Record(code, Course(s.frozen_account, "seed-0006")));
  Seed(t, "record_closed_account", 0, Record(code, Course(s.closed_account, "seed-0007")));
  Seed(t, "record_outside_scope", 0, Record(s.narrow_code, Course(a0, "seed-0008")));
  Seed(t, "record_suspended", 0, Record(s.suspended_code, Course(a0, "seed-0009")));
  Seed(t, "record_not_accredited", 0, Record(s.registered_code, Course(a0, "seed-0010")));
  Seed(t, "record_unknown_institution", 0, Record("4150099999", Course(a0, "seed-0011")));
  Outcome invalid = Course("6212345678901231", "bad id!");
  invalid.set_title(" 高等数学 ");
  invalid.set_credits_milli(-5);
  invalid.mutable_grade()->set_letter("E");
  *invalid.mutable_completion_date() = Day(2027, 1, 1);
  invalid.set_framework_level(11);
  Seed(t, "record_invalid_fields", 0, Record("bad code", invalid));
  Outcome failed = Course(a0, "seed-0012");
  failed.mutable_grade()->set_letter("不及格");
  Seed(t, "record_failing_grade_with_credits", 0, Record(code, failed));

  ledger::v1::RecordOutcomesRequest batch;
  batch.set_institution_code(code);
  *batch.add_outcomes() = Course(a0, "seed-batch-0001");
  *batch.add_outcomes() = Course(s.active_accounts[1], "seed-batch-0002");
  *batch.add_outcomes() = Course(a0, "seed-batch-0001");  // repeats the first
  *batch.add_outcomes() = Course(s.frozen_account, "seed-batch-0003");
  *batch.add_outcomes() = invalid;
  Seed(t, "records_batch", 1, batch);
  batch.set_atomic(true);
  Seed(t, "records_batch_atomic_refused", 1, batch);
  ledger::v1::RecordOutcomesRequest atomic;
  atomic.set_institution_code(code);
  atomic.set_atomic(true);
  *atomic.add_outcomes() = Course(a0, "seed-atomic-0001");
  *atomic.add_outcomes() = Course(s.active_accounts[1], "seed-atomic-0002");
  Seed(t, "records_batch_atomic", 1, atomic);
  atomic.set_institution_code(s.suspended_code);
  Seed(t, "records_batch_suspended", 1, atomic);
  Seed(t, "records_empty", 1, ledger::v1::RecordOutcomesRequest());

  Seed(t, "reverse", 2, Reverse(code, "seed-fix-0001", a0, s.live_entry_ids[2]));
  ledger::v1::ReverseEntryRequest replay = Reverse(code, "fix-2026-0001", a0, s.reversed_entry_id);
  replay.set_reason("成绩录入错误");
  Seed(t, "reverse_replay", 2, replay);
  Seed(t, "reverse_already_reversed", 2, Reverse(code, "seed-fix-0002", a0, s.reversed_entry_id));
  Seed(t, "reverse_a_reversal", 2, Reverse(code, "seed-fix-0003", a0, s.reversal_entry_id));
  Seed(t, "reverse_other_institution", 2,
       Reverse(s.narrow_code, "seed-fix-0004", a0, s.live_entry_ids[0]));
  Seed(t, "reverse_wrong_account", 2,
       Reverse(code, "seed-fix-0005", s.active_accounts[1], s.live_entry_ids[0]));
  Seed(t, "reverse_missing_entry", 2, Reverse(code, "seed-fix-0006", a0, 999999));
  Seed(t, "reverse_suspended", 2, Reverse(s.suspended_code, "seed-fix-0007", a0, 1));

  for (uint64_t id : {s.live_entry_ids[0], s.reversed_entry_id, s.reversal_entry_id, uint64_t{0},
                      uint64_t{1} << 40}) {
    get.set_entry_id(id);
    Seed(t, absl::StrCat("get_entry_", id), 3, get);
  }

  ledger::v1::ListEntriesRequest list;
  list.set_account_number(a0);
  Seed(t, "list_entries", 4, list);
  list.set_page_size(1);
  Seed(t, "list_entries_page_1", 4, list);
  list.set_page_token(s.entries_page_token);
  Seed(t, "list_entries_page_2", 4, list);
  list.set_page_token("AQAAAAAAAAAAAAAAAAAAAAA");
  Seed(t, "list_entries_bad_token", 4, list);
  list.clear_page_token();
  list.set_page_size(0);
  list.set_kind(common::OUTCOME_KIND_COURSE_CREDIT);
  list.set_sector(common::SECTOR_VOCATIONAL);
  list.set_institution_code(code);
  *list.mutable_completed_from() = Day(2026, 1, 1);
  *list.mutable_completed_to() = Day(2026, 6, 30);
  Seed(t, "list_entries_filtered", 4, list);
  list.set_account_number(s.closed_account);
  *list.mutable_completed_to() = Day(2026, 2, 30);
  Seed(t, "list_entries_bad_date", 4, list);

  ledger::v1::GetBalancesRequest balances;
  for (const std::string& account :
       {a0, s.active_accounts[1], s.frozen_account, std::string("6212345678901232")}) {
    balances.set_account_number(account);
    Seed(t, absl::StrCat("balances_", account), 5, balances);
  }
  Seed(t, "check_consistency", 6, ledger::v1::CheckConsistencyRequest());

  WriteDictionary(t, {code, s.narrow_code, s.suspended_code, s.registered_code, a0,
                      s.active_accounts[1], s.frozen_account, s.closed_account, "2026-spring-math101",
                      "fix-2026-0001", "MATH101", "高等数学（上）", "成绩录入错误", "优秀", "不及格",
                      "A+", "B-", s.entries_page_token});
}

accounts::v1::ChangeAccountStatusRequest Change(const std::string& account,
                                                const std::string& reason) {
  accounts::v1::ChangeAccountStatusRequest request;
  request.set_account_number(account);
  request.set_reason(reason);
  return request;
}

// A resident ID whose check character is X, for the lower-case x form.
std::string ResidentIdEndingInX() {
  for (int n = 100;; ++n) {
    std::string id = FuzzResidentId(n);
    if (id.back() == 'X') return id;
  }
}

void AccountSeeds(const SeededState& s) {
  const std::string t = "fuzz_accounts_requests";
  accounts::v1::OpenAccountRequest open;
  open.mutable_identity()->set_resident_id(FuzzResidentId(10));
  open.mutable_details()->set_name("陈静");
  open.mutable_details()->set_phone("+8613912345678");
  open.mutable_details()->set_email("chen.jing@example.cn");
  Seed(t, "open_new", 0, open);
  open.mutable_identity()->set_resident_id(s.resident_ids[0]);
  open.mutable_details()->set_name("张伟");
  Seed(t, "open_existing", 0, open);
  std::string lower_x = ResidentIdEndingInX();
  lower_x.back() = 'x';
  open.mutable_identity()->set_resident_id(lower_x);
  Seed(t, "open_lower_case_x", 0, open);
  open.mutable_identity()->set_resident_id(domain::NormalizeResidentId(lower_x).substr(0, 17) + "0");
  Seed(t, "open_wrong_check", 0, open);
  open.mutable_identity()->set_resident_id("110105202702300011");
  Seed(t, "open_impossible_birth_date", 0, open);
  accounts::v1::Passport* passport = open.mutable_identity()->mutable_passport();
  passport->set_type("p");
  passport->set_country("chn");
  passport->set_number("e12345678");
  open.mutable_details()->set_name("Li Ming");
  Seed(t, "open_passport", 0, open);
  open.mutable_details()->set_name("");
  open.mutable_details()->set_phone("12ab");
  open.mutable_details()->set_email("no-at-sign");
  passport->set_country("CN");
  Seed(t, "open_invalid", 0, open);

  accounts::v1::GetAccountRequest get;
  get.set_account_number(s.active_accounts[0]);
  Seed(t, "get_by_number", 1, get);
  get.set_account_number("6212345678901232");
  Seed(t, "get_missing", 1, get);
  get.set_account_number("0212345678901234");
  Seed(t, "get_leading_zero", 1, get);
  get.mutable_identity()->set_resident_id(s.resident_ids[1]);
  Seed(t, "get_by_identity", 1, get);
  Seed(t, "get_no_key", 1, accounts::v1::GetAccountRequest());

  Seed(t, "freeze", 2, Change(s.active_accounts[1], "学员申请暂停学习"));
  Seed(t, "freeze_closed", 2, Change(s.closed_account, "误操作"));
  Seed(t, "unfreeze", 3, Change(s.frozen_account, "恢复学习"));
  Seed(t, "unfreeze_bad_reason", 3, Change(s.frozen_account, "\xE2\x80\xAE"));
  Seed(t, "close", 4, Change(s.active_accounts[0], "学员申请注销"));
  Seed(t, "close_bad_number", 4, Change("62123456789", ""));

  WriteDictionary(t, {s.resident_ids[0], s.resident_ids[1], s.resident_ids[2], s.resident_ids[3],
                      lower_x, s.active_accounts[0], s.active_accounts[1], s.frozen_account,
                      s.closed_account, "张伟", "13800138000", "@example.cn", "CHN", "X", "x",
                      "学员申请注销", "\xE3\x80\x80", "\xE2\x80\x8B"});
}

institutions::v1::ChangeInstitutionStatusRequest InstitutionChange(const std::string& code,
                                                                    const std::string& reason) {
  institutions::v1::ChangeInstitutionStatusRequest request;
  request.set_code(code);
  request.set_reason(reason);
  return request;
}

void InstitutionSeeds(const SeededState& s) {
  const std::string t = "fuzz_institutions_requests";
  institutions::v1::RegisterInstitutionRequest reg;
  reg.set_code("4150012608");
  reg.set_name("重庆电子工程职业学院");
  reg.set_sector(common::SECTOR_VOCATIONAL);
  Seed(t, "register_new", 0, reg);
  reg.set_code(s.accredited_code);
  reg.set_name("重庆工程职业技术学院");
  Seed(t, "register_existing", 0, reg);
  reg.set_name("另一个名字");
  Seed(t, "register_conflict", 0, reg);
  reg.set_code("lower-case");
  reg.set_name("");
  reg.set_sector(static_cast<common::Sector>(42));
  Seed(t, "register_invalid", 0, reg);

  institutions::v1::AccreditInstitutionRequest accredit;
  accredit.set_code(s.registered_code);
  accredit.mutable_scope()->add_kinds(common::OUTCOME_KIND_EXAM);
  accredit.mutable_scope()->add_kinds(common::OUTCOME_KIND_COURSE_CREDIT);
  accredit.mutable_scope()->add_kinds(common::OUTCOME_KIND_EXAM);
  accredit.mutable_scope()->add_sectors(common::SECTOR_CONTINUING);
  accredit.mutable_scope()->add_sectors(common::SECTOR_VOCATIONAL);
  accredit.mutable_scope()->set_max_framework_level(5);
  accredit.set_reason("渝教职成〔2026〕15号");
  Seed(t, "accredit", 1, accredit);
  accredit.set_code(s.suspended_code);
  Seed(t, "accredit_suspended", 1, accredit);
  accredit.mutable_scope()->add_kinds(common::OUTCOME_KIND_REVERSAL);
  accredit.mutable_scope()->set_max_framework_level(11);
  Seed(t, "accredit_invalid_scope", 1, accredit);

  Seed(t, "suspend", 2, InstitutionChange(s.accredited_code, "年检未通过"));
  Seed(t, "suspend_unknown", 2, InstitutionChange("4150099999", "年检未通过"));
  Seed(t, "reinstate", 3, InstitutionChange(s.suspended_code, "整改完成"));
  Seed(t, "reinstate_registered", 3, InstitutionChange(s.registered_code, "整改完成"));

  institutions::v1::GetInstitutionRequest get;
  get.set_code(s.narrow_code);
  Seed(t, "get", 4, get);
  get.set_code("X");
  Seed(t, "get_invalid", 4, get);

  institutions::v1::ListInstitutionsRequest list;
  Seed(t, "list", 5, list);
  list.set_page_size(1);
  Seed(t, "list_page_1", 5, list);
  list.set_page_token(s.institutions_page_token);
  Seed(t, "list_page_2", 5, list);
  list.clear_page_token();
  list.set_page_size(0);
  list.set_sector(common::SECTOR_VOCATIONAL);
  list.set_status(institutions::v1::INSTITUTION_STATUS_ACCREDITED);
  Seed(t, "list_filtered", 5, list);
  list.set_page_size(5000);
  list.set_status(static_cast<institutions::v1::InstitutionStatus>(9));
  Seed(t, "list_invalid", 5, list);

  WriteDictionary(t, {s.accredited_code, s.narrow_code, s.registered_code, s.suspended_code,
                      "重庆工程职业技术学院", "重庆大学", "渝教职成〔2026〕12号", "年检未通过",
                      s.institutions_page_token});
}

void CsvSeeds() {
  const std::string t = "fuzz_csv_import";
  const std::string header =
      "request_id,account_number,kind,code,title,credits,study_hours,grade,framework_level,"
      "sector,completion_date,valid_until,evidence_sha256\r\n";
  // The first byte picks the CSV limits: even bytes keep the defaults.
  TextSeed(t, "term_end", std::string(1, '\0') + header +
      "2026-1-0001,6212345678901232,course_credit,MATH101,高等数学（上）,3.5,56,85/100,6,"
      "vocational,2026-06-20,,\r\n"
      ",6212345678901232,certificate,1X-WEB-M,\"Web前端开发职业技能等级证书（中级）\",2,,pass,5,"
      "vocational,2024-06-01,2027-06-01,"
      "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\r\n"
      "2026-1-0003,6212345678901232,training_hours,TRN-007,\"企业安全生产培训, 第二期\",0,16,,,"
      "continuing,2026-05-10,,\r\n");
  TextSeed(t, "minimal_columns", std::string(1, '\0') +
      "\xEF\xBB\xBF" "Account_Number, Kind ,code,title,completion_date\n"
      "6212345678901232,course-credit,ENG102,\"大学英语（二）\"\"B\"\"\",2026-06-18\n"
      "6212345678901232,exam,CET4,全国大学英语四级考试,2026-02-30\n\n");
  TextSeed(t, "bad_rows", std::string(1, '\0') + header +
      "r1,6212345678901231,reversal,BAD CODE, 标题 ,3.1415,-1,A++,11,mars,2026-13-01,x,zz\r\n"
      "r1,6212345678901232,course_credit,C1,课程,1,,F,,,2026-01-01,,\r\n"
      "r2,6212345678901232,course_credit,C1\r\n");
  TextSeed(t, "quoted_line_breaks_small_limits", std::string(1, '\x21') +
      "code,title\r\n\"a,b\",\"multi\r\nline\"\r\n\"unterminated");
  TextSeed(t, "unknown_header", std::string(1, '\0') + "account,kind\nx,y\n");
  WriteDictionary(t, {"request_id", "account_number", "kind", "code", "title", "credits",
                      "study_hours", "grade", "framework_level", "sector", "completion_date",
                      "valid_until", "evidence_sha256", "course_credit", "certificate",
                      "training_hours", "conversion", "vocational", "general_higher",
                      "6212345678901232", "2026-06-20", "85/100", "pass", "\"\"", "\r\n",
                      "\xEF\xBB\xBF", "高等数学（上）"});
}

void TextSeeds() {
  const std::string t = "fuzz_text_validation";
  TextSeed(t, "title", "\x04高等数学（上）");
  TextSeed(t, "resident_id", std::string("\x01") + FuzzResidentId(1));
  std::string lower_x = ResidentIdEndingInX();
  lower_x.back() = 'x';
  TextSeed(t, "resident_id_lower_x", "\x01" + lower_x);
  TextSeed(t, "account_number", "\x02" "6212345678901232");
  TextSeed(t, "institution_code", "\x03" "4150013588");
  TextSeed(t, "request_id", "\x05" "2026-spring:math101.v2");
  TextSeed(t, "bidi_override", "\x06" "abc\xE2\x80\xAE" "def");
  TextSeed(t, "surrogate", "\x07\xED\xA0\x80");
  TextSeed(t, "overlong", "\x08\xC0\xAF\xE0\x80\xAF");
  TextSeed(t, "four_byte", "\x09\xF0\x9F\x8E\x93\xF4\x8F\xBF\xBF");
  TextSeed(t, "ideographic_space", "\x0a\xE3\x80\x80学分\xE3\x80\x80");
  TextSeed(t, "page_token", "\x0b" "AQAAAAAAAAAAAAAAAAAAAAA");
  WriteDictionary(t, {"\xC2\x80", "\xDF\xBF", "\xE0\xA0\x80", "\xED\x9F\xBF", "\xED\xA0\x80",
                      "\xEF\xBF\xBF", "\xF0\x90\x80\x80", "\xF4\x8F\xBF\xBF", "\xF4\x90\x80\x80",
                      "\xE2\x80\x8B", "\xE2\x80\xAE", "\xE2\x81\xA6", "\xEF\xBB\xBF", "\xC2\xA0",
                      "\xE3\x80\x80", "\x7F", "\xC2\x9F", "X", "19491231", "500101",
                      "6212345678901232"});
}

void ValueSeeds() {
  const std::string t = "fuzz_value_parsers";
  int i = 0;
  for (const char* value :
       {"3.5", "0.125", "12.000", "9223372036854775.807", "9223372036854775.808", "85/100",
        "85.5 / 100", "0/0", "101/100", "a-", "优秀", "不及格", "PASS", "通过", "不通过",
        "2026-06-20", "2024-02-29", "2026-02-29", "0048",
        "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08", "course_credit",
        "general-higher", "certificate,exam", "exam,exam", "accredited",
        "很长的标题：高等数学（上）与线性代数"}) {
    TextSeed(t, absl::StrCat("value_", i), std::string(1, static_cast<char>(i * 7)) + value);
    ++i;
  }
  WriteDictionary(t, {".", "/", "/100", "pass", "passed", "fail", "failed", "通过", "不通过", "优秀",
                      "良好", "中等", "及格", "不及格", "A+", "D-", "-", "_", ",", "vocational",
                      "open_university", "training_hours", "prior_learning", "suspended",
                      "9223372036854775807", "18446744073709551615"});
}


// ------------------------------------------------------------------ rules

namespace rules_api = ::creditbank::rules::v1;

rules_api::Rule NewRule(const std::string& id, absl::CivilDay from) {
  rules_api::Rule rule;
  rule.set_id(id);
  *rule.mutable_effective_from() = domain::ToDate(from);
  return rule;
}

rules_api::Matcher* Match(rules_api::Condition* condition) { return condition->mutable_match(); }

rules_api::ApplyRulesRequest Rules(std::vector<rules_api::Rule> rules) {
  rules_api::ApplyRulesRequest request;
  request.set_programme_id(kRulesProgrammeId);
  for (rules_api::Rule& rule : rules) *request.add_rules() = std::move(rule);
  return request;
}

void RuleSeed(const std::string& name, const rules_api::ApplyRulesRequest& request) {
  TextSeed("fuzz_rules", name, request.SerializeAsString());
}

// One seed per shape of rule the issue names, each matching entries of the
// fixture's ledger (and near-missing others), so the fuzzer starts inside
// the evaluator rather than at the checks' refusals.
void RuleSeeds() {
  const absl::CivilDay from(2020, 1, 1);

  rules_api::Rule one = NewRule("CS201-EQ", from);
  one.set_title("数据结构 ← 高职 CS201");
  rules_api::Matcher* m = Match(one.mutable_source());
  m->add_institution_codes(kRulesCollege);
  m->set_code("CS201");
  m->mutable_min_grade()->set_letter("B");
  one.mutable_grant()->set_course("CS201");
  RuleSeed("one_to_one", Rules({one}));

  rules_api::Rule pair = NewRule("MATH-PAIR", from);
  for (const char* code : {"MATH101", "MATH101A"}) {
    m = Match(pair.mutable_source()->mutable_all_of()->add_conditions());
    m->set_code(code);
    m->mutable_min_grade()->set_score_milli(70'000);
  }
  pair.mutable_grant()->set_category("GEN");
  pair.mutable_grant()->set_credits_milli(6'000);
  rules_api::Rule math = NewRule("MATH101-EQ", from);  // MATH101 is earned: a near miss
  Match(math.mutable_source())->set_code("MATH101");
  math.mutable_grant()->set_course("MATH101");
  RuleSeed("all_of_min_score", Rules({pair, math}));

  rules_api::Rule prefixes = NewRule("CS101-ANY", from);
  for (const char* prefix : {"CS10", "CS1", "CS"}) {
    m = Match(prefixes.mutable_source()->mutable_any_of()->add_conditions());
    m->set_code_prefix(prefix);
    m->mutable_min_grade()->set_pass(true);
  }
  prefixes.mutable_grant()->set_course("CS101");
  RuleSeed("any_of_prefixes", Rules({prefixes}));

  rules_api::Rule nested = NewRule("CS301-2OF3", from);
  rules_api::KOfGroup* k_of = nested.mutable_source()->mutable_k_of();
  k_of->set_k(2);
  m = Match(k_of->add_conditions());
  m->set_code("CS301");
  m->mutable_min_grade()->set_letter("C");
  rules_api::Group* all_of = k_of->add_conditions()->mutable_all_of();
  Match(all_of->add_conditions())->set_code_prefix("SE4");
  Match(all_of->add_conditions())->set_code("CS201");
  rules_api::Group* any_of = k_of->add_conditions()->mutable_any_of();
  m = Match(any_of->add_conditions());
  m->set_kind(common::OUTCOME_KIND_EXAM);
  m->set_code_prefix("NCRE");
  Match(any_of->add_conditions())->set_code("1X-WEB-M");
  nested.mutable_grant()->set_course("CS301");
  RuleSeed("k_of_nested", Rules({nested}));

  rules_api::Rule rate = NewRule("TRAINING-RATE", from);
  m = Match(rate.mutable_source());
  m->set_kind(common::OUTCOME_KIND_TRAINING_HOURS);
  m->add_institution_codes(kRulesTrainer);
  rate.mutable_grant()->set_category("ELE");
  rate.mutable_grant()->set_hours_per_credit(16);
  rate.mutable_grant()->set_max_credits_milli(4'000);
  rules_api::Rule rate_course = NewRule("PY-RATE", from);
  Match(rate_course.mutable_source())->set_code_prefix("TRN-PY");
  rate_course.mutable_grant()->set_course("ELE-PY");
  rate_course.mutable_grant()->set_hours_per_credit(36);
  rate_course.set_priority(1);
  RuleSeed("rate_grant", Rules({rate, rate_course}));

  rules_api::Rule recent = NewRule("BIGDATA-RECENT", from);
  m = Match(recent.mutable_source());
  m->set_kind(common::OUTCOME_KIND_CERTIFICATE);
  m->set_code_prefix("1X-BIGDATA");
  m->set_within_years(5);
  recent.mutable_grant()->set_course("ELE-PY");
  rules_api::Rule old = NewRule("SE401-RECENT", from);  // the college's SE401 is from 2015
  m = Match(old.mutable_source());
  m->set_code("SE401");
  m->set_within_years(10);
  old.mutable_grant()->set_course("SE401");
  RuleSeed("recency_window", Rules({recent, old}));

  rules_api::Rule eqf = NewRule("ENG-EQF6", from);
  m = Match(eqf.mutable_source());
  m->set_kind(common::OUTCOME_KIND_COURSE_CREDIT);
  m->set_sector(common::SECTOR_GENERAL_HIGHER);
  m->set_code_prefix("ENG");
  m->mutable_min_level()->set_framework("eqf");
  m->mutable_min_level()->set_level(6);
  eqf.mutable_grant()->set_category("GEN");
  eqf.mutable_grant()->set_credits_milli(2'000);
  rules_api::Rule bank = NewRule("CERT-L5", from);
  m = Match(bank.mutable_source());
  m->set_sector(common::SECTOR_CERTIFYING_BODY);
  m->mutable_min_level()->set_level(5);
  bank.mutable_grant()->set_category("ELE");
  bank.mutable_grant()->set_credits_milli(1'500);
  RuleSeed("level_bounds", Rules({eqf, bank}));

  // Category grants whose credits the rule's cap and the programme's caps
  // cut: prior learning worth 100 credits, exams, everything with hours.
  rules_api::Rule prior = NewRule("PRIOR-MAJ", from);
  Match(prior.mutable_source())->set_kind(common::OUTCOME_KIND_PRIOR_LEARNING);
  prior.mutable_grant()->set_category("MAJ");
  prior.mutable_grant()->set_credits_milli(100'000);
  rules_api::Rule exams = NewRule("EXAM-ELE", from);
  m = Match(exams.mutable_source());
  m->add_institution_codes(kRulesExamBoard);
  m->set_kind(common::OUTCOME_KIND_EXAM);
  m->mutable_min_grade()->set_pass(true);
  exams.mutable_grant()->set_category("ELE");
  exams.mutable_grant()->set_credits_milli(3'000);
  exams.mutable_grant()->set_max_credits_milli(2'000);
  exams.set_priority(2);
  rules_api::Rule hours = NewRule("ALL-HOURS", from);
  for (common::OutcomeKind kind :
       {common::OUTCOME_KIND_COURSE_CREDIT, common::OUTCOME_KIND_TRAINING_HOURS,
        common::OUTCOME_KIND_CERTIFICATE}) {
    Match(hours.mutable_source()->mutable_any_of()->add_conditions())->set_kind(kind);
  }
  hours.mutable_grant()->set_category("MAJ");
  hours.mutable_grant()->set_hours_per_credit(20);
  hours.set_priority(3);
  RuleSeed("category_caps", Rules({prior, exams, hours}));

  // Versions and windows: one rule retired before the evaluation date, one
  // not yet in force, two of equal priority (id order decides).
  rules_api::Rule retired = one;
  retired.set_id("CS201-OLD");
  *retired.mutable_effective_to() = domain::ToDate(absl::CivilDay(2025, 12, 31));
  rules_api::Rule future = one;
  future.set_id("CS201-NEXT");
  *future.mutable_effective_from() = domain::ToDate(absl::CivilDay(2027, 2, 1));
  rules_api::Rule twin = one;
  twin.set_id("CS201-B");
  twin.mutable_source()->mutable_match()->clear_institution_codes();
  RuleSeed("windows_and_order", Rules({retired, future, one, twin}));

  // Refused: a programme that is not the fixture's, bad fields.
  rules_api::ApplyRulesRequest refused = Rules({one});
  refused.set_programme_id("OTHER-PROGRAMME");
  RuleSeed("other_programme", refused);
  rules_api::Rule bad = NewRule("bad id!", absl::CivilDay(2026, 2, 30));
  Match(bad.mutable_source());
  bad.mutable_grant()->set_course("NOPE");
  bad.mutable_grant()->set_hours_per_credit(5000);
  bad.set_version(3);
  RuleSeed("invalid_fields", Rules({bad}));

  WriteDictionary("fuzz_rules",
                  {kRulesProgrammeId, kRulesProgrammeInstitution, kRulesUniversity, kRulesCollege,
                   kRulesOldUniversity, kRulesCertifier, kRulesExamBoard, kRulesTrainer, "GEN",
                   "MAJ", "ELE", "MATH101", "MATH1", "ENG101", "ENG1", "CS101", "CS1", "CS201",
                   "CS301", "SE401", "ELE-PY", "1X-BIGDATA", "1X-WEB-M", "CET", "NCRE", "TRN-",
                   "TRN-PY", "PL-", "eqf", "cn-ncb", "A+", "B", "D-", "及格", "不及格"});
}

}  // namespace
}  // namespace creditbank::fuzz

int main(int argc, char** argv) {
  using namespace creditbank::fuzz;
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <tests/fuzz directory>\n", argv[0]);
    return 2;
  }
  root = argv[1];
  // Only the targets generated here: other targets' seeds are written by
  // hand (fuzz_learner_token's tokens are signed with its fixed test key)
  // or by tests/fuzz/make_jose_seeds.py (fuzz_jose's, signed by PyJWT).
  for (const char* target : {"fuzz_ledger_requests", "fuzz_accounts_requests",
                             "fuzz_institutions_requests", "fuzz_csv_import",
                             "fuzz_text_validation", "fuzz_value_parsers", "fuzz_rules"}) {
    std::filesystem::remove_all(root / "corpus" / target);
    std::filesystem::remove(root / "dict" / (std::string(target) + ".dict"));
  }
  FuzzCore& fuzz = FuzzCore::Instance();
  LedgerSeeds(fuzz.core(), fuzz.seeded());
  AccountSeeds(fuzz.seeded());
  InstitutionSeeds(fuzz.seeded());
  CsvSeeds();
  TextSeeds();
  ValueSeeds();
  RuleSeeds();
  std::printf("seed corpora and dictionaries written under %s\n", root.c_str());
  return 0;
}
