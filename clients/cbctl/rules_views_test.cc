// The rules service's pure client parts: reading a rule file, exporting
// one, and what cbctl prints for hand-built answers.
#include "clients/cbctl/rules_views.h"

#include <string>

#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"

namespace creditbank::cbctl {
namespace {

namespace rules_v1 = ::creditbank::rules::v1;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

// The README's example, verbatim: a 1+X certificate granting a course, and
// community education hours converted at 16 hours a credit, at most 4.
constexpr char kRuleFile[] = R"json({
  "programme_id": "cqgc-software-2026",
  "rules": [
    {
      "id": "1x-web-frontend-m",
      "title": "1+X Web 前端开发（中级）→ 网页设计与制作",
      "priority": 10,
      "effective_from": {"year": 2026, "month": 9, "day": 1},
      "source": {"match": {"kind": "OUTCOME_KIND_CERTIFICATE", "code": "1X-WEBFE-M",
                           "within_years": 3}},
      "grant": {"course": "SE2103"}
    },
    {
      "id": "community-hours",
      "title": "社区教育学时 → 选修学分",
      "priority": 100,
      "effective_from": {"year": 2026, "month": 9, "day": 1},
      "effective_to": {"year": 2028, "month": 8, "day": 31},
      "source": {"any_of": {"conditions": [
        {"match": {"sector": "SECTOR_COMMUNITY", "kind": "OUTCOME_KIND_TRAINING_HOURS"}},
        {"match": {"sector": "SECTOR_ELDERLY", "kind": "OUTCOME_KIND_TRAINING_HOURS"}}
      ]}},
      "grant": {"category": "ELECTIVE", "hours_per_credit": 16, "max_credits_milli": 4000}
    }
  ]
})json";

rules_v1::ApplyRulesRequest ParsedRuleFile() {
  rules_v1::ApplyRulesRequest file;
  EXPECT_TRUE(ParseJsonMessage(kRuleFile, "web.json", file).ok());
  return file;
}

TEST(RuleFileTest, ParsesProtoFieldNamesEnumsAndNestedConditions) {
  rules_v1::ApplyRulesRequest file = ParsedRuleFile();
  EXPECT_EQ(file.programme_id(), "cqgc-software-2026");
  ASSERT_EQ(file.rules_size(), 2);
  const rules_v1::Rule& certificate = file.rules(0);
  EXPECT_EQ(certificate.title(), "1+X Web 前端开发（中级）→ 网页设计与制作");
  EXPECT_EQ(certificate.effective_from().month(), 9);
  EXPECT_EQ(certificate.source().match().kind(), common::v1::OUTCOME_KIND_CERTIFICATE);
  EXPECT_EQ(certificate.source().match().within_years(), 3u);
  EXPECT_EQ(certificate.grant().course(), "SE2103");
  const rules_v1::Rule& hours = file.rules(1);
  ASSERT_EQ(hours.source().any_of().conditions_size(), 2);
  EXPECT_EQ(hours.source().any_of().conditions(1).match().sector(), common::v1::SECTOR_ELDERLY);
  EXPECT_EQ(hours.grant().hours_per_credit(), 16u);
  EXPECT_EQ(hours.grant().max_credits_milli(), 4000);
}

TEST(RuleFileTest, UnknownFieldIsAnErrorNamingTheFileAndTheField) {
  rules_v1::ApplyRulesRequest file;
  absl::Status status = ParseJsonMessage(
      R"({"programme_id": "p", "rules": [{"id": "r", "sorce": {}}]})", "rules/web.json", file);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()),
              AllOf(HasSubstr("rules/web.json"), HasSubstr("sorce"),
                    HasSubstr("creditbank.rules.v1.ApplyRulesRequest")));
}

TEST(RuleFileTest, MalformedJsonAndBadEnumsAreErrors) {
  rules_v1::ApplyRulesRequest file;
  for (const char* text : {
           R"({"programme_id": "p", "rules": [)",
           R"({"rules": [{"source": {"match": {"kind": "OUTCOME_KIND_DIPLOMA"}}}]})",
           R"({"rules": [{"priority": -1}]})",
           R"({"rules": [{"grant": {"course": "A", "category": "B"}}]})",  // one target only
       }) {
    absl::Status status = ParseJsonMessage(text, "bad.json", file);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_THAT(std::string(status.message()), HasSubstr("bad.json")) << text;
    EXPECT_THAT(std::string(status.message()), Not(HasSubstr("\n"))) << text;
  }
  // The text around a syntax error is kept, on the same line.
  absl::Status syntax = ParseJsonMessage(
      "{\n \"programme_id\": \"p\",\n \"rules\": [{\"id\": \"r\" \"title\": \"x\"}]\n}", "mid.json",
      file);
  EXPECT_THAT(std::string(syntax.message()),
              AllOf(HasSubstr("after key:value pair. (near: "),
                    HasSubstr("[{\"id\": \"r\" \"title\": \"x\"}] })")));
}

TEST(RuleFileTest, ExportClearsServerFieldsAndReadsBackTheSame) {
  const rules_v1::ApplyRulesRequest file = ParsedRuleFile();
  rules_v1::ListRulesResponse latest;
  for (const rules_v1::Rule& rule : file.rules()) {
    rules_v1::Rule* stored = latest.add_rules();
    *stored = rule;
    stored->set_programme_id("cqgc-software-2026");
    stored->set_version(3);
    stored->set_owner("4150013588");
    stored->mutable_published_at()->set_seconds(1'780'000'000);
  }
  rules_v1::ApplyRulesRequest exported = ExportRuleFile("cqgc-software-2026", latest);
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(exported, file))
      << exported.DebugString();

  const std::string document = JsonDocument(exported);
  EXPECT_THAT(document, AllOf(HasSubstr("\"programme_id\": \"cqgc-software-2026\""),
                              HasSubstr("\"effective_from\""), HasSubstr("\"hours_per_credit\""),
                              Not(HasSubstr("\"version\"")), Not(HasSubstr("\"owner\"")),
                              Not(HasSubstr("published_at")), Not(HasSubstr("effectiveFrom"))));
  rules_v1::ApplyRulesRequest reread;
  ASSERT_TRUE(ParseJsonMessage(document, "exported.json", reread).ok()) << document;
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(reread, exported));
}

TEST(RuleFileTest, WithoutServerFieldsKeepsTheContent) {
  rules_v1::Rule rule = ParsedRuleFile().rules(1);
  rules_v1::Rule stored = rule;
  stored.set_version(2);
  stored.set_owner("bank");
  EXPECT_TRUE(
      google::protobuf::util::MessageDifferencer::Equals(WithoutServerFields(stored), rule));
}

TEST(ConversionStatusNameTest, FriendlyNamesBothWays) {
  EXPECT_EQ(ConversionStatusName(rules_v1::CONVERSION_STATUS_APPROVING), "approving");
  EXPECT_EQ(*ParseConversionStatus("Pending"), rules_v1::CONVERSION_STATUS_PENDING);
  absl::StatusOr<rules_v1::ConversionStatus> bad = ParseConversionStatus("done");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("pending, approving, approved"));
  EXPECT_FALSE(ParseConversionStatus("unspecified").ok());
}

TEST(RuleTextTest, ConditionsNestAndGrantsSayWhatTheyGive) {
  rules_v1::Condition condition;
  rules_v1::KOfGroup* two_of = condition.mutable_all_of()->add_conditions()->mutable_k_of();
  two_of->set_k(2);
  rules_v1::Matcher* math = two_of->add_conditions()->mutable_match();
  math->set_code_prefix("MATH");
  math->mutable_min_grade()->set_score_milli(60'000);
  rules_v1::Matcher* english = two_of->add_conditions()->mutable_match();
  english->add_institution_codes("4150013588");
  english->add_institution_codes("4111010001");
  english->mutable_min_grade()->set_letter("B");
  rules_v1::Matcher* certificate = condition.mutable_all_of()->add_conditions()->mutable_match();
  certificate->set_kind(common::v1::OUTCOME_KIND_CERTIFICATE);
  certificate->mutable_min_level()->set_framework("eqf");
  certificate->mutable_min_level()->set_level(4);
  EXPECT_EQ(ConditionText(condition),
            "all of:\n"
            "  - 2 of:\n"
            "    - code starting MATH, grade >= 60/100\n"
            "    - from 4150013588 or 4111010001, grade >= B\n"
            "  - certificate, eqf level >= 4\n");
  EXPECT_EQ(ConditionText(rules_v1::Condition()), "(no condition)\n");

  rules_v1::Grant course;
  course.set_course("SE2103");
  EXPECT_EQ(GrantText(course), "course SE2103: the course's credits");
  rules_v1::Grant hours;
  hours.set_category("ELECTIVE");
  hours.set_hours_per_credit(16);
  hours.set_max_credits_milli(4'000);
  EXPECT_EQ(GrantText(hours), "category ELECTIVE: 1 credit per 16 study hours, at most 4");
  rules_v1::Grant fixed;
  fixed.set_category("GEN");
  fixed.set_credits_milli(2'500);
  EXPECT_EQ(GrantText(fixed), "category GEN: 2.5 credits");
}

rules_v1::Progress SampleProgress() {
  rules_v1::Progress progress;
  progress.set_account_number("6217000000000014");
  progress.set_programme_id("cqgc-software-2026");
  rules_v1::CategoryProgress* major = progress.add_categories();
  major->set_category("MAJOR");
  major->set_earned_credits_milli(20'000);
  major->set_converted_credits_milli(4'000);
  major->set_min_credits_milli(40'000);
  major->set_missing_credits_milli(16'000);
  major->add_courses_missing("SE2201");
  major->add_courses_missing("SE2202");
  progress.set_earned_credits_milli(20'000);
  progress.set_converted_credits_milli(8'000);
  progress.set_required_credits_milli(120'000);
  progress.set_missing_credits_milli(92'000);
  return progress;
}

rules_v1::ProposedGrant CappedGrant() {
  rules_v1::ProposedGrant grant;
  grant.set_rule_id("community-hours");
  grant.set_rule_version(2);
  grant.add_source_entry_ids(31);
  grant.add_source_entry_ids(35);
  grant.set_category("ELECTIVE");
  grant.set_uncapped_credits_milli(6'500);
  grant.set_credits_milli(4'000);
  grant.add_notes("rule cap 4");
  grant.add_notes("programme cap");
  return grant;
}

TEST(ProposalViewTest, ExplainsGrantsNearMissesProgressAndDigest) {
  rules_v1::Proposal proposal;
  proposal.set_account_number("6217000000000014");
  proposal.set_programme_id("cqgc-software-2026");
  proposal.mutable_as_of()->set_year(2026);
  proposal.mutable_as_of()->set_month(10);
  proposal.mutable_as_of()->set_day(8);
  proposal.set_rules_considered(5);
  proposal.set_entries_considered(12);
  rules_v1::ProposedGrant* course = proposal.add_grants();
  course->set_rule_id("1x-web-frontend-m");
  course->set_rule_version(1);
  course->add_source_entry_ids(17);
  course->set_course("SE2103");
  course->set_category("MAJOR");
  course->set_uncapped_credits_milli(4'000);
  course->set_credits_milli(4'000);
  *proposal.add_grants() = CappedGrant();
  rules_v1::NearMiss* miss = proposal.add_near_misses();
  miss->set_rule_id("math-transfer");
  miss->set_rule_version(3);
  miss->add_reasons("entry 9 MATH101: score 55 below 60");
  miss->add_reasons("no entry of code MATH102");
  *proposal.mutable_progress() = SampleProgress();
  proposal.set_digest(std::string("\x01\xab\xff") + std::string(29, '\0'));

  const std::string view = ProposalView(proposal);
  EXPECT_THAT(view, HasSubstr("as of 2026-10-08: 5 rules and 12 entries considered"));
  EXPECT_THAT(view, HasSubstr("grants (8 credits):"));
  EXPECT_THAT(view, HasSubstr("1x-web-frontend-m@1  #17"));
  EXPECT_THAT(view, HasSubstr("course SE2103 (MAJOR)"));
  EXPECT_THAT(view, HasSubstr("community-hours@2    #31 #35  category ELECTIVE"));
  EXPECT_THAT(view, HasSubstr("6.5 -> 4  rule cap 4; programme cap"));
  EXPECT_THAT(view, HasSubstr("almost matched:\n  math-transfer@3:\n"
                              "    entry 9 MATH101: score 55 below 60\n"
                              "    no entry of code MATH102\n"));
  EXPECT_THAT(view, HasSubstr("MAJOR         20          4   40       16  SE2201 SE2202"));
  EXPECT_THAT(view, HasSubstr("total         20          8  120       92"));
  EXPECT_THAT(view, HasSubstr("requirements met: no"));
  const std::string hex = "01abff" + std::string(58, '0');
  EXPECT_THAT(view, HasSubstr("digest: " + hex + "\n"));
  EXPECT_THAT(view, HasSubstr("--account 6217000000000014 --programme cqgc-software-2026 "
                              "--digest " + hex));
}

TEST(ProposalViewTest, NoGrantsNoDigest) {
  rules_v1::Proposal proposal;
  proposal.set_account_number("6217000000000014");
  *proposal.mutable_progress() = SampleProgress();
  const std::string view = ProposalView(proposal);
  EXPECT_THAT(view, HasSubstr("grants: none"));
  EXPECT_THAT(view, Not(HasSubstr("digest")));
  EXPECT_THAT(view, Not(HasSubstr("almost matched")));
}

TEST(ProgressViewTest, ShowsTotalsMetAndFlaggedEntries) {
  rules_v1::Progress progress = SampleProgress();
  progress.set_requirements_met(true);
  progress.add_flagged_conversion_entry_ids(40);
  progress.add_flagged_conversion_entry_ids(41);
  const std::string view = ProgressView(progress);
  EXPECT_THAT(view, HasSubstr("account 6217000000000014, programme cqgc-software-2026\n"
                              "CATEGORY  EARNED  CONVERTED  MIN  MISSING  COURSES MISSING\n"));
  EXPECT_THAT(view, HasSubstr("requirements met: yes"));
  EXPECT_THAT(view, HasSubstr("not counted (a source entry was reversed): #40 #41"));
}

rules_v1::ConversionRequest ApprovedRequest() {
  rules_v1::ConversionRequest request;
  request.set_id("CR-12");
  request.set_request_id("term-2026-1");
  request.set_account_number("6217000000000014");
  request.set_programme_id("cqgc-software-2026");
  request.set_status(rules_v1::CONVERSION_STATUS_APPROVED);
  *request.add_grants() = CappedGrant();
  request.set_created_by("4150013588");
  request.set_decided_by("ops-li");
  request.set_reason("材料齐全");
  request.add_conversion_entry_ids(90);
  request.set_needs_review(true);
  request.add_reversed_source_entry_ids(35);
  return request;
}

TEST(ConversionRequestViewTest, ShowsStatusDecisionEntriesAndGrants) {
  const std::string view = ConversionRequestView(ApprovedRequest());
  EXPECT_THAT(view, HasSubstr("status              approved\n"));
  EXPECT_THAT(view, HasSubstr("credits             4\n"));
  EXPECT_THAT(view, HasSubstr("reason              材料齐全\n"));
  EXPECT_THAT(view, HasSubstr("conversion entries  #90\n"));
  EXPECT_THAT(view, HasSubstr("needs review        yes\n"));
  EXPECT_THAT(view, HasSubstr("reversed sources    #35\n"));
  EXPECT_THAT(view, HasSubstr("grants:\nRULE"));
  EXPECT_THAT(view, HasSubstr("community-hours@2"));
}

TEST(ConversionRequestViewTest, TableMentionsTheNextPage) {
  rules_v1::ListConversionRequestsResponse page;
  *page.add_requests() = ApprovedRequest();
  rules_v1::ConversionRequest* pending = page.add_requests();
  pending->set_id("CR-13");
  pending->set_status(rules_v1::CONVERSION_STATUS_PENDING);
  page.set_next_page_token("tok");
  const std::string table = ConversionRequestTable(page);
  EXPECT_THAT(table, HasSubstr("CR-12    approved"));
  EXPECT_THAT(table, HasSubstr("needs review"));
  EXPECT_THAT(table, HasSubstr("CR-13    pending"));
  EXPECT_THAT(table, HasSubstr("(more: --page-token tok, or --all)"));
}

TEST(RulesViewTest, ApplyListAndVersions) {
  rules_v1::ApplyRulesResponse applied;
  rules_v1::Rule* published = applied.add_published();
  *published = ParsedRuleFile().rules(1);
  published->set_version(2);
  published->set_owner("4150013588");
  applied.add_unchanged("1x-web-frontend-m");
  const std::string view = ApplyRulesView(applied);
  EXPECT_THAT(view, HasSubstr("published: 1 new rule version\n"));
  EXPECT_THAT(view, HasSubstr("community-hours        2  2026-09-01 to 2028-08-31  4150013588"));
  EXPECT_THAT(view, HasSubstr("unchanged: 1 (1x-web-frontend-m)\n"));
  EXPECT_EQ(ApplyRulesView(rules_v1::ApplyRulesResponse()), "published: 0 new rule versions\n"
                                                            "unchanged: 0\n");

  rules_v1::GetRuleResponse versions;
  for (uint32_t version : {1u, 2u}) {
    rules_v1::Rule* rule = versions.add_versions();
    *rule = ParsedRuleFile().rules(0);
    rule->set_programme_id("cqgc-software-2026");
    rule->set_version(version);
    rule->set_owner("bank");
  }
  versions.mutable_versions(0)->mutable_effective_to()->set_year(2027);
  versions.mutable_versions(0)->mutable_effective_to()->set_month(8);
  versions.mutable_versions(0)->mutable_effective_to()->set_day(31);
  const std::string shown = RuleVersionsView(versions);
  EXPECT_THAT(shown, HasSubstr("rule 1x-web-frontend-m of programme cqgc-software-2026: "
                               "2 versions\n"));
  EXPECT_THAT(shown, HasSubstr("effective     2026-09-01 to 2027-08-31\n"));
  EXPECT_THAT(shown, HasSubstr("effective     from 2026-09-01\n"));
  EXPECT_THAT(shown, HasSubstr("owner         bank\n"));
  EXPECT_THAT(shown, HasSubstr("grant         course SE2103: the course's credits\n"
                               "when:\n  - certificate, code 1X-WEBFE-M, within 3 years\n"));

  rules_v1::ListRulesResponse listed;
  *listed.add_rules() = versions.versions(1);
  EXPECT_THAT(RuleTable(listed), HasSubstr("from 2026-09-01  bank   course SE2103"));
}

TEST(RulesViewTest, ProgrammeShowsCapsCategoriesAndCourses) {
  rules_v1::Programme programme;
  programme.set_id("cqgc-software-2026");
  programme.set_institution_code("4150013588");
  programme.set_title("软件技术（专科）");
  programme.set_framework_level(5);
  programme.set_required_credits_milli(120'000);
  programme.set_max_conversion_permille(125);
  programme.set_max_converted_credits_per_year_milli(10'000);
  rules_v1::Category* major = programme.add_categories();
  major->set_code("MAJOR");
  major->set_name("专业课");
  major->set_min_credits_milli(60'000);
  rules_v1::Course* course = programme.add_courses();
  course->set_code("SE2103");
  course->set_title("网页设计与制作");
  course->set_category("MAJOR");
  course->set_credits_milli(4'000);
  const std::string view = ProgrammeView(programme);
  EXPECT_THAT(view, HasSubstr("conversion cap    at most 12.5% of the required credits\n"));
  EXPECT_THAT(view, HasSubstr("yearly cap        at most 10 per year of completion\n"));
  EXPECT_THAT(view, HasSubstr("per-source cap    -\n"));
  EXPECT_THAT(view, HasSubstr("MAJOR     专业课           60\n"));
  EXPECT_THAT(view, HasSubstr("SE2103  网页设计与制作  MAJOR           4\n"));

  rules_v1::ListProgrammesResponse list;
  *list.add_programmes() = programme;
  EXPECT_THAT(ProgrammeTable(list), HasSubstr("cqgc-software-2026  4150013588"));
}

TEST(RulesViewTest, FrameworksShowLevelsAndCrosswalks) {
  rules_v1::ListFrameworksResponse response;
  rules_v1::Framework* bank = response.add_frameworks();
  bank->set_id("cn-ncb");
  bank->set_name("学分银行框架");
  for (uint32_t level : {1u, 2u}) {
    rules_v1::Level* added = bank->add_levels();
    added->set_level(level);
    added->set_name(level == 1 ? "一级" : "二级");
    rules_v1::CrosswalkEntry* entry = bank->add_crosswalk();
    entry->set_to_framework("eqf");
    entry->set_from_level(level);
    entry->set_to_level(level);
  }
  response.add_frameworks()->set_id("eqf");
  const std::string view = FrameworkListView(response);
  EXPECT_THAT(view, HasSubstr("framework   cn-ncb\n"));
  EXPECT_THAT(view, HasSubstr("    2  二级\n"));
  EXPECT_THAT(view, HasSubstr("crosswalk to eqf: 1->1, 2->2\n"));
  EXPECT_THAT(view, HasSubstr("\nframework   eqf\n"));
}

TEST(RulesViewTest, ReviewReversals) {
  rules_v1::ReviewReversalsResponse response;
  response.set_requests_checked(7);
  EXPECT_EQ(ReviewReversalsView(response),
            "approved requests checked: 7\nnewly flagged for review: none\n");
  response.add_newly_flagged("CR-3");
  response.add_newly_flagged("CR-9");
  EXPECT_THAT(ReviewReversalsView(response), HasSubstr("newly flagged for review: CR-3, CR-9\n"));
}

}  // namespace
}  // namespace creditbank::cbctl
