// Which call of an imported session each client request and event belongs to (issue
// 10), one binder for both readers (import/log_session.cc: T-Server logs;
// import/jsonl_reader.cc: JSON lines). Calls are told apart by ConnID:
// - a call known only by its ConnID is named after it, "conn_0077028a809f7004";
// - a make-call with no ConnID yet (a TMakeCall is sent before the switch gives one)
//   gets a call that the first event answering its ReferenceID with a new ConnID binds,
//   renamed then after that ConnID;
// - an event without a ConnID (an EventError answering a request) takes the call of the
//   request whose ReferenceID it answers.
// The binder owns no names: it works on the session's call_names, and never reads the
// engine. The limit of calls is the caller's to report (it knows the file and line).
#ifndef CALLBENCH_IMPORT_CALL_BINDER_H_
#define CALLBENCH_IMPORT_CALL_BINDER_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/model.h"

namespace callbench {

// "conn_" and the ConnID's 16 hex digits: a valid call name (core/names.h).
std::string conn_call_name(uint64_t conn_id);

class CallBinder {
 public:
  explicit CallBinder(std::vector<std::string>* call_names) : names_(call_names) {}

  // The call named `name`, created when new. False when the session already has
  // limits::kMaxCalls calls.
  bool named(const std::string& name, CallId* out);
  bool known(const std::string& name) const {
    return ids_.find(std::string_view(name)) != ids_.end();
  }

  // The name a request with this ConnID goes to: the ConnID's call's (it may have been
  // made by a make-call without a ConnID and renamed), else conn_call_name.
  std::string name_for(uint64_t conn_id) const;

  // A request of call `call` was read: its ConnID (if any) and ReferenceID now name it;
  // a make-call without a ConnID waits for the event that binds one.
  void request(std::optional<uint64_t> conn_id, bool client_request, uint32_t reference_id,
               bool unbound_make_call, CallId call);

  // The ConnID names `call` (a line that names its call and its ConnID).
  void bind(uint64_t conn_id, CallId call) { conns_.emplace(conn_id, call); }

  // The call of an event: by ConnID (binding a waiting make-call by the ReferenceID it
  // answers, or a new call), else by the ReferenceID of the request it answers (kNoCall
  // when none). False when a new call would pass the limit.
  bool event(std::optional<uint64_t> conn_id, std::optional<uint32_t> reference_id, CallId* out);

 private:
  // Call names looked up by string_view (no temporary string per lookup).
  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  // Hash maps: only looked up, never walked in order (the results do not depend on it).
  std::vector<std::string>* names_;
  std::unordered_map<std::string, CallId, NameHash, std::equal_to<>> ids_;
  std::unordered_map<uint64_t, CallId> conns_;    // ConnID -> call
  std::unordered_map<uint32_t, CallId> refs_;     // ReferenceID of a client request -> its call
  std::unordered_map<uint32_t, CallId> unbound_;  // ReferenceID of a make-call with no ConnID yet
};

}  // namespace callbench

#endif  // CALLBENCH_IMPORT_CALL_BINDER_H_
