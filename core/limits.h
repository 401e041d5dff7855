// Limits on everything that comes from outside (scenario text, fuzz input, journal
// rows), in one place, as SQLite's sqliteLimit.h. Going past one is a precise error,
// never a crash, a hang or an unbounded allocation. Each has its reason.
#ifndef CALLBENCH_CORE_LIMITS_H_
#define CALLBENCH_CORE_LIMITS_H_

#include <cstddef>
#include <cstdint>

namespace callbench::limits {

// A scenario is read by people and written by the fuzzer; 4096 statements (stimuli and
// expect lines; declarations have their own bounds) is far beyond any documented flow
// (under 20) and keeps a parse well under a millisecond.
inline constexpr std::size_t kMaxStatements = 4096;
// A line longer than this is not a hand-written statement.
inline constexpr std::size_t kMaxLineLength = 512;
// The whole file: every statement and declaration (a seed, a DN each, an option each)
// at full length, with room for comments.
inline constexpr std::size_t kMaxScenarioBytes = (kMaxStatements + 512) * (kMaxLineLength + 1);
// DNs of one topology. DnId is 16 bits with 0xFFFF reserved for "absent".
inline constexpr std::size_t kMaxDns = 256;
// Calls created in one session. The engine keeps a fixed table of this size, so
// it never allocates per call or per event.
inline constexpr std::size_t kMaxCalls = 256;
// ACD queues one call may wait at at once (the multiple-ACD flow uses two).
inline constexpr std::size_t kMaxQueuesPerCall = 8;
// Length of a DN name ('7001', '5550100') and of a call name ('c1').
inline constexpr std::size_t kMaxNameLength = 32;
// ReferenceIDs are T-Lib's positive 32-bit ints: the parser and every decoder accept
// 1 to this, so a session read from a journal prints a `ref=N` the parser reads back.
inline constexpr uint32_t kMaxReferenceId = 2147483647u;
// Stimuli of one session: a scenario's statements bound it, a fuzz program's too.
inline constexpr std::size_t kMaxStimuli = kMaxStatements;
// Stimuli of one fuzz program: small programs mutate and minimise well.
inline constexpr std::size_t kMaxProgramStimuli = 64;
// DNs of one fuzz program's topology: enough for every kind twice and more.
inline constexpr std::size_t kMaxProgramDns = 16;
// Events one stimulus can cause: a resume fires every pending step, each of which
// emits at most a handful of events (an abandoned multi-queued call: one per queue).
inline constexpr std::size_t kMaxEventsPerStep = kMaxQueuesPerCall + 4;

// Journal payloads (canonical Cap'n Proto). An event or request is a few hundred
// bytes; a header holds up to 256 DN names and 256 call names.
inline constexpr std::size_t kMaxRecordPayloadBytes = 4096;
inline constexpr std::size_t kMaxHeaderPayloadBytes = 64 * 1024;
// Cap'n Proto reader limits: a Record is at most 3 levels deep (Record > header > list >
// Dn); the traversal limit is the payload's own size in words, so a payload cannot
// make the reader walk more than it holds (amplification through shared pointers).
inline constexpr int kPayloadNestingLimit = 8;
// Rows of one session a reader accepts: every stimulus firing every call's steps.
inline constexpr std::size_t kMaxEventsPerSession = kMaxStimuli * 64;
// One line of a JSON-lines stream (import/jsonl.h): an event line is a few hundred
// bytes; the session line names up to 256 DNs and every option, well under this.
inline constexpr std::size_t kMaxJsonLineLength = 64 * 1024;
// Sessions one journal may hold (a campaign records findings, not every execution).
inline constexpr std::size_t kMaxSessionsListed = 1u << 20;

static_assert(kMaxDns < 0xFFFF, "DnId 0xFFFF means absent");
static_assert(kMaxCalls < 0xFFFF, "CallId 0xFFFF means absent");
static_assert(kMaxProgramStimuli <= kMaxStimuli, "a program is a session");

}  // namespace callbench::limits

#endif  // CALLBENCH_CORE_LIMITS_H_
