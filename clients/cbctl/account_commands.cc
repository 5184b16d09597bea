// cbctl account open|get|freeze|unfreeze|close
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "clients/cbctl/commands.h"

namespace creditbank::cbctl {
namespace {

namespace accounts_v1 = ::creditbank::accounts::v1;

struct AccountFlags {
  std::string account_number;
  std::string resident_id;
  std::string passport_type = "P";
  std::string passport_country;
  std::string passport_number;
  std::string name;
  std::string phone;
  std::string email;
  std::string reason;
};

// --resident-id, or the three passport flags (type defaults to P).
void AddIdentityFlags(CLI::App& command, AccountFlags& flags) {
  CLI::Option* resident = command.add_option(
      "--resident-id", flags.resident_id, "18-character resident ID (居民身份证号码)");
  CLI::Option* number =
      command.add_option("--passport-number", flags.passport_number, "passport number");
  CLI::Option* country = command.add_option("--passport-country", flags.passport_country,
                                            "issuing state, ISO 3166-1 alpha-3, e.g. CHN");
  command.add_option("--passport-type", flags.passport_type, "passport document type")
      ->capture_default_str();
  resident->excludes(number)->excludes(country);
  number->needs(country);
  country->needs(number);
}

bool HasIdentity(const AccountFlags& flags) {
  return !flags.resident_id.empty() || !flags.passport_number.empty();
}

int MissingIdentity(Session& session, absl::string_view alternatives) {
  session.err() << "cbctl: give " << alternatives
                << " (run with --help for the flags)\n";
  return kExitUsage;
}

accounts_v1::PersonIdentity Identity(const AccountFlags& flags) {
  accounts_v1::PersonIdentity identity;
  if (!flags.resident_id.empty()) {
    identity.set_resident_id(flags.resident_id);
  } else {
    identity.mutable_passport()->set_type(flags.passport_type);
    identity.mutable_passport()->set_country(flags.passport_country);
    identity.mutable_passport()->set_number(flags.passport_number);
  }
  return identity;
}

std::string OpenedView(const accounts_v1::OpenAccountResponse& response) {
  return absl::StrCat(AccountView(response.account()),
                      response.created() ? "(new account opened)\n"
                                         : "(this person already had this account)\n");
}

int Open(Session& session, const AccountFlags& flags) {
  if (!HasIdentity(flags)) {
    return MissingIdentity(session, "--resident-id, or --passport-number and --passport-country");
  }
  accounts_v1::OpenAccountRequest request;
  *request.mutable_identity() = Identity(flags);
  request.mutable_details()->set_name(flags.name);
  request.mutable_details()->set_phone(flags.phone);
  request.mutable_details()->set_email(flags.email);
  return Show(session, session.core().OpenAccount(request), OpenedView);
}

int Get(Session& session, const AccountFlags& flags) {
  accounts_v1::GetAccountRequest request;
  if (!flags.account_number.empty()) {
    request.set_account_number(flags.account_number);
  } else if (!HasIdentity(flags)) {
    return MissingIdentity(
        session, "--account, --resident-id, or --passport-number and --passport-country");
  } else {
    *request.mutable_identity() = Identity(flags);
  }
  return Show(session, session.core().GetAccount(request), AccountView);
}

void AddStatusCommand(CLI::App& group, Action& action, const std::string& name,
                      const std::string& description,
                      absl::StatusOr<accounts_v1::Account> (domain::CoreClient::*call)(
                          const accounts_v1::ChangeAccountStatusRequest&)) {
  auto flags = std::make_shared<AccountFlags>();
  CLI::App* command = group.add_subcommand(name, description);
  command->add_option("--account", flags->account_number, "16-digit account number")
      ->required();
  command->add_option("--reason", flags->reason, "why (1-500 characters), kept on record")
      ->required();
  command->callback([&action, flags, call] {
    action = [flags, call](Session& session) {
      accounts_v1::ChangeAccountStatusRequest request;
      request.set_account_number(flags->account_number);
      request.set_reason(flags->reason);
      return Show(session, (session.core().*call)(request), AccountView);
    };
  });
}

}  // namespace

void AddAccountCommands(CLI::App& app, Action& action) {
  CLI::App* group = app.add_subcommand("account", "open and manage learner accounts");
  group->require_subcommand(1);

  auto open_flags = std::make_shared<AccountFlags>();
  CLI::App* open = group->add_subcommand(
      "open", "open an account (returns the existing one for the same person)");
  AddIdentityFlags(*open, *open_flags);
  open->add_option("--name", open_flags->name, "full name, e.g. 张伟")->required();
  open->add_option("--phone", open_flags->phone, "phone number, digits with optional +");
  open->add_option("--email", open_flags->email, "e-mail address");
  open->callback(
      [&action, open_flags] { action = [open_flags](Session& s) { return Open(s, *open_flags); }; });

  auto get_flags = std::make_shared<AccountFlags>();
  CLI::App* get = group->add_subcommand("get", "show an account, by number or by identity");
  CLI::Option* number =
      get->add_option("--account", get_flags->account_number, "16-digit account number");
  AddIdentityFlags(*get, *get_flags);
  number->excludes("--resident-id")->excludes("--passport-number");
  get->callback(
      [&action, get_flags] { action = [get_flags](Session& s) { return Get(s, *get_flags); }; });

  AddStatusCommand(*group, action, "freeze", "freeze an active account",
                   &domain::CoreClient::FreezeAccount);
  AddStatusCommand(*group, action, "unfreeze", "make a frozen account active again",
                   &domain::CoreClient::UnfreezeAccount);
  AddStatusCommand(*group, action, "close", "close an account for good",
                   &domain::CoreClient::CloseAccount);
}

}  // namespace creditbank::cbctl
