// The one definition of what a failed CB_ASSERT does (core/assert.h): print the
// expression and stop at once, so a fuzzer and a debugger see the failing frame.
#include "core/assert.h"

#include <cstdio>

namespace callbench {

[[noreturn]] void assertion_failed(const char* file, int line, const char* expr, const char* msg) {
  std::fprintf(stderr, "%s:%d: assertion failed: %s %s\n", file, line, expr, msg);
  std::fflush(stderr);
  __builtin_trap();
}

}  // namespace callbench
