#include "clients/cbctl/log_checks.h"

#include <string>

#include "domain/tlog/leaf.h"
#include "nlohmann/json.hpp"

namespace creditbank::cbctl {

absl::Status ProvesEntry(const log::v1::InclusionProof& proof, uint64_t entry_id,
                         uint64_t tree_size) {
  if (proof.entry_id() != entry_id || proof.leaf_index() != entry_id - 1 ||
      proof.tree_size() != tree_size) {
    return absl::DataLossError("the server answered with a proof for another entry or tree");
  }
  const nlohmann::json leaf = nlohmann::json::parse(proof.leaf(), nullptr, false);
  if (!leaf.is_object() || leaf.value("entry_id", nlohmann::json()) != entry_id ||
      leaf.value("format", nlohmann::json()) != std::string(domain::tlog::kLeafFormat)) {
    return absl::DataLossError("the leaf is not the entry's own canonical leaf");
  }
  return absl::OkStatus();
}

}  // namespace creditbank::cbctl
