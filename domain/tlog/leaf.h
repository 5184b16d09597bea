// The transparency log's leaves: the canonical bytes of one ledger entry
// (docs/transparency-log.md §2). A leaf is a JSON object in the JSON
// Canonicalization Scheme (RFC 8785): members sorted, no whitespace,
// integers only, strings escaped minimally. Any JCS library recomputes the
// same bytes from the parsed object, so a verifier holding a leaf (a
// transcript embeds them) checks SHA-256(0x00 || leaf) against an
// inclusion proof without any code of ours.
//
// Every leaf carries a salt: 16 bytes of HMAC-SHA-256 under a key only the
// bank holds, over the entry id. Inclusion proofs hand out the hashes of
// neighbouring leaves; without the salt anyone could confirm a guess
// about someone else's entry (account, course, grade, date) against them.
// The salt is a function of the entry id, so applying the command stream
// again gives the same tree.
//
//   LeafHasher hasher(LeafSaltKey(keys.identity_hmac_secret));
//   std::string leaf = hasher.LeafBytes(entry);   // {"account":"62...",...}
//   std::string hash = LeafHash(leaf);             // merkle.h
#ifndef CREDITBANK_DOMAIN_TLOG_LEAF_H_
#define CREDITBANK_DOMAIN_TLOG_LEAF_H_

#include <cstddef>
#include <openssl/types.h>

#include <cstdint>
#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "creditbank/ledger/v1/ledger.pb.h"

namespace creditbank::domain::tlog {

// The "format" member of every leaf; a new layout gets a new name.
inline constexpr absl::string_view kLeafFormat = "creditbank.leaf.v1";
inline constexpr size_t kLeafSaltBytes = 16;

// The key that salts leaves, derived from the key file's identity secret
// (HMAC with a label of its own, so the two uses never share an input).
std::string LeafSaltKey(absl::string_view identity_hmac_secret);

// Appends `text` to `out` as a JSON string, escaped as RFC 8785 §3.2.2.2
// says: '"' and '\' escaped, \b \f \n \r \t, other control characters as
// \u00xx (lower-case hex), everything else (UTF-8 included) as it is.
void AppendJcsString(std::string& out, absl::string_view text);

class LeafHasher {
 public:
  // Thread-safe once built (the sequencer and proof readers share one).
  explicit LeafHasher(std::string salt_key);

  // The leaf's salt: the first kLeafSaltBytes of HMAC(salt key, entry id
  // as 8 big-endian bytes).
  std::string Salt(uint64_t entry_id) const;
  // The canonical bytes of `entry` (its read-time field
  // reversed_by_entry_id and the institution's request id are not part of
  // it: the first is not known when the entry is written, the second is
  // the institution's own bookkeeping).
  std::string LeafBytes(const ledger::v1::Entry& entry) const;
  // LeafHash(LeafBytes(entry)).
  std::string LeafHashOf(const ledger::v1::Entry& entry) const;

 private:
  std::string salt_key_;
  // HMAC-SHA-256 keyed with the salt key once; each salt works on a copy
  // (keying and looking the algorithm up per entry cost more than the MAC).
  std::shared_ptr<EVP_MAC_CTX> keyed_mac_;
};

}  // namespace creditbank::domain::tlog

#endif  // CREDITBANK_DOMAIN_TLOG_LEAF_H_
