// Runs cbctl in process for the command-line tests, against a server
// address where nothing listens.
#ifndef CREDITBANK_CLIENTS_CBCTL_CLI_TEST_SUPPORT_H_
#define CREDITBANK_CLIENTS_CBCTL_CLI_TEST_SUPPORT_H_

#include <sstream>
#include <string>
#include <vector>

#include "clients/cbctl/cli.h"

namespace creditbank::cbctl::cli_testing {

struct Result {
  int exit_code;
  std::string out;
  std::string err;
};

// Port 1 on loopback: nothing listens there, so a command that reaches
// the network fails with exit 3 (unreachable), one refused before any
// call with exit 2.
inline Result Cbctl(const std::vector<std::string>& args) {
  std::ostringstream out;
  std::ostringstream err;
  std::vector<std::string> with_server = {"--server=127.0.0.1:1", "--timeout=2"};
  with_server.insert(with_server.end(), args.begin(), args.end());
  const int code = RunCbctl(with_server, out, err, false);
  return {code, out.str(), err.str()};
}

}  // namespace creditbank::cbctl::cli_testing

#endif  // CREDITBANK_CLIENTS_CBCTL_CLI_TEST_SUPPORT_H_
