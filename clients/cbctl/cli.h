// cbctl's command line: parses the arguments, runs the chosen command and
// returns the exit code (exit_codes.h). main() is a thin wrapper, so tests
// run whole command lines in process.
//
//   int code = RunCbctl({"--server=127.0.0.1:50051", "institution", "get",
//                        "--code", "4150013588"}, std::cout, std::cerr, false);
#ifndef CREDITBANK_CLIENTS_CBCTL_CLI_H_
#define CREDITBANK_CLIENTS_CBCTL_CLI_H_

#include <ostream>
#include <string>
#include <vector>

namespace creditbank::cbctl {

// `args` excludes the program name. `err_is_terminal` turns on the import
// progress bar.
int RunCbctl(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
             bool err_is_terminal);

}  // namespace creditbank::cbctl

#endif  // CREDITBANK_CLIENTS_CBCTL_CLI_H_
