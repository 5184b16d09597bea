// An LD_PRELOAD shim for fault tests: while the file named by
// CREDITBANK_FAULT_FSYNC_EIO exists, fsync and fdatasync fail with EIO (as a
// failing disk makes them) without syncing; otherwise they pass through to
// libc. Used only by tests/fault, never in production.
#include <dlfcn.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

namespace {

bool FaultArmed() {
  const char* trigger = std::getenv("CREDITBANK_FAULT_FSYNC_EIO");
  return trigger != nullptr && ::access(trigger, F_OK) == 0;
}

template <typename Function>
Function Next(const char* name) {
  return reinterpret_cast<Function>(::dlsym(RTLD_NEXT, name));
}

}  // namespace

extern "C" int fsync(int fd) {
  static auto real_fsync = Next<int (*)(int)>("fsync");
  if (FaultArmed()) {
    errno = EIO;
    return -1;
  }
  return real_fsync(fd);
}

extern "C" int fdatasync(int fd) {
  static auto real_fdatasync = Next<int (*)(int)>("fdatasync");
  if (FaultArmed()) {
    errno = EIO;
    return -1;
  }
  return real_fdatasync(fd);
}
