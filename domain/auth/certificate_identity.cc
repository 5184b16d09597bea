#include "domain/auth/certificate_identity.h"

#include <openssl/bio.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "domain/validation/text.h"

namespace creditbank::domain {
namespace {

// Longest subject field we read; X.509 upper bounds are 64 characters.
constexpr int kMaxSubjectFieldBytes = 256;

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct X509Free {
  void operator()(X509* certificate) const { X509_free(certificate); }
};

// The subject's only entry of type `nid` as UTF-8; nullopt when there is
// none, more than one, or it is not valid text.
std::optional<std::string> OnlySubjectField(X509_NAME* subject, int nid) {
  const int index = X509_NAME_get_index_by_NID(subject, nid, -1);
  if (index < 0 || X509_NAME_get_index_by_NID(subject, nid, index) >= 0) return std::nullopt;
  ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, index));
  unsigned char* utf8 = nullptr;
  const int length = ASN1_STRING_to_UTF8(&utf8, data);
  if (length < 0) return std::nullopt;
  std::string text(reinterpret_cast<const char*>(utf8), static_cast<size_t>(length));
  OPENSSL_free(utf8);
  if (text.empty() || text.size() > kMaxSubjectFieldBytes) return std::nullopt;
  return text;
}

absl::Status Refused(absl::string_view why) {
  return absl::UnauthenticatedError(absl::StrCat("client certificate refused: ", why));
}

}  // namespace

absl::StatusOr<Caller> CallerFromCertificate(absl::string_view pem) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (bio == nullptr) return Refused("cannot read it");
  std::unique_ptr<X509, X509Free> certificate(
      PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (certificate == nullptr) return Refused("not a PEM certificate");
  X509_NAME* subject = X509_get_subject_name(certificate.get());
  std::optional<std::string> unit = OnlySubjectField(subject, NID_organizationalUnitName);
  std::optional<std::string> name = OnlySubjectField(subject, NID_commonName);
  if (!unit.has_value() || !name.has_value()) {
    return Refused("the subject needs exactly one OU (the role) and one CN (the name)");
  }
  Caller caller;
  caller.name = *name;
  if (*unit == "operator") {
    caller.role = Role::kOperator;
  } else if (*unit == "service") {
    caller.role = Role::kService;
  } else if (*unit == "institution") {
    if (!CheckIdentifier(*name, kInstitutionCodeRules).empty()) {
      return Refused("an institution certificate's CN must be the institution code");
    }
    caller.role = Role::kInstitution;
    caller.institution_code = *name;
  } else {
    return Refused(absl::StrCat("OU '", *unit,
                                "' is not a client role (operator, institution, service)"));
  }
  if (!CheckDisplayText(caller.name, 1, 64).empty()) {
    return Refused("the CN is not valid display text");
  }
  return caller;
}

}  // namespace creditbank::domain
