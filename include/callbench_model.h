/* callbench_model.h: the C ABI of an in-process call model, `--model plugin:PATH.so`.
 *
 * A plugin is a shared library that exports one function,
 *
 *     const callbench_model_api* callbench_model_entry(uint32_t host_abi_version);
 *
 * returning a table of functions (or NULL when it cannot serve that ABI version).
 * callbench refuses a table whose abi_version is not CALLBENCH_MODEL_ABI_VERSION, or
 * whose struct_size is smaller than the host's, with an error naming both versions.
 *
 * Life of a model: create() once per process (a run, a replay, a campaign job); then per
 * session start_session() with the session's header, apply() once per stimulus in
 * order; destroy() at the end. A model is driven by one thread.
 *
 * Values are the numbers of callbench's vocabulary (core/model.h), which are T-Lib's
 * where T-Lib has one: DN kinds, stimulus kinds, event types, CallState, DNRole, the
 * attribute bits of `present`, the error reasons, and the ignore reasons. DNs and
 * calls are indexes into the session's dn and call name arrays. The header is
 * C only (C99), self-contained, and never changes meaning within an ABI version.
 *
 * Every function returns 0 on success; non-zero means the model failed, and
 * last_error() (may be NULL) says why. callbench then reports the model, the request
 * and the message, keeps what was recorded, and ends the session.
 */
#ifndef CALLBENCH_MODEL_H_
#define CALLBENCH_MODEL_H_

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CALLBENCH_MODEL_ABI_VERSION 1u

/* DN kinds (callbench_session.dn_kinds). */
enum {
  CALLBENCH_DN_EXTENSION = 0,
  CALLBENCH_DN_ACD_QUEUE = 1,
  CALLBENCH_DN_ROUTING_POINT = 2,
  CALLBENCH_DN_ROUTING_QUEUE = 3,
  CALLBENCH_DN_EXTERNAL = 4,
  CALLBENCH_DN_REMOTE_EXTENSION = 5
};

/* Stimulus kinds (callbench_stimulus.kind): the scenario verbs. */
enum {
  CALLBENCH_MAKE_CALL = 0,       /* dn = origin, dn2 = destination, call = new */
  CALLBENCH_ANSWER = 1,          /* dn, call */
  CALLBENCH_RELEASE = 2,         /* dn, call */
  CALLBENCH_HOLD = 3,            /* dn, call */
  CALLBENCH_RETRIEVE = 4,        /* dn, call */
  CALLBENCH_ROUTE = 5,           /* dn = routing point, call, dn2 = destination */
  CALLBENCH_INBOUND = 6,         /* dn = external caller, dn2 = destination, call = new */
  CALLBENCH_QUEUE = 7,           /* call, dn = further ACD queue */
  CALLBENCH_DIVERT = 8,          /* dn = ACD queue, call, dn2 = agent */
  CALLBENCH_PARK = 9,            /* call, dn = parking DN */
  CALLBENCH_PICKUP = 10,         /* dn = parking DN, call */
  CALLBENCH_REMOTE_ANSWER = 11,  /* call */
  CALLBENCH_REMOTE_BUSY = 12,    /* call, call_state when has_call_state */
  CALLBENCH_REMOTE_RELEASE = 13, /* call */
  CALLBENCH_ROUTE_TIMEOUT = 14,  /* dn = routing point, call, dn2 = default destination */
  CALLBENCH_PAUSE = 15,
  CALLBENCH_STEP = 16, /* call */
  CALLBENCH_RESUME = 17
};

/* Event attributes: bit (1 << n) of callbench_event.present. */
enum {
  CALLBENCH_ATTR_CONN_ID = 0,
  CALLBENCH_ATTR_THIS_DN = 1,
  CALLBENCH_ATTR_THIS_DN_ROLE = 2,
  CALLBENCH_ATTR_THIS_QUEUE = 3,
  CALLBENCH_ATTR_OTHER_DN = 4,
  CALLBENCH_ATTR_OTHER_DN_ROLE = 5,
  CALLBENCH_ATTR_THIRD_PARTY_DN = 6,
  CALLBENCH_ATTR_THIRD_PARTY_DN_ROLE = 7,
  CALLBENCH_ATTR_THIRD_PARTY_QUEUE = 8,
  CALLBENCH_ATTR_CALL_STATE = 9,
  CALLBENCH_ATTR_REFERENCE_ID = 10,
  CALLBENCH_ATTR_ERROR_CODE = 11 /* with ErrorMessage: callbench_event.error */
};

/* What became of a stimulus (callbench_result.outcome). */
enum {
  CALLBENCH_APPLIED = 0, /* did what it says */
  CALLBENCH_REFUSED = 1, /* a client request answered with EventError; nothing changed */
  CALLBENCH_IGNORED = 2  /* a switch stimulus that does not apply now: ignore_reason says why */
};

#define CALLBENCH_NO_DN 0xFFFFu
#define CALLBENCH_NO_CALL 0xFFFFu
#define CALLBENCH_OPTION_COUNT 7u

/* A session's header. Pointers are valid during start_session() only: copy what you keep. */
typedef struct callbench_session {
  uint64_t seed; /* ConnIDs may derive from it; same seed, same events */
  uint32_t dn_count;
  const char* const* dn_names; /* dn_count NUL-terminated names ("7001") */
  const uint8_t* dn_kinds;     /* dn_count CALLBENCH_DN_* */
  uint32_t call_count;
  const char* const* call_names; /* call_count names ("c1"); CallId = index */
  /* Switch-profile options, in this order, each 0 (first value) or 1:
   * dial-info on/off, third-party on/off, route-used-callstate on/off,
   * acd-redirected on/off, park-destination-busy on/off,
   * network-reached reported/simulated, outbound-other-dn on/off. */
  uint8_t options[CALLBENCH_OPTION_COUNT];
} callbench_session;

typedef struct callbench_stimulus {
  uint8_t kind;           /* CALLBENCH_MAKE_CALL ... */
  uint8_t has_call_state; /* remote-busy: a reason is given */
  uint8_t call_state;     /* T-Lib CallState */
  uint8_t reserved;
  uint16_t dn, dn2, call; /* CALLBENCH_NO_DN / CALLBENCH_NO_CALL when not taken */
  uint16_t reserved2;
  uint32_t reference_id; /* client requests: 1..2^31-1; else 0 */
  uint32_t seq;          /* 1.. in the session */
} callbench_stimulus;

typedef struct callbench_event {
  uint8_t type;  /* T-Lib event number: EventRinging = 60, ... */
  uint8_t error; /* error reason (core/model.h ErrorReason) when ERROR_CODE present */
  uint8_t this_role, other_role, third_party_role; /* T-Lib DNRole */
  uint8_t call_state;                              /* T-Lib CallState */
  uint16_t present;                                /* bit per CALLBENCH_ATTR_* carried */
  uint16_t call; /* the session's call (its index), CALLBENCH_NO_CALL for none */
  uint16_t this_dn, this_queue, other_dn, third_party_dn, third_party_queue;
  uint32_t reference_id;
  uint32_t reserved;
  uint64_t conn_id;
} callbench_event;

typedef struct callbench_result {
  uint8_t outcome;       /* CALLBENCH_APPLIED, _REFUSED, _IGNORED */
  uint8_t ignore_reason; /* core/engine.h IgnoreReason, when ignored (1..) */
  uint16_t reserved;
  uint32_t event_count; /* events written into the caller's buffer */
} callbench_result;

/* What the model implements; a bit per value. All ones: everything. */
typedef struct callbench_supports {
  uint32_t dn_kinds;                             /* bit per CALLBENCH_DN_* */
  uint32_t stimuli;                              /* bit per stimulus kind */
  uint8_t option_values[CALLBENCH_OPTION_COUNT]; /* per option: bit 0 first value, bit 1 second */
} callbench_supports;

typedef struct callbench_model_api {
  uint32_t abi_version; /* CALLBENCH_MODEL_ABI_VERSION the plugin was built with */
  uint32_t struct_size; /* sizeof(callbench_model_api) the plugin was built with */
  const char* name;     /* what the model calls itself */
  const char* version;  /* its version */
  callbench_supports supports;
  void* (*create)(void); /* NULL on failure */
  void (*destroy)(void* model);
  int (*start_session)(void* model, const callbench_session* session);
  /* Applies one stimulus; writes at most `capacity` events into `events` (the caller's
   * buffer) and the outcome into *result. More events than capacity is a failure. */
  int (*apply)(void* model, const callbench_stimulus* stimulus, callbench_event* events,
               uint32_t capacity, callbench_result* result);
  const char* (*last_error)(void* model); /* may be NULL */
} callbench_model_api;

typedef const callbench_model_api* (*callbench_model_entry_fn)(uint32_t host_abi_version);
#define CALLBENCH_MODEL_ENTRY "callbench_model_entry"

#ifdef __cplusplus
}
#endif

#endif /* CALLBENCH_MODEL_H_ */
