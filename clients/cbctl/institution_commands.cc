// cbctl institution register|accredit|suspend|reinstate|get|list
#include <memory>
#include <string>
#include <vector>

#include "clients/cbctl/commands.h"
#include "clients/cbctl/enum_names.h"
#include "clients/cbctl/flag_values.h"
#include "domain/limits.h"

namespace creditbank::cbctl {
namespace {

namespace institutions_v1 = ::creditbank::institutions::v1;

struct InstitutionFlags {
  std::string code;
  std::string name;
  std::string sector;
  std::string kinds;
  std::string sectors;
  unsigned max_level = 0;
  std::string reason;
  std::string status;
  int page_size = 0;
  std::string page_token;
  bool all_pages = false;
};

CLI::Option* AddCode(CLI::App& command, InstitutionFlags& flags) {
  return command.add_option("--code", flags.code, "institution code, e.g. 4150013588")
      ->required();
}

CLI::Option* AddReason(CLI::App& command, InstitutionFlags& flags) {
  return command.add_option("--reason", flags.reason, "why (1-500 characters), kept on record")
      ->required();
}

int Register(Session& session, const InstitutionFlags& flags) {
  institutions_v1::RegisterInstitutionRequest request;
  request.set_code(flags.code);
  request.set_name(flags.name);
  request.set_sector(ParseSector(flags.sector).value());
  return Show(session, session.core().RegisterInstitution(request), InstitutionView);
}

int Accredit(Session& session, const InstitutionFlags& flags) {
  institutions_v1::AccreditInstitutionRequest request;
  request.set_code(flags.code);
  request.set_reason(flags.reason);
  // Both lists passed their flag validators.
  const absl::StatusOr<std::vector<common::v1::OutcomeKind>> kinds = ParseOutcomeKinds(flags.kinds);
  const absl::StatusOr<std::vector<common::v1::Sector>> sectors = ParseSectors(flags.sectors);
  if (kinds.ok()) {
    for (auto kind : *kinds) request.mutable_scope()->add_kinds(kind);
  }
  if (sectors.ok()) {
    for (auto sector : *sectors) request.mutable_scope()->add_sectors(sector);
  }
  request.mutable_scope()->set_max_framework_level(flags.max_level);
  return Show(session, session.core().AccreditInstitution(request), InstitutionView);
}

institutions_v1::ChangeInstitutionStatusRequest StatusChange(const InstitutionFlags& flags) {
  institutions_v1::ChangeInstitutionStatusRequest request;
  request.set_code(flags.code);
  request.set_reason(flags.reason);
  return request;
}

int Get(Session& session, const InstitutionFlags& flags) {
  institutions_v1::GetInstitutionRequest request;
  request.set_code(flags.code);
  return Show(session, session.core().GetInstitution(request), InstitutionView);
}

// One page, or with --all every page merged into one answer.
absl::StatusOr<institutions_v1::ListInstitutionsResponse> ListPages(
    Session& session, const InstitutionFlags& flags) {
  institutions_v1::ListInstitutionsRequest request;
  request.set_page_size(flags.page_size);
  request.set_page_token(flags.page_token);
  if (!flags.sector.empty()) request.set_sector(ParseSector(flags.sector).value());
  if (!flags.status.empty()) request.set_status(ParseInstitutionStatus(flags.status).value());
  institutions_v1::ListInstitutionsResponse merged;
  while (true) {
    absl::StatusOr<institutions_v1::ListInstitutionsResponse> page =
        session.core().ListInstitutions(request);
    if (!page.ok()) return page.status();
    merged.mutable_institutions()->MergeFrom(page->institutions());
    merged.set_next_page_token(page->next_page_token());
    // A token equal to the last one would loop forever.
    if (!flags.all_pages || page->next_page_token().empty() ||
        page->next_page_token() == request.page_token()) {
      return merged;
    }
    request.set_page_token(page->next_page_token());
  }
}

int List(Session& session, const InstitutionFlags& flags) {
  return Show(session, ListPages(session, flags),
              [](const institutions_v1::ListInstitutionsResponse& page) {
                std::string text = InstitutionTable(page.institutions());
                if (!page.next_page_token().empty()) {
                  text += "(more: --page-token " + page.next_page_token() + ", or --all)\n";
                }
                return text;
              });
}

void AddStatusCommand(CLI::App& group, Action& action, const std::string& name,
                      const std::string& description,
                      absl::StatusOr<institutions_v1::Institution> (domain::CoreClient::*call)(
                          const institutions_v1::ChangeInstitutionStatusRequest&)) {
  auto flags = std::make_shared<InstitutionFlags>();
  CLI::App* command = group.add_subcommand(name, description);
  AddCode(*command, *flags);
  AddReason(*command, *flags);
  command->callback([&action, flags, call] {
    action = [flags, call](Session& session) {
      return Show(session, (session.core().*call)(StatusChange(*flags)), InstitutionView);
    };
  });
}

}  // namespace

void AddInstitutionCommands(CLI::App& app, Action& action) {
  CLI::App* group = app.add_subcommand("institution", "register and manage institutions");
  group->require_subcommand(1);

  auto flags = std::make_shared<InstitutionFlags>();
  CLI::App* reg = group->add_subcommand("register", "register an institution");
  AddCode(*reg, *flags);
  reg->add_option("--name", flags->name, "name, e.g. 重庆工程职业技术学院")->required();
  reg->add_option("--sector", flags->sector, "its sector, e.g. vocational")
      ->required()
      ->check(SectorFlag());
  reg->callback([&action, flags] { action = [flags](Session& s) { return Register(s, *flags); }; });

  CLI::App* accredit = group->add_subcommand(
      "accredit", "grant (or replace) what an institution may record");
  AddCode(*accredit, *flags);
  accredit->add_option("--kinds", flags->kinds, "outcome kinds, e.g. course_credit,certificate")
      ->required()
      ->check(OutcomeKindsFlag());
  accredit->add_option("--sectors", flags->sectors, "sectors, e.g. vocational,continuing")
      ->required()
      ->check(SectorsFlag());
  accredit->add_option("--max-level", flags->max_level, "highest framework level it may record")
      ->required()
      ->check(CLI::Range(1u, domain::kMaxFrameworkLevel));
  AddReason(*accredit, *flags);
  accredit->callback(
      [&action, flags] { action = [flags](Session& s) { return Accredit(s, *flags); }; });

  AddStatusCommand(*group, action, "suspend", "stop an institution recording or reversing",
                   &domain::CoreClient::SuspendInstitution);
  AddStatusCommand(*group, action, "reinstate", "lift a suspension",
                   &domain::CoreClient::ReinstateInstitution);

  CLI::App* get = group->add_subcommand("get", "show one institution");
  AddCode(*get, *flags);
  get->callback([&action, flags] { action = [flags](Session& s) { return Get(s, *flags); }; });

  CLI::App* list = group->add_subcommand("list", "list institutions in code order");
  list->add_option("--sector", flags->sector, "only this sector")->check(SectorFlag());
  list->add_option("--status", flags->status, "only this status: registered, accredited, suspended")
      ->check(InstitutionStatusFlag());
  list->add_option("--page-size", flags->page_size, "institutions per page (default 100)")
      ->check(CLI::Range(1, domain::kMaxPageSize));
  list->add_option("--page-token", flags->page_token, "continue from a previous page");
  list->add_flag("--all", flags->all_pages, "fetch every page");
  list->callback([&action, flags] { action = [flags](Session& s) { return List(s, *flags); }; });
}

}  // namespace creditbank::cbctl
