// The payload codec: model values <-> canonical Cap'n Proto bytes (journal.capnp), and
// the JSON form derived from the schema. Encoding is canonical (capnp::canonicalize),
// so equal content gives equal bytes. Decoding treats bytes as untrusted: a size limit,
// an 8-byte-aligned copy, a fresh reader with tight ReaderOptions, a canonical-form
// check, and validation of every field against the session's topology and call
// names; any failure is a Status naming what is wrong, never an assertion.
#ifndef CALLBENCH_STORAGE_CODEC_H_
#define CALLBENCH_STORAGE_CODEC_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/model.h"
#include "core/model_info.h"
#include "core/status.h"

namespace callbench {

// Canonical bytes of one Record: a whole number of 8-byte words.
using Payload = std::vector<uint8_t>;

// What recorded a session; stored in each header and shown by replay.
const char* engine_version();

// A request as recorded: the stimulus, its position, and what became of it.
struct RecordedRequest {
  Stimulus stimulus;
  uint32_t seq = 0;
  IgnoreReason ignored = IgnoreReason::kNone;
};

// Encodes and decodes the requests and events of one session. Holds the session's
// names; borrows nothing.
class SessionCodec {
 public:
  explicit SessionCodec(const SessionConfig& config);
  SessionCodec(const SessionCodec&) = delete;  // the lookups view config_'s strings
  SessionCodec& operator=(const SessionCodec&) = delete;

  void encode_request(const Stimulus& s, uint32_t seq, const ApplyResult& result,
                      Payload* out) const;
  void encode_event(const Event& e, Payload* out) const;

  Status decode_request(const uint8_t* data, std::size_t size, RecordedRequest* out) const;
  Status decode_event(const uint8_t* data, std::size_t size, Event* out) const;

  const SessionConfig& config() const { return config_; }
  // An observed session's codec: events may have request_seq 0 (no request).
  void set_observed(bool observed) { observed_ = observed; }
  bool observed() const { return observed_; }

 private:
  DnId dn_id(std::string_view name) const;
  CallId call_id(std::string_view name) const;

  SessionConfig config_;
  bool observed_ = false;
  // Name -> id, viewing config_'s strings (lookup only: no iteration order leaks).
  std::unordered_map<std::string_view, uint16_t> dn_ids_;
  std::unordered_map<std::string_view, uint16_t> call_ids_;
};

// What a header says of its session beyond the config (journal.capnp SessionHeader).
struct HeaderFlags {
  bool observed = false;      // Session::observed
  bool profile_known = true;  // Session::profile_known
};
// `model`: the call model that produces the session; null or builtin: none recorded
// (the header is then byte for byte what it was before models).
Payload encode_header(const SessionConfig& config, const ModelInfo* model = nullptr,
                      HeaderFlags flags = {});
// Decodes and validates a header (topology, options, names) into *config, the
// version that wrote it into *engine, its model into *model (a header without one:
// builtin) and its flags into *flags; each of engine, model and flags may be null.
Status decode_header(const uint8_t* data, std::size_t size, SessionConfig* config,
                     std::string* engine, ModelInfo* model = nullptr, HeaderFlags* flags = nullptr);

// The JSON form of any payload (header, request or event), one line, no newline.
Status payload_json(const uint8_t* data, std::size_t size, std::string* json);

// The JSON line of a request or an event, straight from the model (encode, then JSON).
std::string request_json_line(const SessionCodec& codec, const Stimulus& s, uint32_t seq,
                              const ApplyResult& result);
std::string event_json_line(const SessionCodec& codec, const Event& e);

// A whole played session as JSON lines: each request, then the events it caused.
// `outcomes` may be empty.
std::string render_jsonl(const Session& session, const std::vector<Event>& events,
                         const std::vector<ApplyResult>& outcomes);

// A hash chained over event payloads, in order: digest_i = H(digest_{i-1}, payload_i).
// 64 bits, for detecting altered, missing or reordered rows (not an authenticator).
uint64_t chain_digest(uint64_t previous, const uint8_t* data, std::size_t size);
std::string digest_string(uint64_t digest);  // 16 hex digits

}  // namespace callbench

#endif  // CALLBENCH_STORAGE_CODEC_H_
