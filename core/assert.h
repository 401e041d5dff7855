// CB_ASSERT guards callbench's own invariants, never input: bytes from outside get an
// error value (STYLE.md). It stays on in every build, as rr's assertions do, and says
// what failed where, so every fuzzer crash is a real bug with a readable report.
#ifndef CALLBENCH_CORE_ASSERT_H_
#define CALLBENCH_CORE_ASSERT_H_

namespace callbench {
[[noreturn]] void assertion_failed(const char* file, int line, const char* expr, const char* msg);
}  // namespace callbench

#define CB_ASSERT(expr)                                                        \
  do {                                                                         \
    if (!(expr)) ::callbench::assertion_failed(__FILE__, __LINE__, #expr, ""); \
  } while (0)

#define CB_ASSERT_MSG(expr, msg)                                                \
  do {                                                                          \
    if (!(expr)) ::callbench::assertion_failed(__FILE__, __LINE__, #expr, msg); \
  } while (0)

#endif  // CALLBENCH_CORE_ASSERT_H_
