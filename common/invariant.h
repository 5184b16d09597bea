// CHECK_INVARIANT: asserts something our own code guarantees (never
// something input decides: bad input gets an error, not a crash). When an
// invariant is broken the process cannot know what else is wrong, so it
// stops at once rather than write on (TigerBeetle's rule); the message
// names the invariant, never data.
//
//   CHECK_INVARIANT(frontier.ok(), "the sequencer state's log frontier is malformed");
#ifndef CREDITBANK_COMMON_INVARIANT_H_
#define CREDITBANK_COMMON_INVARIANT_H_

#include <cstdio>
#include <cstdlib>

#define CHECK_INVARIANT(condition, message)                                          \
  do {                                                                               \
    if (!(condition)) {                                                              \
      std::fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__,      \
                   message);                                                         \
      std::abort();                                                                  \
    }                                                                                \
  } while (false)

#endif  // CREDITBANK_COMMON_INVARIANT_H_
