// ferrite-no-io-uring: runs a program with io_uring unavailable, as on a kernel built
// without it or under a container profile that blocks it. A seccomp filter makes
// io_uring_setup, io_uring_enter and io_uring_register fail with ENOSYS; every other
// system call is allowed. The filter is inherited across exec and by every thread and
// child of the program, so what the program sees is what such a machine shows it.
//
// Usage: ferrite-no-io-uring PROGRAM [ARGUMENT...]
#include <seccomp.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <initializer_list>

namespace {

// Exit statuses of the launcher itself, as a shell uses them.
constexpr int kUsage = 2;
constexpr int kSetupFailed = 125;
constexpr int kCannotExecute = 127;

int Fail(const char* what, int negative_errno) {
  std::fprintf(stderr, "ferrite-no-io-uring: %s: %s\n", what, std::strerror(-negative_errno));
  return kSetupFailed;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: ferrite-no-io-uring PROGRAM [ARGUMENT...]\n");
    return kUsage;
  }
  scmp_filter_ctx filter = seccomp_init(SCMP_ACT_ALLOW);
  if (filter == nullptr) return Fail("seccomp_init", -ENOMEM);
  // An unprivileged process may install a filter only with no_new_privs set (which
  // also keeps set-user-ID programs it runs from gaining privileges); set it always,
  // so the launcher behaves the same for every user.
  int rc = seccomp_attr_set(filter, SCMP_FLTATR_CTL_NNP, 1);
  if (rc < 0) return Fail("setting no_new_privs", rc);
  for (int syscall : {SCMP_SYS(io_uring_setup), SCMP_SYS(io_uring_enter),
                      SCMP_SYS(io_uring_register)}) {
    rc = seccomp_rule_add(filter, SCMP_ACT_ERRNO(ENOSYS), syscall, 0);
    if (rc < 0) return Fail("adding a seccomp rule", rc);
  }
  rc = seccomp_load(filter);
  seccomp_release(filter);
  if (rc < 0) return Fail("loading the seccomp filter", rc);

  execvp(argv[1], argv + 1);
  std::fprintf(stderr, "ferrite-no-io-uring: can't run %s: %s\n", argv[1], std::strerror(errno));
  return kCannotExecute;
}
