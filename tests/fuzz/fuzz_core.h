// The harness the request fuzz targets share: one domain::Core per fuzzing
// process on a small RocksDB in a temp directory, seeded so that valid
// requests can succeed, and the checks of the contract every answer keeps.
//
//   extern "C" int LLVMFuzzerInitialize(int*, char***) { FuzzCore::Instance(); return 0; }
//   extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
//     FuzzCore& fuzz = FuzzCore::Instance();
//     ...                                   // parse, call fuzz.core(), CheckAnswer(...)
//     fuzz.AfterInput();                    // periodic consistency check, store reset
//     return 0;
//   }
//
// The store lives on tmpfs (/dev/shm) when there is one, so the synced
// commits cost nothing; CREDITBANK_FUZZ_TMPDIR overrides the place. Every
// kInputsPerStore inputs the store is checked for consistency, closed,
// removed and seeded afresh, which bounds its size, the process's memory
// and the cost of the checks however long the run. At exit the store is
// checked once more and removed, so replaying one crashing input checks
// consistency after it too.
#ifndef CREDITBANK_TESTS_FUZZ_FUZZ_CORE_H_
#define CREDITBANK_TESTS_FUZZ_FUZZ_CORE_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/clock.h"
#include "domain/core.h"

namespace creditbank::fuzz {

// What SeedStore leaves in a fresh store. Deterministic (fixed keys, fixed
// clock), so the corpus generator's requests name real accounts and entries.
struct SeededState {
  // Accredited, vocational, every recordable kind in the vocational and
  // general higher sectors up to level 8.
  std::string accredited_code;
  // Accredited for course credits in general higher education up to level 4.
  std::string narrow_code;
  std::string registered_code;  // registered, never accredited
  std::string suspended_code;   // accredited, then suspended
  std::vector<std::string> resident_ids;  // the people of the accounts below, in order
  std::vector<std::string> active_accounts;
  std::string frozen_account;
  std::string closed_account;
  // Entries recorded by accredited_code on active_accounts[0] (a course
  // credit, a certificate with a valid_until already past, training hours),
  // then a conversion of the first two; one further course credit that
  // was reversed, and its reversal.
  std::vector<uint64_t> live_entry_ids;
  uint64_t conversion_entry_id = 0;
  uint64_t reversed_entry_id = 0;
  uint64_t reversal_entry_id = 0;
  // An entry of active_accounts[1] recorded by narrow_code.
  uint64_t other_account_entry_id = 0;
  // ListEntries of active_accounts[0] with page_size 1: the token of page 2.
  std::string entries_page_token;
  // ListInstitutions with page_size 1: the token of page 2.
  std::string institutions_page_token;
};

// A resident ID with a correct check character for person n (n < 1000).
std::string FuzzResidentId(int n);

// 2026-07-01 12:00 in the bank's zone: the fuzzed Core's fixed "now".
absl::Time FuzzNow();

class FuzzCore {
 public:
  // Inputs run against one store before it is checked and made again.
  static constexpr uint64_t kInputsPerStore = 5000;

  // The process's instance, made (and seeded) on first use; removed at exit.
  static FuzzCore& Instance();

  domain::Core& core() { return *core_; }
  const SeededState& seeded() const { return seeded_; }

  // Counts an input; every `check_every` inputs checks consistency, and
  // every kInputsPerStore makes a fresh store. CREDITBANK_FUZZ_CHECK_EVERY
  // overrides check_every (1 checks after every input, for replaying).
  void AfterInput(uint64_t check_every);

  // Aborts, printing the differences, unless the store is consistent.
  void CheckConsistencyOrDie(absl::string_view when);

  // Counts an answer of `rpc` for the summary printed at exit (how many
  // succeeded, i.e. how much of the fuzzing got past the checks).
  void Tally(absl::string_view rpc, const absl::Status& status);

  // Checks, closes and removes the store, and prints the tally (at exit).
  void Shutdown();

  FuzzCore(const FuzzCore&) = delete;
  FuzzCore& operator=(const FuzzCore&) = delete;

 private:
  FuzzCore();
  void Open();
  void Close();

  FakeClock clock_;
  std::string directory_;  // the temp directory of the current store
  std::unique_ptr<domain::Core> core_;
  SeededState seeded_;
  uint64_t inputs_ = 0;
  uint64_t check_every_override_ = 0;
  std::map<std::string, std::pair<uint64_t, uint64_t>> tally_;  // rpc -> (ok, all)
};

// Prints `what` (with the RPC's name) and aborts: an invariant broke.
[[noreturn]] void Fail(absl::string_view rpc, absl::string_view what);

// The error contract of every Core answer: OK, or INVALID_ARGUMENT with a
// google.rpc.BadRequest naming at least one field, or NOT_FOUND,
// FAILED_PRECONDITION or ALREADY_EXISTS with a BadRequest and an
// ErrorReason. Any other code (INTERNAL, DATA_LOSS, UNAVAILABLE, ...) on a
// healthy store is a bug. Aborts when the status breaks it.
void CheckErrorContract(absl::string_view rpc, const absl::Status& status);

// The field paths of a status's BadRequest, with `from` replaced by `to`
// where a path starts with it, sorted.
std::vector<std::string> FieldsWithPrefix(const absl::Status& status, absl::string_view from,
                                          absl::string_view to);

// Silences protobuf's log: a proto3 string with bad UTF-8 logs an error on
// every parse, which would flood the fuzzer's output. Call once at start.
void QuietProtobufLogs();

}  // namespace creditbank::fuzz

#endif  // CREDITBANK_TESTS_FUZZ_FUZZ_CORE_H_
