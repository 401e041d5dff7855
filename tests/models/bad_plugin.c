/* A plugin built against another ABI version (BAD_ABI), with the right version but a
 * function table smaller than the host's (SMALL_STRUCT), or exporting no model at all
 * (NO_MODEL): `--model plugin:` must refuse each with a clear error. */
#include <stddef.h>

#include "include/callbench_model.h"

#ifdef SMALL_STRUCT
#define TABLE_SIZE 8
#else
#define TABLE_SIZE sizeof(callbench_model_api)
#endif

#ifndef NO_MODEL
static const callbench_model_api api = {BAD_ABI, TABLE_SIZE, "bad", "0",  {0, 0, {0}},
                                        NULL,    NULL,       NULL,  NULL, NULL};

__attribute__((visibility("default"))) const callbench_model_api* callbench_model_entry(
    uint32_t host) {
  (void)host;
  return &api;
}
#else
__attribute__((visibility("default"))) int not_a_model = 1;
#endif
