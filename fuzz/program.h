// A fuzz program is a Session in normal form, and its compact binary encoding is what
// libFuzzer stores, mutates and hands to fuzz_orderings. A program never holds names
// of its own: DN names derive from each DN's kind and its index among the DNs of that
// kind (program_dn_name), call names are "c1".."cN" in creation order (CallId = order
// of creation), and every client request carries its default ReferenceID (its position
// among the client requests). So a program is fully described by its DN kinds, options,
// seed and stimuli, which is exactly what the bytes hold:
//
//   offset     size  field
//   0          1     magic/version: kProgramMagic (0xCB); any other value is not a program
//   1          1     N, the number of DNs, 1..kMaxProgramDns
//   2          N     the kind of each DN (DnKind), in topology order
//   2+N        1     switch-profile options: bit i set = option i takes values[1]
//                    (profile_options() order); bit 7 is zero
//   3+N        8     the session seed, little-endian
//   11+N       ...   stimuli, at most kMaxProgramStimuli, each:
//                      1 byte  StimulusKind
//                      1 byte per letter of shape_of(kind).args, in order:
//                        D d E e  DN index into the topology
//                        C        the call: its index among the calls created so far
//                        R        remote-busy's reason: 0 none, k = kProgramReasons[k-1]
//                    A creating stimulus (make-call, inbound) has no C byte: it creates
//                    the next call.
//
// Encoding writes exactly that; decode(encode(p)) == p for every program. Decoding is
// lenient, because libFuzzer feeds it any bytes: every out-of-range value is reduced
// modulo its range (N as 1 + (byte - 1) % kMaxProgramDns, kinds, DN and call indexes,
// reasons), a stimulus naming a call before any call exists is skipped, missing option
// or seed bytes read as zero, a stimulus cut short by the end of the data is dropped,
// and decoding stops at kMaxProgramStimuli. Every byte string therefore decodes to a
// valid program, unless nothing usable is there (no magic, no DN kind): then false.
//
// Nothing here asserts on its input bytes; encode_program asserts its REQUIRES.
#ifndef CALLBENCH_FUZZ_PROGRAM_H_
#define CALLBENCH_FUZZ_PROGRAM_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/model.h"

namespace callbench {

inline constexpr uint8_t kProgramMagic = 0xCB;
// Bytes before the first stimulus, for a topology of `ndns` DNs.
inline constexpr std::size_t program_header_size(std::size_t ndns) { return 11 + ndns; }
// Bytes of one encoded stimulus of this kind.
std::size_t program_stimulus_size(StimulusKind kind);
// The largest encoding: every DN, every stimulus with three argument bytes.
inline constexpr std::size_t kMaxProgramBytes =
    program_header_size(limits::kMaxProgramDns) + limits::kMaxProgramStimuli * 4;

// The CallState reasons a program can give remote-busy, in the order of their codes.
inline constexpr int kProgramReasonCount = 34;
CallState program_reason(int index);  // REQUIRES: 0 <= index < kProgramReasonCount

// "7001" for the first extension. Bases: extension 7001, acd-queue 8001, routing-point
// 9001, routing-queue 9101, external 5550100, remote-extension 6001; `index` is 0-based
// and below kMaxProgramDns, so no two names meet.
std::string program_dn_name(DnKind kind, std::size_t index);

// REQUIRES: `program` is a valid program-sized session: validate_session() empty, 1..
// kMaxProgramDns DNs, at most kMaxProgramStimuli stimuli. Names and ReferenceIDs are not
// encoded: encode(s) == encode(normalize_program(s)).
std::vector<uint8_t> encode_program(const Session& program);
// The same into *out (cleared first), keeping its capacity: no allocation once warm.
void encode_program(const Session& program, std::vector<uint8_t>* out);

// Lenient decoding, above. On true, *out is a valid program; on false, *out is
// unspecified. Reuses *out's storage: decoding into the same Session again allocates
// nothing once its vectors have grown.
bool decode_program(const uint8_t* data, std::size_t size, Session* out);

// Any valid session (from a .scn or a journal) as a program: the same DN kinds in the
// same order, options, seed and stimuli, with normalized names and default ReferenceIDs.
// What does not fit is dropped so that every reference stays valid: past kMaxProgramDns
// DNs it keeps the DNs the stimuli name first (then the lowest others), in topology
// order; a stimulus naming a dropped DN is dropped, and with it every stimulus using a
// call it created; then stimuli past kMaxProgramStimuli. Call names that no stimulus
// creates are dropped. A session with no DN gets one extension. Idempotent.
// REQUIRES: validate_session(any) is empty.
Session normalize_program(const Session& any);

// Rewrites the names and ReferenceIDs of a session whose DN kinds, stimuli and call ids
// (0..N-1 in creation order) already are a program's: the last step of every builder.
void name_program(Session* program);

// Empty when `s` is a valid program (a valid session, within the program limits, in
// normal form); else what is wrong. For tests and assertions, not for hot paths.
std::string check_program(const Session& s);

}  // namespace callbench

#endif  // CALLBENCH_FUZZ_PROGRAM_H_
