// cbctl's exit codes, stable for scripts (cbctl --help lists them).
#ifndef CREDITBANK_CLIENTS_CBCTL_EXIT_CODES_H_
#define CREDITBANK_CLIENTS_CBCTL_EXIT_CODES_H_

namespace creditbank::cbctl {

inline constexpr int kExitOk = 0;
// The server answered with an error (any status but the two below).
inline constexpr int kExitRefused = 1;
// Bad command line, or an input file that cannot be read as a whole.
inline constexpr int kExitUsage = 2;
// The server could not be reached or did not answer in time
// (UNAVAILABLE, DEADLINE_EXCEEDED): retrying later may work.
inline constexpr int kExitUnreachable = 3;
// cbctl import: the upload finished but some rows were not recorded.
inline constexpr int kExitRowsFailed = 4;
// cbctl admin check: the server found balances or indexes that differ
// from a recomputation.
inline constexpr int kExitInconsistent = 5;
// cbctl transcript verify: the server verified the transcript and it is
// not valid (revoked, expired, tampered with, ...). Not 1: the call
// succeeded, and a script must tell "not valid" from "could not ask".
inline constexpr int kExitNotValid = 6;

}  // namespace creditbank::cbctl

#endif  // CREDITBANK_CLIENTS_CBCTL_EXIT_CODES_H_
