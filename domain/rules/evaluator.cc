#include "domain/rules/evaluator.h"

#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/container/node_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"
#include "domain/crypto/primitives.h"
#include "domain/limits.h"
#include "domain/rules/frameworks.h"
#include "domain/rules/grades.h"
#include "domain/rules/milli.h"
#include "domain/rules/progress.h"
#include "domain/validation/dates.h"

namespace creditbank::domain::rules {

namespace common = ::creditbank::common::v1;

namespace {

constexpr absl::CivilDay kNoEnd{9999, 12, 31};
// Entries named as examples in one near-miss reason.
constexpr size_t kEntriesNamedPerLeaf = 3;

// "OUTCOME_KIND_TRAINING_HOURS" -> "training hours".
std::string EnumWords(const std::string& name, absl::string_view prefix) {
  std::string words = absl::AsciiStrToLower(absl::StripPrefix(name, prefix));
  std::replace(words.begin(), words.end(), '_', ' ');
  return words;
}

}  // namespace

// A matcher, compiled: level bounds as a set of bank levels.
struct CompiledMatcher {
  std::vector<std::string> institutions;
  int sector = 0;
  int kind = 0;
  std::string code;
  std::string code_prefix;
  GradeBound grade;
  uint32_t level_mask = 0;  // 0: no level condition
  std::string level_text;   // "level 4", "eqf level 4"
  uint32_t within_years = 0;
  std::string description;  // "with code MATH101 from UNI-A"
};

struct Node {
  enum class Type { kMatch, kAllOf, kAnyOf, kKOf };
  Type type = Type::kMatch;
  uint32_t k = 0;
  CompiledMatcher matcher;
  std::vector<Node> children;
};

struct CompiledRule {
  rules_api::Rule rule;
  absl::CivilDay from;
  absl::CivilDay to = kNoEnd;
  Node root;
  std::string course;    // target course, or empty
  std::string category;  // the category credited
  int64_t fixed_credits_milli = 0;
  uint32_t hours_per_credit = 0;  // > 0: a rate grant
  int64_t max_credits_milli = 0;
};

namespace {

std::string Describe(const CompiledMatcher& m) {
  std::vector<std::string> parts;
  if (m.kind != 0) {
    parts.push_back(EnumWords(common::OutcomeKind_Name(static_cast<common::OutcomeKind>(m.kind)),
                              "OUTCOME_KIND_"));
  }
  if (!m.code.empty()) parts.push_back(absl::StrCat("with code ", m.code));
  if (!m.code_prefix.empty()) parts.push_back(absl::StrCat("with a code starting ", m.code_prefix));
  if (m.sector != 0) {
    parts.push_back(absl::StrCat(
        "in sector ",
        EnumWords(common::Sector_Name(static_cast<common::Sector>(m.sector)), "SECTOR_")));
  }
  if (!m.institutions.empty()) {
    parts.push_back(absl::StrCat("from ", absl::StrJoin(m.institutions, " or ")));
  }
  return absl::StrJoin(parts, " ");
}

absl::StatusOr<CompiledMatcher> CompileMatcher(const rules_api::Matcher& matcher,
                                               const std::vector<rules_api::Framework>& frameworks) {
  CompiledMatcher compiled;
  compiled.institutions.assign(matcher.institution_codes().begin(),
                               matcher.institution_codes().end());
  compiled.sector = matcher.sector();
  compiled.kind = matcher.kind();
  compiled.code = matcher.code();
  compiled.code_prefix = matcher.code_prefix();
  compiled.grade = CompileGradeBound(matcher.min_grade());
  if (matcher.min_level().level() > 0) {
    ASSIGN_OR_RETURN(compiled.level_mask, BankLevelsReaching(matcher.min_level(), frameworks));
    compiled.level_mask |= 1;  // bit 0 unused: keeps "no condition" (0) distinct
    compiled.level_text =
        matcher.min_level().framework().empty() || matcher.min_level().framework() == kBankFrameworkId
            ? absl::StrCat("level ", matcher.min_level().level())
            : absl::StrCat(matcher.min_level().framework(), " level ", matcher.min_level().level());
  }
  compiled.within_years = matcher.within_years();
  compiled.description = Describe(compiled);
  return compiled;
}

absl::StatusOr<Node> CompileCondition(const rules_api::Condition& condition,
                                      const std::vector<rules_api::Framework>& frameworks) {
  Node node;
  const google::protobuf::RepeatedPtrField<rules_api::Condition>* children = nullptr;
  switch (condition.kind_case()) {
    case rules_api::Condition::kMatch: {
      node.type = Node::Type::kMatch;
      ASSIGN_OR_RETURN(node.matcher, CompileMatcher(condition.match(), frameworks));
      return node;
    }
    case rules_api::Condition::kAllOf:
      node.type = Node::Type::kAllOf;
      children = &condition.all_of().conditions();
      break;
    case rules_api::Condition::kAnyOf:
      node.type = Node::Type::kAnyOf;
      children = &condition.any_of().conditions();
      break;
    case rules_api::Condition::kKOf:
      node.type = Node::Type::kKOf;
      node.k = condition.k_of().k();
      children = &condition.k_of().conditions();
      break;
    case rules_api::Condition::KIND_NOT_SET:
      return absl::InvalidArgumentError("a stored rule has an empty condition");
  }
  for (const rules_api::Condition& child : *children) {
    ASSIGN_OR_RETURN(Node compiled, CompileCondition(child, frameworks));
    node.children.push_back(std::move(compiled));
  }
  return node;
}

const rules_api::Course* FindCourse(const rules_api::Programme& programme,
                                    absl::string_view code) {
  for (const rules_api::Course& course : programme.courses()) {
    if (course.code() == code) return &course;
  }
  return nullptr;
}

absl::StatusOr<std::unique_ptr<CompiledRule>> CompileRule(
    const rules_api::Programme& programme, rules_api::Rule rule,
    const std::vector<rules_api::Framework>& frameworks) {
  auto compiled = std::make_unique<CompiledRule>();
  std::optional<absl::CivilDay> from = ToCivilDay(rule.effective_from());
  if (!from) return absl::InvalidArgumentError(absl::StrCat("rule ", rule.id(), ": bad dates"));
  compiled->from = *from;
  if (IsDateSet(rule.effective_to())) {
    std::optional<absl::CivilDay> to = ToCivilDay(rule.effective_to());
    if (!to) return absl::InvalidArgumentError(absl::StrCat("rule ", rule.id(), ": bad dates"));
    compiled->to = *to;
  }
  ASSIGN_OR_RETURN(compiled->root, CompileCondition(rule.source(), frameworks));
  const rules_api::Grant& grant = rule.grant();
  if (grant.target_case() == rules_api::Grant::kCourse) {
    const rules_api::Course* course = FindCourse(programme, grant.course());
    if (course == nullptr) {
      return absl::FailedPreconditionError(absl::StrFormat(
          "rule %s grants course %s, which programme %s no longer has", rule.id(),
          grant.course(), programme.id()));
    }
    compiled->course = course->code();
    compiled->category = course->category();
    compiled->fixed_credits_milli =
        grant.credits_milli() > 0 ? grant.credits_milli() : course->credits_milli();
  } else {
    compiled->category = grant.category();
    compiled->fixed_credits_milli = grant.credits_milli();
  }
  compiled->hours_per_credit = grant.hours_per_credit();
  compiled->max_credits_milli = grant.max_credits_milli();
  compiled->rule = std::move(rule);
  return compiled;
}

}  // namespace

CompiledRules::~CompiledRules() = default;

absl::StatusOr<std::shared_ptr<const CompiledRules>> CompiledRules::Compile(
    rules_api::Programme programme, std::vector<rules_api::Rule> versions,
    const std::vector<rules_api::Framework>& frameworks) {
  std::shared_ptr<CompiledRules> compiled(new CompiledRules());
  compiled->programme_ = std::move(programme);
  compiled->rules_.reserve(versions.size());
  for (rules_api::Rule& version : versions) {
    ASSIGN_OR_RETURN(std::unique_ptr<CompiledRule> rule,
                     CompileRule(compiled->programme_, std::move(version), frameworks));
    compiled->rules_.push_back(std::move(rule));
  }
  std::sort(compiled->rules_.begin(), compiled->rules_.end(), [](const auto& a, const auto& b) {
    if (a->rule.id() != b->rule.id()) return a->rule.id() < b->rule.id();
    return a->rule.version() > b->rule.version();
  });
  return std::shared_ptr<const CompiledRules>(std::move(compiled));
}

std::vector<const CompiledRule*> CompiledRules::InEffect(absl::CivilDay day) const {
  std::vector<const CompiledRule*> chosen;
  for (size_t i = 0; i < rules_.size();) {
    size_t end = i;
    while (end < rules_.size() && rules_[end]->rule.id() == rules_[i]->rule.id()) ++end;
    for (size_t v = i; v < end; ++v) {
      if (rules_[v]->from <= day && day <= rules_[v]->to) {
        chosen.push_back(rules_[v].get());
        break;
      }
    }
    i = end;
  }
  std::stable_sort(chosen.begin(), chosen.end(), [](const CompiledRule* a, const CompiledRule* b) {
    return a->rule.priority() < b->rule.priority();
  });
  return chosen;
}

namespace {

// One ledger entry as a possible source.
struct Source {
  const ledger::v1::Entry* entry = nullptr;
  GradeValue grade;
  absl::CivilDay completed;
  // Why it cannot be used at all (reversed, expired, already used);
  // empty when free.
  std::string blocked;
};

// Converted credits so far, for the caps.
struct CapTally {
  int64_t total = 0;
  std::map<int64_t, int64_t> per_year;
  std::map<std::string, int64_t> per_institution;
};

class Evaluation {
 public:
  Evaluation(const CompiledRules& rules, absl::Span<const ledger::v1::Entry> entries,
             const EvaluationContext& context)
      : rules_(rules), programme_(rules.programme()), entries_(entries), context_(context) {}

  rules_api::Proposal Run();

 private:
  void IndexSources();
  void TakeExistingGrants();
  void CountTowardCaps(const std::vector<uint64_t>& sources, int64_t credits);
  void TakeSource(uint64_t entry_id, const std::string& reason);
  bool HasReversedSource(const ledger::v1::Entry& conversion) const;

  const std::vector<int>& Candidates(const CompiledMatcher& m) const;
  bool Identity(const CompiledMatcher& m, const Source& s) const;
  bool Quality(const CompiledMatcher& m, const Source& s) const;
  std::string QualityShortfall(const CompiledMatcher& m, const Source& s) const;

  bool Solve(const Node& node, absl::FunctionRef<bool()> rest);
  bool SolveAll(const std::vector<Node>& nodes, size_t i, absl::FunctionRef<bool()> rest);
  bool SolveK(const std::vector<Node>& nodes, size_t i, uint32_t need,
              absl::FunctionRef<bool()> rest);
  bool CollectRate(const Node& node);

  // Reasons a rule did not match; false when no entry is even relevant.
  bool Explain(const Node& node, absl::string_view group, std::vector<std::string>& reasons);
  bool Relevant(const Node& node) const;

  // The credits caps leave for a grant, with notes; 0 and `why` when none.
  int64_t ApplyCaps(const std::vector<uint64_t>& sources, int64_t credits,
                    std::vector<std::string>& notes, std::string& why) const;
  int64_t LatestYear(const std::vector<uint64_t>& sources) const;
  std::set<std::string> Institutions(const std::vector<uint64_t>& sources) const;

  void Grant(const CompiledRule& rule, rules_api::Proposal& proposal);
  void NearMiss(const CompiledRule& rule, std::vector<std::string> reasons,
                rules_api::Proposal& proposal);

  const CompiledRules& rules_;
  const rules_api::Programme& programme_;
  absl::Span<const ledger::v1::Entry> entries_;
  const EvaluationContext& context_;

  std::vector<Source> sources_;  // entry id order
  absl::flat_hash_map<uint64_t, int> source_index_;  // entry id -> sources_ index
  absl::flat_hash_map<absl::string_view, std::vector<int>> by_code_;
  std::vector<std::pair<absl::string_view, int>> sorted_codes_;
  std::vector<int> all_;
  // Candidates per code prefix; node map: references stay valid while a
  // search holds one and asks for another prefix.
  mutable absl::node_hash_map<std::string, std::vector<int>> by_prefix_;

  // Courses already counted, and how.
  absl::flat_hash_map<std::string, std::string> courses_done_;
  CapTally caps_;
  // The search for one rule.
  std::vector<char> in_use_;
  std::vector<int> assignment_;
  uint32_t steps_ = 0;
  bool exhausted_ = false;
};

void Evaluation::IndexSources() {
  std::vector<const ledger::v1::Entry*> ordered;
  for (const ledger::v1::Entry& entry : entries_) {
    const int kind = entry.outcome().kind();
    if (kind == common::OUTCOME_KIND_REVERSAL || kind == common::OUTCOME_KIND_CONVERSION) continue;
    ordered.push_back(&entry);
  }
  std::sort(ordered.begin(), ordered.end(),
            [](const auto* a, const auto* b) { return a->entry_id() < b->entry_id(); });
  sources_.reserve(ordered.size());
  for (const ledger::v1::Entry* entry : ordered) {
    Source source;
    source.entry = entry;
    source.grade = ReadGrade(entry->outcome().grade());
    source.completed = ToCivilDay(entry->outcome().completion_date()).value_or(absl::CivilDay());
    if (entry->reversed_by_entry_id() != 0) {
      source.blocked = absl::StrCat("reversed by entry ", entry->reversed_by_entry_id());
    } else if (!IsLive(*entry, context_.as_of)) {
      source.blocked = absl::StrCat("expired on ", FormatDate(entry->outcome().valid_until()));
    } else if (source.completed > context_.as_of) {
      source.blocked = "completed after the evaluation date";
    }
    const int index = static_cast<int>(sources_.size());
    source_index_[entry->entry_id()] = index;
    by_code_[entry->outcome().code()].push_back(index);
    sorted_codes_.emplace_back(entry->outcome().code(), index);
    all_.push_back(index);
    sources_.push_back(std::move(source));
  }
  std::sort(sorted_codes_.begin(), sorted_codes_.end());
  in_use_.assign(sources_.size(), 0);
}

bool Evaluation::HasReversedSource(const ledger::v1::Entry& conversion) const {
  for (uint64_t id : conversion.outcome().source_entry_ids()) {
    auto it = source_index_.find(id);
    if (it != source_index_.end() && sources_[it->second].entry->reversed_by_entry_id() != 0) {
      return true;
    }
  }
  return false;
}

void Evaluation::TakeSource(uint64_t entry_id, const std::string& reason) {
  auto it = source_index_.find(entry_id);
  if (it != source_index_.end() && sources_[it->second].blocked.empty()) {
    sources_[it->second].blocked = reason;
  }
}

int64_t Evaluation::LatestYear(const std::vector<uint64_t>& sources) const {
  int64_t year = 0;
  for (uint64_t id : sources) {
    auto it = source_index_.find(id);
    if (it != source_index_.end()) year = std::max(year, sources_[it->second].completed.year());
  }
  return year;
}

std::set<std::string> Evaluation::Institutions(const std::vector<uint64_t>& sources) const {
  std::set<std::string> institutions;
  for (uint64_t id : sources) {
    auto it = source_index_.find(id);
    if (it != source_index_.end()) {
      institutions.insert(sources_[it->second].entry->institution_code());
    }
  }
  return institutions;
}

void Evaluation::CountTowardCaps(const std::vector<uint64_t>& sources, int64_t credits) {
  caps_.total += credits;
  caps_.per_year[LatestYear(sources)] += credits;
  for (const std::string& institution : Institutions(sources)) {
    caps_.per_institution[institution] += credits;
  }
}

// Conversions already in the ledger and open requests take their sources,
// their courses and their share of the caps.
void Evaluation::TakeExistingGrants() {
  for (const ledger::v1::Entry& entry : entries_) {
    if (entry.institution_code() == programme_.institution_code() &&
        entry.outcome().kind() == common::OUTCOME_KIND_COURSE_CREDIT &&
        IsLive(entry, context_.as_of) && FindCourse(programme_, entry.outcome().code())) {
      courses_done_.emplace(entry.outcome().code(),
                            absl::StrCat("earned in entry ", entry.entry_id()));
    }
  }
  for (const ledger::v1::Entry& entry : entries_) {
    if (!IsLive(entry, context_.as_of) || !IsConversionInto(entry, programme_)) continue;
    // A conversion with a reversed source no longer counts (progress
    // leaves it out too): its course, its other sources and its share of
    // the caps are free for a conversion on other sources.
    if (HasReversedSource(entry)) continue;
    const std::string reason = absl::StrCat("already converted in entry ", entry.entry_id());
    std::vector<uint64_t> sources(entry.outcome().source_entry_ids().begin(),
                                  entry.outcome().source_entry_ids().end());
    for (uint64_t source : sources) TakeSource(source, reason);
    if (FindCourse(programme_, entry.outcome().code())) {
      courses_done_.emplace(entry.outcome().code(), reason);
    }
    CountTowardCaps(sources, entry.outcome().credits_milli());
  }
  const std::string reserved =
      context_.reserved_by.empty() ? "reserved by an open conversion request" : context_.reserved_by;
  for (const rules_api::ProposedGrant& grant : context_.reserved) {
    std::vector<uint64_t> sources(grant.source_entry_ids().begin(),
                                  grant.source_entry_ids().end());
    for (uint64_t source : sources) TakeSource(source, reserved);
    if (!grant.course().empty()) courses_done_.emplace(grant.course(), reserved);
    CountTowardCaps(sources, grant.credits_milli());
  }
}

const std::vector<int>& Evaluation::Candidates(const CompiledMatcher& m) const {
  static const std::vector<int>* const kNone = new std::vector<int>();
  if (!m.code.empty()) {
    auto it = by_code_.find(absl::string_view(m.code));
    return it == by_code_.end() ? *kNone : it->second;
  }
  if (!m.code_prefix.empty()) {
    auto [cached, inserted] = by_prefix_.try_emplace(m.code_prefix);
    if (inserted) {
      auto it = std::lower_bound(sorted_codes_.begin(), sorted_codes_.end(),
                                 std::make_pair(absl::string_view(m.code_prefix), -1));
      for (; it != sorted_codes_.end() && absl::StartsWith(it->first, m.code_prefix); ++it) {
        cached->second.push_back(it->second);
      }
      std::sort(cached->second.begin(), cached->second.end());  // entry id order
    }
    return cached->second;
  }
  return all_;
}

bool Evaluation::Identity(const CompiledMatcher& m, const Source& s) const {
  const ledger::v1::Entry& entry = *s.entry;
  if (m.kind != 0 && entry.outcome().kind() != m.kind) return false;
  if (m.sector != 0 && entry.outcome().sector() != m.sector) return false;
  if (!m.code.empty() && entry.outcome().code() != m.code) return false;
  if (!m.code_prefix.empty() && !absl::StartsWith(entry.outcome().code(), m.code_prefix)) {
    return false;
  }
  if (!m.institutions.empty() &&
      std::find(m.institutions.begin(), m.institutions.end(), entry.institution_code()) ==
          m.institutions.end()) {
    return false;
  }
  return true;
}

absl::CivilDay YearsBefore(absl::CivilDay day, uint32_t years) {
  // 29 February minus a non-leap number of years normalises to 1 March.
  return absl::CivilDay(day.year() - years, day.month(), day.day());
}

bool Evaluation::Quality(const CompiledMatcher& m, const Source& s) const {
  if (!MeetsGrade(s.grade, m.grade)) return false;
  if (m.level_mask != 0 &&
      (s.entry->outcome().framework_level() > 31 ||
       (m.level_mask & ~uint32_t{1} & (uint32_t{1} << s.entry->outcome().framework_level())) == 0)) {
    return false;
  }
  if (m.within_years != 0 && s.completed < YearsBefore(context_.as_of, m.within_years)) {
    return false;
  }
  return true;
}

std::string Evaluation::QualityShortfall(const CompiledMatcher& m, const Source& s) const {
  if (!MeetsGrade(s.grade, m.grade)) return GradeShortfall(s.entry->outcome().grade(), m.grade);
  if (m.within_years != 0 && s.completed < YearsBefore(context_.as_of, m.within_years)) {
    return absl::StrFormat("completed %s, more than %d years before %s",
                           FormatDate(s.entry->outcome().completion_date()), m.within_years,
                           FormatDate(ToDate(context_.as_of)));
  }
  const uint32_t level = s.entry->outcome().framework_level();
  if (level == 0) return absl::StrCat("no framework level (needs ", m.level_text, ")");
  return absl::StrCat("level ", level, " below ", m.level_text);
}

bool Evaluation::Solve(const Node& node, absl::FunctionRef<bool()> rest) {
  switch (node.type) {
    case Node::Type::kMatch:
      for (int index : Candidates(node.matcher)) {
        if (++steps_ > kMaxMatchStepsPerRule) {
          exhausted_ = true;
          return false;
        }
        const Source& source = sources_[index];
        if (in_use_[index] || !source.blocked.empty() || !Identity(node.matcher, source) ||
            !Quality(node.matcher, source)) {
          continue;
        }
        in_use_[index] = 1;
        assignment_.push_back(index);
        if (rest()) return true;
        in_use_[index] = 0;
        assignment_.pop_back();
        if (exhausted_) return false;
      }
      return false;
    case Node::Type::kAllOf:
      return SolveAll(node.children, 0, rest);
    case Node::Type::kAnyOf:
      for (const Node& child : node.children) {
        if (Solve(child, rest)) return true;
        if (exhausted_) return false;
      }
      return false;
    case Node::Type::kKOf:
      return SolveK(node.children, 0, node.k, rest);
  }
  return false;
}

bool Evaluation::SolveAll(const std::vector<Node>& nodes, size_t i,
                          absl::FunctionRef<bool()> rest) {
  if (i == nodes.size()) return rest();
  return Solve(nodes[i], [&] { return SolveAll(nodes, i + 1, rest); });
}

bool Evaluation::SolveK(const std::vector<Node>& nodes, size_t i, uint32_t need,
                        absl::FunctionRef<bool()> rest) {
  if (need == 0) return rest();
  if (nodes.size() - i < need) return false;
  if (Solve(nodes[i], [&] { return SolveK(nodes, i + 1, need - 1, rest); })) return true;
  if (exhausted_) return false;
  return SolveK(nodes, i + 1, need, rest);
}

// A rate grant takes every free entry its matchers accept (with hours).
bool Evaluation::CollectRate(const Node& node) {
  std::vector<const Node*> leaves;
  if (node.type == Node::Type::kMatch) {
    leaves.push_back(&node);
  } else {
    for (const Node& child : node.children) leaves.push_back(&child);
  }
  for (const Node* leaf : leaves) {
    if (leaf->type != Node::Type::kMatch) continue;  // refused when the rule was applied
    for (int index : Candidates(leaf->matcher)) {
      const Source& source = sources_[index];
      if (in_use_[index] || !source.blocked.empty() || source.entry->outcome().study_hours() == 0 ||
          !Identity(leaf->matcher, source) || !Quality(leaf->matcher, source)) {
        continue;
      }
      in_use_[index] = 1;
      assignment_.push_back(index);
    }
  }
  std::sort(assignment_.begin(), assignment_.end());
  // The grant becomes one conversion entry, which names at most
  // kMaxSourceEntriesPerConversion sources (else the ledger refuses the
  // approval): the earliest entries are taken, the rest stay free.
  if (assignment_.size() > kMaxSourceEntriesPerConversion) {
    for (size_t i = kMaxSourceEntriesPerConversion; i < assignment_.size(); ++i) {
      in_use_[assignment_[i]] = 0;
    }
    assignment_.resize(kMaxSourceEntriesPerConversion);
  }
  return !assignment_.empty();
}

bool Evaluation::Relevant(const Node& node) const {
  if (node.type != Node::Type::kMatch) {
    return std::any_of(node.children.begin(), node.children.end(),
                       [&](const Node& child) { return Relevant(child); });
  }
  for (int index : Candidates(node.matcher)) {
    if (Identity(node.matcher, sources_[index])) return true;
  }
  return false;
}

bool Evaluation::Explain(const Node& node, absl::string_view group,
                         std::vector<std::string>& reasons) {
  if (node.type == Node::Type::kMatch) {
    std::vector<std::string> why;
    bool usable = false;
    bool relevant = false;
    for (int index : Candidates(node.matcher)) {
      const Source& source = sources_[index];
      if (!Identity(node.matcher, source)) continue;
      relevant = true;
      std::string reason = !source.blocked.empty()        ? source.blocked
                           : !Quality(node.matcher, source) ? QualityShortfall(node.matcher, source)
                                                             : "";
      if (reason.empty()) {
        usable = true;
        continue;
      }
      if (why.size() < kEntriesNamedPerLeaf) {
        why.push_back(absl::StrCat("entry ", source.entry->entry_id(), " ",
                                   source.entry->outcome().code(), ": ", reason));
      }
    }
    if (!relevant) {
      reasons.push_back(absl::StrCat(group, "no entry ", node.matcher.description));
    } else if (!usable) {
      for (std::string& reason : why) reasons.push_back(absl::StrCat(group, reason));
    }
    return relevant;
  }
  std::string label;
  switch (node.type) {
    case Node::Type::kAllOf:
      label = absl::StrCat("missing from an all-of group of ", node.children.size(), ": ");
      break;
    case Node::Type::kAnyOf:
      label = absl::StrCat("none of ", node.children.size(), " alternatives: ");
      break;
    case Node::Type::kKOf:
      label = absl::StrCat("needs ", node.k, " of ", node.children.size(), ": ");
      break;
    case Node::Type::kMatch:
      break;
  }
  bool relevant = false;
  for (const Node& child : node.children) relevant |= Explain(child, label, reasons);
  return relevant;
}

int64_t Evaluation::ApplyCaps(const std::vector<uint64_t>& sources, int64_t credits,
                              std::vector<std::string>& notes, std::string& why) const {
  int64_t allowed = credits;
  auto limit = [&](int64_t left, const std::string& cap) {
    left = std::max<int64_t>(left, 0);
    if (left >= allowed) return;
    allowed = left;
    if (left == 0) {
      why = absl::StrCat(cap, " reached");
    } else {
      notes.push_back(absl::StrCat("capped from ", FormatMilli(credits), " to ",
                                   FormatMilli(left), " credits by the ", cap));
    }
  };
  if (programme_.max_conversion_permille() > 0) {
    const int64_t cap =
        programme_.required_credits_milli() * programme_.max_conversion_permille() / 1000;
    limit(cap - caps_.total,
          absl::StrFormat("programme conversion cap (%s credits, %d‰ of %s)", FormatMilli(cap),
                          programme_.max_conversion_permille(),
                          FormatMilli(programme_.required_credits_milli())));
  }
  if (programme_.max_converted_credits_per_year_milli() > 0) {
    const int64_t year = LatestYear(sources);
    auto it = caps_.per_year.find(year);
    limit(programme_.max_converted_credits_per_year_milli() -
              (it == caps_.per_year.end() ? 0 : it->second),
          absl::StrFormat("cap of %s credits from %d",
                          FormatMilli(programme_.max_converted_credits_per_year_milli()), year));
  }
  if (programme_.max_converted_credits_per_source_institution_milli() > 0) {
    for (const std::string& institution : Institutions(sources)) {
      auto it = caps_.per_institution.find(institution);
      limit(programme_.max_converted_credits_per_source_institution_milli() -
                (it == caps_.per_institution.end() ? 0 : it->second),
            absl::StrFormat(
                "cap of %s credits from %s",
                FormatMilli(programme_.max_converted_credits_per_source_institution_milli()),
                institution));
    }
  }
  return allowed;
}

void Evaluation::NearMiss(const CompiledRule& rule, std::vector<std::string> reasons,
                          rules_api::Proposal& proposal) {
  rules_api::NearMiss* miss = proposal.add_near_misses();
  miss->set_rule_id(rule.rule.id());
  miss->set_rule_version(rule.rule.version());
  if (reasons.size() > kMaxReasonsPerNearMiss) {
    const size_t more = reasons.size() - kMaxReasonsPerNearMiss;
    reasons.resize(kMaxReasonsPerNearMiss);
    reasons.push_back(absl::StrCat("and ", more, " more"));
  }
  for (std::string& reason : reasons) miss->add_reasons(std::move(reason));
}

void Evaluation::Grant(const CompiledRule& rule, rules_api::Proposal& proposal) {
  assignment_.clear();
  steps_ = 0;
  exhausted_ = false;
  if (!rule.course.empty()) {
    if (auto done = courses_done_.find(rule.course); done != courses_done_.end()) {
      if (Relevant(rule.root)) {
        NearMiss(rule, {absl::StrCat("course ", rule.course, " already counted (", done->second, ")")},
                 proposal);
      }
      return;
    }
  }
  const bool matched =
      rule.hours_per_credit > 0 ? CollectRate(rule.root) : Solve(rule.root, [] { return true; });
  auto release = [&] {
    for (int index : assignment_) in_use_[index] = 0;
  };
  if (!matched) {
    release();
    std::vector<std::string> reasons;
    if (!Explain(rule.root, "", reasons)) return;  // nothing relevant: not a near miss
    if (exhausted_) {
      reasons.push_back(absl::StrCat("gave up after ", kMaxMatchStepsPerRule,
                                     " combinations of entries"));
    } else if (reasons.empty()) {
      reasons.push_back("each part can be met, but not with different entries");
    }
    NearMiss(rule, std::move(reasons), proposal);
    return;
  }
  std::vector<uint64_t> source_ids;
  int64_t hours = 0;
  for (int index : assignment_) {
    source_ids.push_back(sources_[index].entry->entry_id());
    hours += sources_[index].entry->outcome().study_hours();
  }
  std::vector<std::string> notes;
  int64_t credits = rule.fixed_credits_milli;
  if (rule.hours_per_credit > 0) {
    credits = hours * 1000 / rule.hours_per_credit;
    notes.push_back(absl::StrFormat("%d study hours at %d hours per credit", hours,
                                    rule.hours_per_credit));
  }
  const int64_t uncapped = credits;  // before any cap, the rule's own included
  if (rule.max_credits_milli > 0 && credits > rule.max_credits_milli) {
    notes.push_back(absl::StrCat("capped from ", FormatMilli(credits), " to ",
                                 FormatMilli(rule.max_credits_milli), " credits by the rule"));
    credits = rule.max_credits_milli;
  }
  if (credits > kMaxCreditsMilliPerEntry) {
    // Only a rate can get here (fixed credits are checked): one conversion
    // entry carries at most this much, or the ledger refuses the approval.
    notes.push_back(absl::StrCat("capped from ", FormatMilli(credits), " to ",
                                 FormatMilli(kMaxCreditsMilliPerEntry),
                                 " credits, the most one conversion entry carries"));
    credits = kMaxCreditsMilliPerEntry;
  }
  std::string why;
  const int64_t allowed = ApplyCaps(source_ids, credits, notes, why);
  if (allowed == 0 || (!rule.course.empty() && allowed < credits)) {
    release();
    if (why.empty()) {
      why = absl::StrCat("course ", rule.course, " needs ", FormatMilli(credits),
                         " credits; the caps leave ", FormatMilli(allowed));
    }
    NearMiss(rule, {absl::StrCat("matched entries ", absl::StrJoin(source_ids, ", "), ", but the ", why)},
             proposal);
    return;
  }
  rules_api::ProposedGrant* grant = proposal.add_grants();
  grant->set_rule_id(rule.rule.id());
  grant->set_rule_version(rule.rule.version());
  for (uint64_t id : source_ids) grant->add_source_entry_ids(id);
  grant->set_course(rule.course);
  grant->set_category(rule.category);
  grant->set_credits_milli(allowed);
  grant->set_uncapped_credits_milli(uncapped);
  for (std::string& note : notes) grant->add_notes(std::move(note));

  const std::string used = absl::StrCat("used by rule ", rule.rule.id(), " in this proposal");
  for (int index : assignment_) {
    in_use_[index] = 0;
    sources_[index].blocked = used;
  }
  if (!rule.course.empty()) {
    courses_done_.emplace(rule.course, absl::StrCat("granted by rule ", rule.rule.id()));
  }
  CountTowardCaps(source_ids, allowed);
}

rules_api::Proposal Evaluation::Run() {
  rules_api::Proposal proposal;
  proposal.set_programme_id(programme_.id());
  *proposal.mutable_as_of() = ToDate(context_.as_of);
  if (!entries_.empty()) proposal.set_account_number(entries_.front().outcome().account_number());
  IndexSources();
  TakeExistingGrants();
  std::vector<const CompiledRule*> in_effect = rules_.InEffect(context_.as_of);
  for (const CompiledRule* rule : in_effect) Grant(*rule, proposal);
  proposal.set_rules_considered(static_cast<uint32_t>(in_effect.size()));
  proposal.set_entries_considered(static_cast<uint32_t>(sources_.size()));

  std::vector<rules_api::ProposedGrant> counted(context_.reserved.begin(), context_.reserved.end());
  counted.insert(counted.end(), proposal.grants().begin(), proposal.grants().end());
  *proposal.mutable_progress() = ComputeProgress(programme_, entries_, context_.as_of, counted);
  proposal.set_digest(ProposalDigest(proposal));
  return proposal;
}

}  // namespace

rules_api::Proposal Evaluate(const CompiledRules& rules,
                             absl::Span<const ledger::v1::Entry> entries,
                             const EvaluationContext& context) {
  return Evaluation(rules, entries, context).Run();
}

std::string ProposalDigest(const rules_api::Proposal& proposal) {
  // Length-prefixed fields: no two different proposals share a text.
  std::string text;
  auto add = [&text](absl::string_view field) { absl::StrAppend(&text, field.size(), ":", field); };
  add(proposal.account_number());
  add(proposal.programme_id());
  add(FormatDate(proposal.as_of()));
  for (const rules_api::ProposedGrant& grant : proposal.grants()) {
    add(grant.rule_id());
    add(absl::StrCat(grant.rule_version()));
    add(absl::StrJoin(grant.source_entry_ids(), ","));
    add(grant.course());
    add(grant.category());
    add(absl::StrCat(grant.credits_milli()));
  }
  return Sha256(text);
}

}  // namespace creditbank::domain::rules
