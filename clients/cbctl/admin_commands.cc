// cbctl admin check
#include "clients/cbctl/commands.h"

namespace creditbank::cbctl {
namespace {

int Check(Session& session) {
  absl::StatusOr<ledger::v1::CheckConsistencyResponse> report =
      session.core().CheckConsistency(ledger::v1::CheckConsistencyRequest());
  const int shown = Show(session, report, ConsistencyView);
  if (shown != kExitOk) return shown;
  // Scripts (and monitoring) need to tell a bad ledger from a good one.
  return report->consistent() ? kExitOk : kExitInconsistent;
}

}  // namespace

void AddAdminCommands(CLI::App& app, Action& action) {
  CLI::App* group = app.add_subcommand("admin", "operator tasks");
  group->require_subcommand(1);
  CLI::App* check = group->add_subcommand(
      "check", "recompute every balance and index from the entries and compare (exit 5 if "
               "they differ)");
  check->callback([&action] { action = Check; });
}

}  // namespace creditbank::cbctl
