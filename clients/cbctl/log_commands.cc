// cbctl log checkpoint|prove|consistency: the ledger's transparency log.
// Every command checks what it prints: the checkpoint's signature (with
// the key the server publishes, or one pinned with --key), and each proof
// against the signed root, so an operator or auditor sees "verified" only
// for what actually verifies.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "clients/cbctl/commands.h"
#include "clients/cbctl/log_checks.h"
#include "common/status_macros.h"
#include "domain/tlog/checkpoint.h"
#include "domain/tlog/merkle.h"

namespace creditbank::cbctl {
namespace {

namespace tlog = ::creditbank::domain::tlog;

struct LogFlags {
  std::string pinned_key;  // a note verifier key; empty: the one served
  uint64_t entry_id = 0;
  uint64_t from_size = 0;
  std::string from_root;  // base64, as a checkpoint prints it
};

std::vector<std::string> Hashes(const google::protobuf::RepeatedPtrField<std::string>& field) {
  return {field.begin(), field.end()};
}

// The latest checkpoint, its signature checked. FAILED_PRECONDITION when
// the served key is not the pinned one, UNAUTHENTICATED when the note does
// not verify.
absl::StatusOr<tlog::Checkpoint> VerifiedCheckpoint(Session& session, const LogFlags& flags,
                                                    log::v1::Checkpoint* served) {
  ASSIGN_OR_RETURN(*served, session.log().GetCheckpoint());
  if (!flags.pinned_key.empty() && flags.pinned_key != served->verifier_key()) {
    return absl::FailedPreconditionError(
        absl::StrCat("the log's key is ", served->verifier_key(), ", not the pinned --key"));
  }
  ASSIGN_OR_RETURN(tlog::NoteVerifierKey key,
                   tlog::ParseNoteVerifierKey(flags.pinned_key.empty() ? served->verifier_key()
                                                                       : flags.pinned_key));
  ASSIGN_OR_RETURN(std::string text, tlog::OpenNote(served->signed_note(), key));
  return tlog::ParseCheckpoint(text, key.name);
}

std::string HeadLines(const tlog::Checkpoint& head, const std::string& key) {
  return absl::StrCat("origin     ", head.origin, "\ntree size  ", head.tree_size,
                      "\nroot hash  ", absl::Base64Escape(head.root_hash), "\nkey        ", key,
                      "\n");
}

int Checkpoint(Session& session, const LogFlags& flags) {
  log::v1::Checkpoint served;
  absl::StatusOr<tlog::Checkpoint> head = VerifiedCheckpoint(session, flags, &served);
  if (!head.ok()) return ReportError(session.err(), head.status());
  if (session.json()) {
    session.out() << ToJson(served);
  } else {
    session.out() << HeadLines(*head, served.verifier_key())
                  << (flags.pinned_key.empty()
                          ? "(signature verified with the key the server sent: pin it with --key)"
                          : "(signature verified with the pinned --key)")
                  << "\n\n"
                  << served.signed_note();
  }
  return kExitOk;
}

int Prove(Session& session, const LogFlags& flags) {
  log::v1::Checkpoint served;
  absl::StatusOr<tlog::Checkpoint> head = VerifiedCheckpoint(session, flags, &served);
  if (!head.ok()) return ReportError(session.err(), head.status());
  log::v1::GetInclusionProofRequest request;
  request.set_entry_id(flags.entry_id);
  request.set_tree_size(head->tree_size);
  absl::StatusOr<log::v1::InclusionProof> proof = session.log().GetInclusionProof(request);
  if (!proof.ok()) return ReportError(session.err(), proof.status());
  // Nothing the server says about which entry this is counts: the index
  // is the one asked for, and the leaf itself must name that entry.
  absl::Status verified = ProvesEntry(*proof, flags.entry_id, head->tree_size);
  if (verified.ok()) {
    verified = tlog::VerifyInclusion(tlog::LeafHash(proof->leaf()), flags.entry_id - 1,
                                     head->tree_size, Hashes(proof->hashes()), head->root_hash);
  }
  if (!verified.ok()) {
    session.err() << "cbctl log prove: the proof does NOT verify against the signed checkpoint: "
                  << verified.message() << "\n";
    return kExitInconsistent;
  }
  if (session.json()) {
    session.out() << ToJson(*proof);
  } else {
    session.out() << "entry      " << proof->entry_id() << " (leaf " << proof->leaf_index()
                  << ")\nleaf       " << proof->leaf() << "\n"
                  << HeadLines(*head, served.verifier_key()) << "proof      "
                  << proof->hashes_size() << " hashes\n"
                  << "(inclusion verified against the signed checkpoint)\n";
  }
  return kExitOk;
}

int Consistency(Session& session, const LogFlags& flags) {
  log::v1::Checkpoint served;
  absl::StatusOr<tlog::Checkpoint> head = VerifiedCheckpoint(session, flags, &served);
  if (!head.ok()) return ReportError(session.err(), head.status());
  std::string kept_root;
  if (!flags.from_root.empty() && (!absl::Base64Unescape(flags.from_root, &kept_root) ||
                                   kept_root.size() != tlog::kHashBytes)) {
    session.err() << "cbctl log consistency: --root must be a base64 SHA-256 hash, as a "
                     "checkpoint prints it\n";
    return kExitUsage;
  }
  log::v1::GetConsistencyProofRequest request;
  request.set_first_tree_size(flags.from_size);
  request.set_second_tree_size(head->tree_size);
  absl::StatusOr<log::v1::ConsistencyProof> proof = session.log().GetConsistencyProof(request);
  if (!proof.ok()) return ReportError(session.err(), proof.status());
  // The root the caller kept, when given: that is what makes the check
  // worth anything; else the one the server reports for the older tree
  // (which proves only that the server's answers agree with each other).
  const std::string& first_root = kept_root.empty() ? proof->first_root_hash() : kept_root;
  const absl::Status verified =
      tlog::VerifyConsistency(flags.from_size, head->tree_size, first_root, head->root_hash,
                              Hashes(proof->hashes()));
  if (!verified.ok()) {
    session.err() << "cbctl log consistency: the log of " << flags.from_size
                  << " leaves is NOT a prefix of the signed checkpoint: " << verified.message()
                  << "\n";
    return kExitInconsistent;
  }
  if (session.json()) {
    session.out() << ToJson(*proof);
  } else {
    session.out() << "from       " << flags.from_size << " leaves, root "
                  << absl::Base64Escape(first_root)
                  << (kept_root.empty() ? " (as the server reports it: give --root to check "
                                          "a head you kept)"
                                        : " (as given)")
                  << "\n"
                  << HeadLines(*head, served.verifier_key())
                  << "(consistency verified: the older tree is a prefix of the signed one)\n";
  }
  return kExitOk;
}

}  // namespace

void AddLogCommands(CLI::App& app, Action& action) {
  auto flags = std::make_shared<LogFlags>();
  CLI::App* group = app.add_subcommand("log", "the ledger's transparency log");
  group->require_subcommand(1);
  group->add_option("--key", flags->pinned_key,
                    "the log's note verifier key to trust (name+id+key); default: the one "
                    "the server publishes");

  group->add_subcommand("checkpoint", "the signed tree head, its signature checked")
      ->callback([&action, flags] {
        action = [flags](Session& s) { return Checkpoint(s, *flags); };
      });

  CLI::App* prove = group->add_subcommand(
      "prove", "an entry's leaf and inclusion proof, checked against the signed checkpoint");
  prove->add_option("--entry", flags->entry_id, "entry id")->required()->check(CLI::PositiveNumber);
  prove->callback([&action, flags] { action = [flags](Session& s) { return Prove(s, *flags); }; });

  CLI::App* consistency = group->add_subcommand(
      "consistency", "prove that an older tree (a checkpoint you kept) is a prefix of today's");
  consistency->add_option("--from", flags->from_size, "the older tree size")
      ->required()
      ->check(CLI::PositiveNumber);
  consistency->add_option("--root", flags->from_root,
                          "the older tree's root hash (base64) from the checkpoint you kept");
  consistency->callback(
      [&action, flags] { action = [flags](Session& s) { return Consistency(s, *flags); }; });
}

}  // namespace creditbank::cbctl
