#include "cli/output.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>

namespace callbench::cli {
namespace {
int g_first_error = 0;  // errno of the first failed write, 0 while none failed
}  // namespace

void print(std::string_view s) {
  if (s.empty()) return;
  errno = 0;
  // stdio may fail a write that flushes its buffer and still report the bytes as
  // taken: the error flag says so, and errno names why.
  if ((std::fwrite(s.data(), 1, s.size(), stdout) != s.size() || std::ferror(stdout)) &&
      g_first_error == 0) {
    g_first_error = errno != 0 ? errno : EIO;
  }
}

int finish_output(int exit_code) {
  errno = 0;
  std::cout.flush();
  if ((!std::cout.good() || std::ferror(stdout)) && g_first_error == 0)
    g_first_error = errno != 0 ? errno : EIO;
  errno = 0;
  if (std::fflush(stdout) != 0 && g_first_error == 0) g_first_error = errno != 0 ? errno : EIO;
  if (g_first_error == 0 && std::ferror(stdout)) g_first_error = EIO;
  if (g_first_error == 0) return exit_code;
  if (g_first_error != EPIPE) {
    std::fprintf(stderr, "callbench: writing standard output: %s\n", std::strerror(g_first_error));
  }
  return 3;
}

}  // namespace callbench::cli
