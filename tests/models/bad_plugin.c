/* A plugin built against another ABI version (BAD_ABI), or exporting no model at all
 * (NO_MODEL): `--model plugin:` must refuse both with a clear error. */
#include <stddef.h>

#include "include/callbench_model.h"

#ifndef NO_MODEL
static const callbench_model_api api = {
    BAD_ABI, sizeof(callbench_model_api), "bad", "0", {0, 0, {0}}, NULL, NULL, NULL, NULL, NULL};

__attribute__((visibility("default"))) const callbench_model_api* callbench_model_entry(
    uint32_t host) {
  (void)host;
  return &api;
}
#else
__attribute__((visibility("default"))) int not_a_model = 1;
#endif
