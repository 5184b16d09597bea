// cbctl: the operators' and institutions' command-line client.
//
//   cbctl institution register --code 4150013588 --name 重庆工程职业技术学院 --sector vocational
//   cbctl import --institution 4150013588 --file term.csv
//   cbctl --json ledger balances --account 6217000000000012
#include <unistd.h>

#include <iostream>
#include <string>
#include <vector>

#include "clients/cbctl/cli.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return creditbank::cbctl::RunCbctl(args, std::cout, std::cerr, isatty(STDERR_FILENO) == 1);
}
