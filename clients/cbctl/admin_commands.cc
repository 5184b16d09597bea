// cbctl admin check|token|audit|backup|backups|reencrypt, cbctl audit, cbctl whoami
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "clients/cbctl/commands.h"
#include "clients/cbctl/text_table.h"
#include "domain/validation/dates.h"

namespace creditbank::cbctl {
namespace {

namespace admin_v1 = ::creditbank::admin::v1;

// Audit records fetched per call while paging through a query.
constexpr uint32_t kAuditPageSize = 1000;

int Check(Session& session) {
  absl::StatusOr<ledger::v1::CheckConsistencyResponse> report =
      session.core().CheckConsistency(ledger::v1::CheckConsistencyRequest());
  const int shown = Show(session, report, ConsistencyView);
  if (shown != kExitOk) return shown;
  // Scripts (and monitoring) need to tell a bad ledger from a good one.
  return report->consistent() ? kExitOk : kExitInconsistent;
}

struct AdminFlags {
  std::string account_number;
  uint32_t lifetime_seconds = 0;
  std::string actor;
  std::string target;
  std::string from;
  std::string to;
};

// RFC 3339 ("2026-07-01T08:00:00+08:00") or a date in the bank's zone
// ("2026-07-01", its midnight).
std::string ParseTimeFlag(const std::string& text, absl::Time& time) {
  std::string error;
  if (absl::ParseTime(absl::RFC3339_full, text, &time, &error)) return "";
  if (absl::ParseTime("%Y-%m-%d", text, domain::BankTimeZone(), &time, &error)) return "";
  return absl::StrCat("'", text, "' is not a date (2026-07-01) or an RFC 3339 time");
}

int Token(Session& session, const AdminFlags& flags) {
  admin_v1::IssueLearnerTokenRequest request;
  request.set_account_number(flags.account_number);
  request.set_lifetime_seconds(flags.lifetime_seconds);
  absl::StatusOr<admin_v1::IssueLearnerTokenResponse> answer =
      session.core().IssueLearnerToken(request);
  return Show(session, answer, [](const admin_v1::IssueLearnerTokenResponse& response) {
    // The token alone on stdout, so that $(cbctl admin token ...) works.
    return absl::StrCat(response.token(), "\n");
  });
}

int Audit(Session& session, const AdminFlags& flags) {
  admin_v1::QueryAuditRequest request;
  request.set_actor(flags.actor);
  request.set_target(flags.target);
  // The time fields are set only for the flags given (an unset `to` means
  // "until now"; a set one at the epoch would select nothing).
  for (const auto& [text, field] :
       {std::pair{flags.from, &admin_v1::QueryAuditRequest::mutable_from},
        std::pair{flags.to, &admin_v1::QueryAuditRequest::mutable_to}}) {
    if (text.empty()) continue;
    absl::Time time;
    if (std::string error = ParseTimeFlag(text, time); !error.empty()) {
      session.err() << "cbctl admin audit: " << error << "\n";
      return kExitUsage;
    }
    *(request.*field)() = domain::ToTimestamp(time);
  }
  request.set_page_size(kAuditPageSize);
  TextTable table({"ID", "TIME", "ACTOR", "ROLE", "METHOD", "TARGET", "RESULT", "REQUEST"});
  while (true) {
    absl::StatusOr<admin_v1::QueryAuditResponse> page = session.core().QueryAudit(request);
    if (!page.ok()) return ReportError(session.err(), page.status());
    for (const admin_v1::AuditRecord& record : page->records()) {
      if (session.json()) {
        session.out() << ToJson(record);
        continue;
      }
      table.AddRow({absl::StrCat(record.audit_id()), FormatTimestamp(record.time()),
                    Printable(record.actor()), record.role(), record.method(),
                    Printable(record.target()), absl::StrCat(record.result_code()),
                    Printable(record.request_id())});
    }
    if (page->next_page_token().empty()) break;
    request.set_page_token(page->next_page_token());
  }
  if (!session.json()) session.out() << table.Render();
  return kExitOk;
}

std::string BackupView(const admin_v1::Backup& backup) {
  return absl::StrCat("backup ", backup.backup_id(), "  ", FormatTimestamp(backup.created_at()),
                      "  ", backup.size_bytes(), " bytes in ", backup.file_count(), " files\n");
}

int Backup(Session& session) {
  return Show(session, session.core().CreateBackup(admin_v1::CreateBackupRequest()), BackupView);
}

int Backups(Session& session) {
  return Show(session, session.core().ListBackups(admin_v1::ListBackupsRequest()),
              [](const admin_v1::ListBackupsResponse& response) {
                std::string view;
                for (const admin_v1::Backup& backup : response.backups()) {
                  absl::StrAppend(&view, BackupView(backup));
                }
                return view;
              });
}

int Reencrypt(Session& session) {
  return Show(session,
              session.core().ReencryptPersonalDetails(admin_v1::ReencryptPersonalDetailsRequest()),
              [](const admin_v1::ReencryptPersonalDetailsResponse& response) {
                return absl::StrCat("accounts checked: ", response.accounts_checked(),
                                    "\nre-encrypted under key ", response.active_key_id(), ": ",
                                    response.accounts_reencrypted(), "\n");
              });
}

int WhoAmI(Session& session) {
  return Show(session, session.core().WhoAmI(admin_v1::WhoAmIRequest()),
              [](const admin_v1::WhoAmIResponse& response) {
                std::string view = absl::StrCat("role: ", response.role(), "\nname: ",
                                                Printable(response.name()), "\n");
                if (!response.institution_code().empty()) {
                  absl::StrAppend(&view, "institution: ", response.institution_code(), "\n");
                }
                if (!response.account_number().empty()) {
                  absl::StrAppend(&view, "account: ", response.account_number(), "\n");
                }
                return view;
              });
}

}  // namespace

void AddAdminCommands(CLI::App& app, Action& action) {
  auto flags = std::make_shared<AdminFlags>();
  CLI::App* group = app.add_subcommand("admin", "operator tasks");
  group->require_subcommand(1);
  CLI::App* check = group->add_subcommand(
      "check", "recompute every balance and index from the entries and compare (exit 5 if "
               "they differ)");
  check->callback([&action] { action = Check; });

  CLI::App* token = group->add_subcommand(
      "token", "issue a short-lived learner token for one account (printed alone on stdout)");
  token->add_option("--account", flags->account_number, "16-digit account number")->required();
  token->add_option("--lifetime", flags->lifetime_seconds,
                    "seconds, at most 3600 (default 900)");
  token->callback([&action, flags] { action = [flags](Session& s) { return Token(s, *flags); }; });

  // The audit log is both `cbctl audit` and `cbctl admin audit`.
  for (CLI::App* parent : {&app, group}) {
    CLI::App* audit = parent->add_subcommand(
        "audit", "the audit log, oldest first: who called which mutating RPC on what, and how "
                 "it ended");
    audit->add_option("--actor", flags->actor, "certificate name, institution code or account");
    audit->add_option("--target", flags->target, "account number, institution code or entry id");
    audit->add_option("--from", flags->from, "from this time (2026-07-01 or RFC 3339)");
    audit->add_option("--to", flags->to, "before this time");
    audit->callback(
        [&action, flags] { action = [flags](Session& s) { return Audit(s, *flags); }; });
  }

  group->add_subcommand("backup", "take an online backup into the server's --backup_dir")
      ->callback([&action] { action = Backup; });
  group->add_subcommand("backups", "list the backups in the server's --backup_dir")
      ->callback([&action] { action = Backups; });
  group->add_subcommand("reencrypt",
                        "seal every account's personal details under the active PII key "
                        "(after creditbankd --rotate_pii_key)")
      ->callback([&action] { action = Reencrypt; });

  app.add_subcommand("whoami", "who the server takes you to be")->callback([&action] {
    action = WhoAmI;
  });
}

}  // namespace creditbank::cbctl
