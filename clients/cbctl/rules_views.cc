#include "clients/cbctl/rules_views.h"

#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/ascii.h"
#include "clients/cbctl/decimal.h"
#include "clients/cbctl/enum_names.h"
#include "clients/cbctl/text_table.h"
#include "clients/cbctl/views.h"
#include "domain/crypto/primitives.h"
#include "domain/validation/dates.h"
#include "google/protobuf/util/json_util.h"

namespace creditbank::cbctl {
namespace {

namespace rules_v1 = ::creditbank::rules::v1;
using google::protobuf::RepeatedField;
using google::protobuf::RepeatedPtrField;

std::string OptionalDate(const common::v1::Date& date) {
  return domain::IsDateSet(date) ? domain::FormatDate(date) : "";
}

std::string YesNo(bool value) { return value ? "yes" : "no"; }

// "#17 #18": entry ids as `ledger get --entry` takes them.
std::string EntryIds(const RepeatedField<uint64_t>& ids) {
  std::vector<std::string> parts;
  for (uint64_t id : ids) parts.push_back(absl::StrCat("#", id));
  return absl::StrJoin(parts, " ");
}

// "web-cert@2": the rule version a grant or near miss comes from.
std::string RuleRef(const std::string& rule_id, uint32_t version) {
  return absl::StrCat(rule_id, "@", version);
}

std::string Effective(const rules_v1::Rule& rule) {
  if (!domain::IsDateSet(rule.effective_to())) {
    return absl::StrCat("from ", OptionalDate(rule.effective_from()));
  }
  return absl::StrCat(OptionalDate(rule.effective_from()), " to ",
                      OptionalDate(rule.effective_to()));
}

std::string MinGradeText(const rules_v1::MinGrade& grade) {
  switch (grade.bound_case()) {
    case rules_v1::MinGrade::kScoreMilli:
      return absl::StrCat("grade >= ", FormatThousandths(grade.score_milli()), "/100");
    case rules_v1::MinGrade::kLetter:
      return absl::StrCat("grade >= ", grade.letter());
    case rules_v1::MinGrade::kPass:
      return "passed";
    case rules_v1::MinGrade::BOUND_NOT_SET:
      break;
  }
  return "any grade";
}

std::string LevelBoundText(const rules_v1::LevelBound& bound) {
  if (bound.framework().empty()) return absl::StrCat("level >= ", bound.level());
  return absl::StrCat(bound.framework(), " level >= ", bound.level());
}

std::string MatcherText(const rules_v1::Matcher& matcher) {
  std::vector<std::string> parts;
  if (matcher.kind() != 0) parts.push_back(OutcomeKindName(matcher.kind()));
  if (matcher.sector() != 0) parts.push_back(absl::StrCat("sector ", SectorName(matcher.sector())));
  if (!matcher.institution_codes().empty()) {
    parts.push_back(absl::StrCat("from ", absl::StrJoin(matcher.institution_codes(), " or ")));
  }
  if (!matcher.code().empty()) parts.push_back(absl::StrCat("code ", matcher.code()));
  if (!matcher.code_prefix().empty()) {
    parts.push_back(absl::StrCat("code starting ", matcher.code_prefix()));
  }
  if (matcher.has_min_grade()) parts.push_back(MinGradeText(matcher.min_grade()));
  if (matcher.has_min_level()) parts.push_back(LevelBoundText(matcher.min_level()));
  if (matcher.within_years() != 0) {
    parts.push_back(absl::StrCat("within ", matcher.within_years(), " years"));
  }
  return parts.empty() ? "any entry" : absl::StrJoin(parts, ", ");
}

std::string GroupText(const std::string& heading,
                      const RepeatedPtrField<rules_v1::Condition>& conditions, int indent) {
  std::string text = heading + "\n";
  for (const rules_v1::Condition& condition : conditions) {
    absl::StrAppend(&text, ConditionText(condition, indent + 1));
  }
  return text;
}

// What a proposed grant credits: the course (and its category) or the
// category alone.
std::string GrantTarget(const rules_v1::ProposedGrant& grant) {
  if (!grant.course().empty()) {
    return absl::StrCat("course ", grant.course(), " (", grant.category(), ")");
  }
  return absl::StrCat("category ", grant.category());
}

// "6.5 -> 4" when a cap cut the grant, else just the credits.
std::string GrantCredits(const rules_v1::ProposedGrant& grant) {
  if (grant.uncapped_credits_milli() == grant.credits_milli()) {
    return FormatThousandths(grant.credits_milli());
  }
  return absl::StrCat(FormatThousandths(grant.uncapped_credits_milli()), " -> ",
                      FormatThousandths(grant.credits_milli()));
}

std::string GrantTable(const RepeatedPtrField<rules_v1::ProposedGrant>& grants) {
  TextTable table({"RULE", "SOURCES", "TARGET", "CREDITS", "NOTES"});
  table.AlignRight(3);
  for (const rules_v1::ProposedGrant& grant : grants) {
    table.AddRow({RuleRef(grant.rule_id(), grant.rule_version()),
                  EntryIds(grant.source_entry_ids()), GrantTarget(grant), GrantCredits(grant),
                  absl::StrJoin(grant.notes(), "; ")});
  }
  return table.Render();
}

int64_t TotalCredits(const RepeatedPtrField<rules_v1::ProposedGrant>& grants) {
  int64_t total = 0;
  for (const rules_v1::ProposedGrant& grant : grants) total += grant.credits_milli();
  return total;
}

std::string NearMissLines(const RepeatedPtrField<rules_v1::NearMiss>& near_misses) {
  std::string text;
  for (const rules_v1::NearMiss& miss : near_misses) {
    absl::StrAppend(&text, "  ", RuleRef(miss.rule_id(), miss.rule_version()), ":\n");
    for (const std::string& reason : miss.reasons()) {
      absl::StrAppend(&text, "    ", Printable(reason), "\n");
    }
  }
  return text;
}

// Per category, then the programme's totals, then whether it is met.
std::string ProgressTable(const rules_v1::Progress& progress) {
  TextTable table({"CATEGORY", "EARNED", "CONVERTED", "MIN", "MISSING", "COURSES MISSING"});
  for (size_t column : {1, 2, 3, 4}) table.AlignRight(column);
  for (const rules_v1::CategoryProgress& category : progress.categories()) {
    table.AddRow({category.category(), FormatThousandths(category.earned_credits_milli()),
                  FormatThousandths(category.converted_credits_milli()),
                  FormatThousandths(category.min_credits_milli()),
                  FormatThousandths(category.missing_credits_milli()),
                  absl::StrJoin(category.courses_missing(), " ")});
  }
  table.AddRow({"total", FormatThousandths(progress.earned_credits_milli()),
                FormatThousandths(progress.converted_credits_milli()),
                FormatThousandths(progress.required_credits_milli()),
                FormatThousandths(progress.missing_credits_milli()), ""});
  std::string text =
      absl::StrCat(table.Render(), "requirements met: ", YesNo(progress.requirements_met()), "\n");
  if (!progress.flagged_conversion_entry_ids().empty()) {
    absl::StrAppend(&text, "not counted (a source entry was reversed): ",
                    EntryIds(progress.flagged_conversion_entry_ids()), "\n");
  }
  return text;
}

// "at most 50% of the required credits"; "" when there is no cap.
std::string PermilleCap(uint32_t permille) {
  if (permille == 0) return "";
  // FormatThousandths(permille * 100) is permille / 10, exactly: a percentage.
  return absl::StrCat("at most ", FormatThousandths(int64_t{permille} * 100),
                      "% of the required credits");
}

std::string CreditsCap(int64_t milli, absl::string_view per_what) {
  if (milli == 0) return "";
  return absl::StrCat("at most ", FormatThousandths(milli), " per ", per_what);
}

std::string CrosswalkLines(const RepeatedPtrField<rules_v1::CrosswalkEntry>& crosswalk) {
  // Grouped by target framework, in the order they first appear.
  std::vector<std::string> order;
  std::map<std::string, std::vector<std::string>> pairs;
  for (const rules_v1::CrosswalkEntry& entry : crosswalk) {
    if (!pairs.count(entry.to_framework())) order.push_back(entry.to_framework());
    pairs[entry.to_framework()].push_back(
        absl::StrCat(entry.from_level(), "->", entry.to_level()));
  }
  std::string text;
  for (const std::string& to : order) {
    absl::StrAppend(&text, "crosswalk to ", to, ": ", absl::StrJoin(pairs[to], ", "), "\n");
  }
  return text;
}

std::string RuleVersionView(const rules_v1::Rule& rule) {
  std::string text = RenderFields({
      {"version", absl::StrCat(rule.version())},
      {"effective", Effective(rule)},
      {"owner", rule.owner()},
      {"published at", FormatTimestamp(rule.published_at())},
      {"title", rule.title()},
      {"priority", absl::StrCat(rule.priority())},
      {"grant", GrantText(rule.grant())},
  });
  return absl::StrCat(text, "when:\n", ConditionText(rule.source(), 1));
}

// The JSON parser's complaint on one line. For syntax errors it adds the
// text around the error and a line with a caret under it; the caret cannot
// line up once the message is prefixed with the file name (and the text
// may hold newlines), so the text is kept as "near: ..." and the caret
// dropped.
std::string OneLine(absl::string_view parser_message) {
  std::vector<std::string> context;
  std::vector<absl::string_view> lines = absl::StrSplit(parser_message, '\n');
  for (size_t i = 1; i < lines.size(); ++i) {
    absl::string_view line = absl::StripAsciiWhitespace(lines[i]);
    if (!line.empty() && line != "^") context.emplace_back(line);
  }
  std::string text(absl::StripAsciiWhitespace(lines[0]));
  if (!context.empty()) absl::StrAppend(&text, " (near: ", absl::StrJoin(context, " "), ")");
  return text;
}

}  // namespace

absl::Status ParseJsonMessage(absl::string_view json, absl::string_view source,
                              google::protobuf::Message& message) {
  message.Clear();
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;  // a misspelt field must not vanish
  const auto parsed = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), &message, options);
  if (parsed.ok()) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(source, ": not a ", message.GetDescriptor()->full_name(), " in JSON: ",
                   OneLine(parsed.message().ToString())));
}

rules_v1::Rule WithoutServerFields(const rules_v1::Rule& rule) {
  rules_v1::Rule cleared = rule;
  cleared.clear_programme_id();
  cleared.clear_version();
  cleared.clear_owner();
  cleared.clear_published_at();
  return cleared;
}

rules_v1::ApplyRulesRequest ExportRuleFile(absl::string_view programme_id,
                                           const rules_v1::ListRulesResponse& latest) {
  rules_v1::ApplyRulesRequest file;
  file.set_programme_id(std::string(programme_id));
  for (const rules_v1::Rule& rule : latest.rules()) {
    *file.add_rules() = WithoutServerFields(rule);
  }
  return file;
}

std::string JsonDocument(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.add_whitespace = true;
  // Unlike ToJson, defaults are left out: the cleared server fields would
  // otherwise show as "version": 0 and so on.
  options.always_print_primitive_fields = false;
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(message, &json, options).ok()) json = "{}";
  if (json.empty() || json.back() != '\n') json += "\n";
  return json;
}

std::string ConversionStatusName(int status) {
  return FriendlyEnumName(*rules_v1::ConversionStatus_descriptor(), status);
}

absl::StatusOr<rules_v1::ConversionStatus> ParseConversionStatus(absl::string_view text) {
  absl::StatusOr<int> value = ParseFriendlyEnum(*rules_v1::ConversionStatus_descriptor(), text);
  if (!value.ok()) return value.status();
  return static_cast<rules_v1::ConversionStatus>(*value);
}

std::string ConditionText(const rules_v1::Condition& condition, int indent) {
  const std::string prefix = indent == 0 ? std::string() : std::string(2 * indent, ' ') + "- ";
  switch (condition.kind_case()) {
    case rules_v1::Condition::kMatch:
      return absl::StrCat(prefix, MatcherText(condition.match()), "\n");
    case rules_v1::Condition::kAllOf:
      return GroupText(prefix + "all of:", condition.all_of().conditions(), indent);
    case rules_v1::Condition::kAnyOf:
      return GroupText(prefix + "any of:", condition.any_of().conditions(), indent);
    case rules_v1::Condition::kKOf:
      return GroupText(absl::StrCat(prefix, condition.k_of().k(), " of:"),
                       condition.k_of().conditions(), indent);
    case rules_v1::Condition::KIND_NOT_SET:
      break;
  }
  return absl::StrCat(prefix, "(no condition)\n");
}

std::string GrantText(const rules_v1::Grant& grant) {
  std::string target = "(no target)";
  if (grant.target_case() == rules_v1::Grant::kCourse) target = "course " + grant.course();
  if (grant.target_case() == rules_v1::Grant::kCategory) target = "category " + grant.category();
  std::string amount;
  if (grant.hours_per_credit() != 0) {
    amount = absl::StrCat("1 credit per ", grant.hours_per_credit(), " study hours");
  } else if (grant.credits_milli() != 0) {
    amount = absl::StrCat(FormatThousandths(grant.credits_milli()), " credits");
  } else {
    amount = grant.target_case() == rules_v1::Grant::kCourse ? "the course's credits" : "nothing";
  }
  if (grant.max_credits_milli() != 0) {
    absl::StrAppend(&amount, ", at most ", FormatThousandths(grant.max_credits_milli()));
  }
  return absl::StrCat(target, ": ", amount);
}

std::string FrameworkView(const rules_v1::Framework& framework) {
  std::string text = RenderFields({
      {"framework", framework.id()},
      {"name", framework.name()},
      {"updated at", FormatTimestamp(framework.updated_at())},
  });
  TextTable levels({"LEVEL", "NAME"});
  levels.AlignRight(0);
  for (const rules_v1::Level& level : framework.levels()) {
    levels.AddRow({absl::StrCat(level.level()), level.name()});
  }
  return absl::StrCat(text, levels.Render(), CrosswalkLines(framework.crosswalk()));
}

std::string FrameworkListView(const rules_v1::ListFrameworksResponse& response) {
  std::vector<std::string> views;
  for (const rules_v1::Framework& framework : response.frameworks()) {
    views.push_back(FrameworkView(framework));
  }
  return absl::StrJoin(views, "\n");
}

std::string ProgrammeView(const rules_v1::Programme& programme) {
  std::string text = RenderFields({
      {"programme", programme.id()},
      {"institution", programme.institution_code()},
      {"title", programme.title()},
      {"framework level", absl::StrCat(programme.framework_level())},
      {"required credits", FormatThousandths(programme.required_credits_milli())},
      {"conversion cap", PermilleCap(programme.max_conversion_permille())},
      {"yearly cap",
       CreditsCap(programme.max_converted_credits_per_year_milli(), "year of completion")},
      {"per-source cap",
       CreditsCap(programme.max_converted_credits_per_source_institution_milli(),
                  "source institution")},
      {"updated at", FormatTimestamp(programme.updated_at())},
  });
  TextTable categories({"CATEGORY", "NAME", "MIN CREDITS"});
  categories.AlignRight(2);
  for (const rules_v1::Category& category : programme.categories()) {
    categories.AddRow(
        {category.code(), category.name(), FormatThousandths(category.min_credits_milli())});
  }
  absl::StrAppend(&text, "\n", categories.Render());
  if (programme.courses().empty()) return text;
  TextTable courses({"COURSE", "TITLE", "CATEGORY", "CREDITS"});
  courses.AlignRight(3);
  for (const rules_v1::Course& course : programme.courses()) {
    courses.AddRow({course.code(), course.title(), course.category(),
                    FormatThousandths(course.credits_milli())});
  }
  return absl::StrCat(text, "\n", courses.Render());
}

std::string ProgrammeTable(const rules_v1::ListProgrammesResponse& response) {
  TextTable table({"PROGRAMME", "INSTITUTION", "TITLE", "LEVEL", "REQUIRED", "CATEGORIES",
                   "COURSES"});
  for (size_t column : {3, 4, 5, 6}) table.AlignRight(column);
  for (const rules_v1::Programme& programme : response.programmes()) {
    table.AddRow({programme.id(), programme.institution_code(), programme.title(),
                  absl::StrCat(programme.framework_level()),
                  FormatThousandths(programme.required_credits_milli()),
                  absl::StrCat(programme.categories_size()),
                  absl::StrCat(programme.courses_size())});
  }
  return table.Render();
}

std::string ApplyRulesView(const rules_v1::ApplyRulesResponse& response) {
  std::string text = absl::StrCat("published: ", response.published_size(), " new rule version",
                                  response.published_size() == 1 ? "" : "s", "\n");
  if (!response.published().empty()) {
    TextTable table({"RULE", "VERSION", "EFFECTIVE", "OWNER", "TITLE"});
    table.AlignRight(1);
    for (const rules_v1::Rule& rule : response.published()) {
      table.AddRow({rule.id(), absl::StrCat(rule.version()), Effective(rule), rule.owner(),
                    rule.title()});
    }
    absl::StrAppend(&text, table.Render());
  }
  absl::StrAppend(&text, "unchanged: ", response.unchanged_size());
  if (!response.unchanged().empty()) {
    absl::StrAppend(&text, " (", absl::StrJoin(response.unchanged(), ", "), ")");
  }
  return text + "\n";
}

std::string RuleTable(const rules_v1::ListRulesResponse& response) {
  TextTable table({"RULE", "VERSION", "PRIORITY", "EFFECTIVE", "OWNER", "GRANT", "TITLE"});
  table.AlignRight(1);
  table.AlignRight(2);
  for (const rules_v1::Rule& rule : response.rules()) {
    table.AddRow({rule.id(), absl::StrCat(rule.version()), absl::StrCat(rule.priority()),
                  Effective(rule), rule.owner(), GrantText(rule.grant()), rule.title()});
  }
  return table.Render();
}

std::string RuleVersionsView(const rules_v1::GetRuleResponse& response) {
  if (response.versions().empty()) return "no versions\n";
  const rules_v1::Rule& first = response.versions(0);
  std::string text = absl::StrCat("rule ", first.id(), " of programme ", first.programme_id(),
                                  ": ", response.versions_size(), " version",
                                  response.versions_size() == 1 ? "" : "s", "\n");
  for (const rules_v1::Rule& rule : response.versions()) {
    absl::StrAppend(&text, "\n", RuleVersionView(rule));
  }
  return text;
}

std::string ProposalView(const rules_v1::Proposal& proposal) {
  std::string text = absl::StrCat(
      "account ", proposal.account_number(), ", programme ", proposal.programme_id(), ", as of ",
      OptionalDate(proposal.as_of()), ": ", proposal.rules_considered(), " rules and ",
      proposal.entries_considered(), " entries considered\n\n");
  if (proposal.grants().empty()) {
    absl::StrAppend(&text, "grants: none\n");
  } else {
    absl::StrAppend(&text, "grants (", FormatThousandths(TotalCredits(proposal.grants())),
                    " credits):\n", GrantTable(proposal.grants()));
  }
  if (!proposal.near_misses().empty()) {
    absl::StrAppend(&text, "\nalmost matched:\n", NearMissLines(proposal.near_misses()));
  }
  absl::StrAppend(&text, "\nprogress once converted:\n", ProgressTable(proposal.progress()));
  if (!proposal.grants().empty()) {
    absl::StrAppend(&text, "\ndigest: ", domain::HexEncode(proposal.digest()),
                    "\n(to request exactly this: cbctl requests create --request-id ID --account ",
                    proposal.account_number(), " --programme ", proposal.programme_id(),
                    " --digest ", domain::HexEncode(proposal.digest()), ")\n");
  }
  return text;
}

std::string ProgressView(const rules_v1::Progress& progress) {
  return absl::StrCat("account ", progress.account_number(), ", programme ",
                      progress.programme_id(), "\n", ProgressTable(progress));
}

std::string ConversionRequestView(const rules_v1::ConversionRequest& request) {
  std::string text = RenderFields({
      {"request", request.id()},
      {"request id", request.request_id()},
      {"account number", request.account_number()},
      {"programme", request.programme_id()},
      {"status", ConversionStatusName(request.status())},
      {"as of", OptionalDate(request.as_of())},
      {"credits", FormatThousandths(TotalCredits(request.grants()))},
      {"created by", request.created_by()},
      {"created at", FormatTimestamp(request.created_at())},
      {"decided by", request.decided_by()},
      {"decided at", FormatTimestamp(request.decided_at())},
      {"reason", request.reason()},
      {"conversion entries", EntryIds(request.conversion_entry_ids())},
      {"needs review", request.needs_review() ? "yes" : ""},
      {"reversed sources", EntryIds(request.reversed_source_entry_ids())},
  });
  return absl::StrCat(text, "\ngrants:\n", GrantTable(request.grants()));
}

std::string ConversionRequestTable(const rules_v1::ListConversionRequestsResponse& response) {
  TextTable table({"REQUEST", "STATUS", "ACCOUNT", "PROGRAMME", "GRANTS", "CREDITS", "CREATED",
                   "REVIEW"});
  table.AlignRight(4);
  table.AlignRight(5);
  for (const rules_v1::ConversionRequest& request : response.requests()) {
    table.AddRow({request.id(), ConversionStatusName(request.status()), request.account_number(),
                  request.programme_id(), absl::StrCat(request.grants_size()),
                  FormatThousandths(TotalCredits(request.grants())),
                  FormatTimestamp(request.created_at()),
                  request.needs_review() ? "needs review" : ""});
  }
  std::string text = table.Render();
  if (!response.next_page_token().empty()) {
    absl::StrAppend(&text, "(more: --page-token ", response.next_page_token(), ", or --all)\n");
  }
  return text;
}

std::string ReviewReversalsView(const rules_v1::ReviewReversalsResponse& response) {
  std::string text = absl::StrCat("approved requests checked: ", response.requests_checked(),
                                  "\nnewly flagged for review: ");
  if (response.newly_flagged().empty()) return text + "none\n";
  return absl::StrCat(text, absl::StrJoin(response.newly_flagged(), ", "), "\n");
}

}  // namespace creditbank::cbctl
