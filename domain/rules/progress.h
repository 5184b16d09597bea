// Programme progress from an account's ledger entries: credits earned in
// the programme's courses, credits converted into it, per category, what is
// still missing, and whether the award requirements are met.
//
// Earned: course-credit entries the programme's institution recorded for
// one of the programme's course codes (a course counts once). Converted:
// conversion entries the programme's institution recorded for one of its
// course or category codes. Reversed and expired entries never count; a
// conversion whose source entry was reversed does not count either, and
// is listed as flagged.
#ifndef CREDITBANK_DOMAIN_RULES_PROGRESS_H_
#define CREDITBANK_DOMAIN_RULES_PROGRESS_H_

#include <cstdint>

#include "absl/container/flat_hash_map.h"
#include "absl/time/civil_time.h"
#include "absl/types/span.h"
#include "creditbank/ledger/v1/ledger.pb.h"
#include "creditbank/rules/v1/rules.pb.h"

namespace creditbank::domain::rules {

namespace rules_api = ::creditbank::rules::v1;

// Whether `entry` counts at all on `as_of`: not a reversal, not reversed,
// not expired.
bool IsLive(const ledger::v1::Entry& entry, absl::CivilDay as_of);

// Whether `entry` is a conversion into `programme` (its institution, one
// of its course or category codes).
bool IsConversionInto(const ledger::v1::Entry& entry, const rules_api::Programme& programme);

// Whether a source of the conversion `entry` has been reversed.
// `by_id`: the account's entries by id.
bool HasReversedSource(const ledger::v1::Entry& entry,
                       const absl::flat_hash_map<uint64_t, const ledger::v1::Entry*>& by_id);

// Progress of `entries` (one account's) toward `programme` on `as_of`,
// with `extra` grants (a proposal's) counted as if already converted.
rules_api::Progress ComputeProgress(const rules_api::Programme& programme,
                                    absl::Span<const ledger::v1::Entry> entries,
                                    absl::CivilDay as_of,
                                    absl::Span<const rules_api::ProposedGrant> extra = {});

}  // namespace creditbank::domain::rules

#endif  // CREDITBANK_DOMAIN_RULES_PROGRESS_H_
