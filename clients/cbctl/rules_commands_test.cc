// The rules commands' command lines that must fail before any call is
// made (exit 2), and one that gets as far as the (absent) server. The
// commands against a real rules service are in the server-backed tests.
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "clients/cbctl/cli.h"
#include "clients/cbctl/cli_test_support.h"
#include "clients/cbctl/exit_codes.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace creditbank::cbctl {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

using cli_testing::Cbctl;
using cli_testing::Result;

std::string Joined(const std::vector<std::string>& args) {
  std::string joined;
  for (const std::string& arg : args) joined += arg + " ";
  return joined;
}

TEST(RulesCommandsTest, HelpListsTheNewCommands) {
  Result result = Cbctl({"--help"});
  EXPECT_EQ(result.exit_code, kExitOk);
  for (const char* command : {"framework", "programme", "rules", "evaluate", "progress",
                              "requests"}) {
    EXPECT_THAT(result.out, HasSubstr(command));
  }
  EXPECT_EQ(Cbctl({"requests", "list", "--help"}).exit_code, kExitOk);
}

TEST(RulesCommandsTest, UsageErrorsExitTwoWithoutCallingTheServer) {
  const std::vector<std::vector<std::string>> bad_command_lines = {
      {"framework"},
      {"framework", "put"},
      {"programme", "show"},
      {"rules", "apply"},
      {"rules", "apply", "-f", "/nonexistent/rules.json"},
      {"rules", "export"},
      {"rules", "show", "--programme", "p"},
      {"rules", "list"},
      {"evaluate", "--account", "6217000000000014"},
      {"evaluate", "--account", "6217000000000014", "--programme", "p", "--as-of", "2026-02-30"},
      {"progress", "--programme", "p"},
      {"requests", "create", "--account", "6217000000000014", "--programme", "p"},
      {"requests", "create", "--request-id", "r1", "--account", "6217000000000014",
       "--programme", "p", "--digest", "abc"},
      {"requests", "approve", "CR-1"},
      {"requests", "reject", "--reason", "no"},
      {"requests", "show"},
      {"requests", "list", "--status", "done"},
      {"requests", "list", "--page-size", "0"},
      {"requests", "list", "--page-size", "1001"},
  };
  for (const auto& args : bad_command_lines) {
    Result result = Cbctl(args);
    EXPECT_EQ(result.exit_code, kExitUsage) << Joined(args) << "\n" << result.err;
    EXPECT_FALSE(result.err.empty()) << Joined(args);
  }
}

TEST(RulesCommandsTest, StatusErrorListsTheChoices) {
  Result result = Cbctl({"requests", "list", "--status", "done"});
  EXPECT_THAT(result.err, AllOf(HasSubstr("--status"),
                                HasSubstr("one of: pending, approving, approved, rejected")));
}

class RulesFileCommandsTest : public ::testing::Test {
 protected:
  std::string WriteFile(const std::string& name, const std::string& text) {
    const std::string path = dir_.File(name);
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  testing::TempDir dir_;
};

TEST_F(RulesFileCommandsTest, BadJsonFilesAreUsageErrorsNamingFileAndField) {
  const std::string misspelt =
      WriteFile("misspelt.json", R"({"programme_id": "p", "rules": [{"id": "r", "grnat": {}}]})");
  const std::string truncated = WriteFile("truncated.json", R"({"programme_id": "p", "rules": [)");
  const std::string programme = WriteFile("programme.json", R"({"id": "p", "credits": 3})");
  for (const auto& [args, field] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"rules", "apply", "-f", misspelt}, "grnat"},
           {{"rules", "apply", "--file", truncated}, ""},
           {{"programme", "put", "-f", programme}, "credits"},
           {{"framework", "put", "-f", programme}, "credits"},
       }) {
    Result result = Cbctl(args);
    EXPECT_EQ(result.exit_code, kExitUsage) << Joined(args) << "\n" << result.err;
    EXPECT_THAT(result.err, AllOf(HasSubstr(args.back()), HasSubstr(field))) << Joined(args);
    EXPECT_THAT(result.err, ::testing::Not(HasSubstr("UNAVAILABLE")));
  }
}

TEST_F(RulesFileCommandsTest, AGoodFileIsSent) {
  const std::string rules = WriteFile(
      "rules.json",
      R"({"programme_id": "p", "rules": [{"id": "r", "effective_from": {"year": 2026,
          "month": 9, "day": 1}, "source": {"match": {"code": "X"}},
          "grant": {"category": "ELECTIVE", "credits_milli": 2000}}]})");
  Result result = Cbctl({"rules", "apply", "-f", rules});
  EXPECT_EQ(result.exit_code, kExitUnreachable) << result.err;
  EXPECT_THAT(result.err, HasSubstr("UNAVAILABLE"));
}

}  // namespace
}  // namespace creditbank::cbctl
