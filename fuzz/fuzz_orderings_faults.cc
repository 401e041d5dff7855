// fuzz_orderings against the engine with one test-only fault (core/faults.h) active, for
// measuring campaigns against an engine that breaks the rules (README "Speed"). The
// fault is named by $CALLBENCH_FAULT ("reused-conn-id", ...; unset or "none": no fault).
// Built only by the fuzz preset, with every library compiled again with CALLBENCH_FAULTS;
// never part of a normal build. The target itself is fuzz_orderings.cc.
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "core/faults.h"

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  const char* name = std::getenv("CALLBENCH_FAULT");
  if (!name || !*name) name = "none";
  for (int i = 0; i < callbench::kFaultCount; ++i) {
    const callbench::FaultInfo& f = callbench::fault_infos()[i];
    if (std::strcmp(f.name, name) == 0) {
      callbench::set_active_fault(f.fault);
      return 0;
    }
  }
  std::fprintf(stderr, "CALLBENCH_FAULT=%s: no such fault; the faults are:", name);
  for (int i = 0; i < callbench::kFaultCount; ++i)
    std::fprintf(stderr, " %s", callbench::fault_infos()[i].name);
  std::fprintf(stderr, "\n");
  std::exit(2);
}
