#include "clients/cbctl/cli.h"

#include "CLI/CLI.hpp"
#include "clients/cbctl/commands.h"
#include "clients/cbctl/exit_codes.h"
#include "clients/cbctl/session.h"

namespace creditbank::cbctl {
namespace {

constexpr char kFooter[] =
    "Exit codes: 0 ok; 1 the server refused (message, field violations and reason on "
    "stderr); 2 usage error or unusable input file; 3 server unreachable or no answer in "
    "time; 4 import finished with failed rows; 5 admin check found differences; 6 transcript "
    "verify: the transcript is not valid.";

}  // namespace

int RunCbctl(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
             bool err_is_terminal) {
  CLI::App app{"cbctl: operate the lifelong-learning credit bank", "cbctl"};
  app.footer(kFooter);
  app.require_subcommand(1);
  // Global flags are also accepted after the command: cbctl ledger list ... --json
  app.fallthrough();
  GlobalOptions options;
  app.add_option("--server", options.server, "creditbankd address, HOST:PORT")
      ->capture_default_str();
  app.add_flag("--json", options.json, "print answers as JSON (one object per line)");
  app.add_option("--timeout", options.timeout_seconds,
                 "seconds to wait for each call (import: for any progress)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);

  app.add_option("--tls_ca", options.tls.ca,
                 "the bank's CA certificate (PEM); without it cbctl speaks plaintext to a "
                 "development server");
  app.add_option("--tls_cert", options.tls.certificate,
                 "your client certificate (PEM): operator or institution");
  app.add_option("--tls_key", options.tls.private_key, "its private key (PEM, mode 0600)");
  app.add_option("--token", options.learner_token,
                 "a learner token (prefer the environment variable: arguments show in ps)")
      ->envname("CREDITBANK_LEARNER_TOKEN");

  Action action;
  AddInstitutionCommands(app, action);
  AddAccountCommands(app, action);
  AddLedgerCommands(app, action);
  AddImportCommand(app, action);
  AddAdminCommands(app, action);
  AddLogCommands(app, action);
  AddRulesCommands(app, action);
  AddTranscriptCommands(app, action);

  // CLI11 wants the arguments last to first.
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error, out, err);
    return code == 0 ? kExitOk : kExitUsage;  // --help is not an error
  }
  if (!action) {
    err << app.help();
    return kExitUsage;
  }
  Session session(options, out, err, err_is_terminal);
  if (absl::Status connected = session.Connect(); !connected.ok()) {
    err << "cbctl: " << connected.message() << "\n";
    return kExitUsage;
  }
  return action(session);
}

}  // namespace creditbank::cbctl
