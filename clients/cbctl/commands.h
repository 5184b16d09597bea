// cbctl's command groups. Each Add*Commands function adds its subcommands
// and their flags to `app`; when one is chosen on the command line its
// CLI11 callback stores what to run in `action`, which cli.cc runs once
// parsing has succeeded. Flag values are checked while parsing (by the
// validators in flag_values.h), so a bad flag is a usage error (exit 2)
// before any call is made.
#ifndef CREDITBANK_CLIENTS_CBCTL_COMMANDS_H_
#define CREDITBANK_CLIENTS_CBCTL_COMMANDS_H_

#include <functional>

#include "CLI/CLI.hpp"
#include "clients/cbctl/session.h"

namespace creditbank::cbctl {

// Runs a parsed command; returns its exit code.
using Action = std::function<int(Session&)>;

void AddInstitutionCommands(CLI::App& app, Action& action);
void AddAccountCommands(CLI::App& app, Action& action);
void AddLedgerCommands(CLI::App& app, Action& action);
void AddImportCommand(CLI::App& app, Action& action);
void AddAdminCommands(CLI::App& app, Action& action);
// log checkpoint|prove|consistency
void AddLogCommands(CLI::App& app, Action& action);
// framework, programme, rules, evaluate, progress, requests
void AddRulesCommands(CLI::App& app, Action& action);
// transcript issue|get|list|revoke|jwks|status-list|rotate-key|verify
void AddTranscriptCommands(CLI::App& app, Action& action);

}  // namespace creditbank::cbctl

#endif  // CREDITBANK_CLIENTS_CBCTL_COMMANDS_H_
