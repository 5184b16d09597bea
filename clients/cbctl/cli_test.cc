// Command lines that must fail (or succeed) before any call is made.
#include "clients/cbctl/cli.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "clients/cbctl/cli_test_support.h"
#include "clients/cbctl/exit_codes.h"
#include "gmock/gmock.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace creditbank::cbctl {
namespace {

using ::testing::HasSubstr;

using cli_testing::Cbctl;
using cli_testing::Result;

TEST(CliUsageTest, HelpIsNotAnError) {
  Result result = Cbctl({"--help"});
  EXPECT_EQ(result.exit_code, kExitOk);
  EXPECT_THAT(result.out, HasSubstr("institution"));
  EXPECT_THAT(result.out, HasSubstr("Exit codes:"));
  EXPECT_EQ(Cbctl({"import", "--help"}).exit_code, kExitOk);
}

TEST(CliUsageTest, UsageErrorsExitTwoWithoutCallingTheServer) {
  const std::vector<std::vector<std::string>> bad_command_lines = {
      {},
      {"frobnicate"},
      {"institution"},
      {"institution", "get"},
      {"institution", "register", "--code", "X1", "--name", "学院", "--sector", "university"},
      {"institution", "accredit", "--code", "X1", "--kinds", "course_credit,diploma", "--sectors",
       "vocational", "--max-level", "6", "--reason", "r"},
      {"institution", "accredit", "--code", "X1", "--kinds", "course_credit", "--sectors",
       "vocational", "--max-level", "11", "--reason", "r"},
      {"institution", "list", "--status", "closed"},
      {"account", "open", "--name", "张伟"},
      {"account", "open", "--resident-id", "11010519491231002X", "--passport-number", "E1",
       "--passport-country", "CHN", "--name", "张伟"},
      {"account", "get"},
      {"account", "freeze", "--account", "6217000000000014"},
      {"ledger", "record", "--institution", "X1", "--account", "6217000000000014", "--kind",
       "course_credit", "--code", "M1", "--title", "数学", "--credits", "3.1415", "--completed",
       "2026-06-20"},
      {"ledger", "record", "--institution", "X1", "--account", "6217000000000014", "--kind",
       "course_credit", "--code", "M1", "--title", "数学", "--credits", "3", "--completed",
       "2026-02-30"},
      {"ledger", "record", "--institution", "X1", "--account", "6217000000000014", "--kind",
       "course_credit", "--code", "M1", "--title", "数学", "--grade", "101/100", "--completed",
       "2026-06-20"},
      {"ledger", "list", "--account", "6217000000000014", "--from", "yesterday"},
      {"ledger", "get", "--entry", "abc"},
      {"import", "--institution", "X1", "--file", "/nonexistent/term.csv"},
      {"--timeout=0", "admin", "check"},
      {"admin", "check", "--timeout=-1"},  // global flags also after the command
  };
  for (const auto& args : bad_command_lines) {
    Result result = Cbctl(args);
    std::string joined;
    for (const std::string& arg : args) joined += arg + " ";
    EXPECT_EQ(result.exit_code, kExitUsage) << joined << "\n" << result.err;
    EXPECT_FALSE(result.err.empty()) << joined;
  }
}

TEST(CliUsageTest, UsageErrorNamesTheFlagAndTheChoices) {
  Result result = Cbctl({"institution", "register", "--code", "X1", "--name", "学院", "--sector",
                       "university"});
  EXPECT_THAT(result.err, HasSubstr("--sector"));
  EXPECT_THAT(result.err, HasSubstr("one of: general_higher, vocational"));
}

TEST(CliUsageTest, UnreachableServerExitsThree) {
  Result result = Cbctl({"institution", "get", "--code", "4150013588"});
  EXPECT_EQ(result.exit_code, kExitUnreachable);
  EXPECT_THAT(result.err, HasSubstr("UNAVAILABLE"));
}

// A socket on 127.0.0.1 that takes connections (the kernel accepts them
// into the backlog) and never says a word: a hung server.
class SilentServer {
 public:
  SilentServer() {
    socket_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    EXPECT_EQ(::bind(socket_, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
    EXPECT_EQ(::listen(socket_, 16), 0);
    EXPECT_EQ(::getsockname(socket_, reinterpret_cast<sockaddr*>(&address), &length), 0);
    port_ = ntohs(address.sin_port);
  }
  ~SilentServer() { ::close(socket_); }
  std::string address() const { return absl::StrCat("127.0.0.1:", port_); }

 private:
  int socket_ = -1;
  int port_ = 0;
};

TEST(CliTimeoutTest, HungServerIsUnreachableAfterTheTimeout) {
  SilentServer silent;
  testing::TempDir dir;
  const std::string csv = dir.File("term.csv");
  std::ofstream(csv) << "account_number,kind,code,title,credits,completion_date\n"
                        "6217000000000014,course_credit,M1,数学,3,2025-06-20\n";

  for (const std::vector<std::string>& command :
       {std::vector<std::string>{"institution", "get", "--code", "4150013588"},
        std::vector<std::string>{"import", "--institution", "4150013588", "--file", csv}}) {
    std::vector<std::string> args = {"--server=" + silent.address(), "--timeout=0.5"};
    args.insert(args.end(), command.begin(), command.end());
    std::ostringstream out;
    std::ostringstream err;
    const absl::Time start = absl::Now();
    EXPECT_EQ(RunCbctl(args, out, err, false), kExitUnreachable) << err.str();
    EXPECT_LT(absl::Now() - start, absl::Seconds(5)) << command[0];
    EXPECT_THAT(err.str(), HasSubstr("DEADLINE_EXCEEDED")) << command[0];
  }
}

}  // namespace
}  // namespace creditbank::cbctl
