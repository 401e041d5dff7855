// The ConnID-to-call binder of both import readers (import/call_binder.h).
#include "import/call_binder.h"

#include "core/limits.h"

namespace callbench {

std::string conn_call_name(uint64_t conn_id) { return "conn_" + conn_id_string(conn_id); }

bool CallBinder::named(const std::string& name, CallId* out) {
  auto it = ids_.find(std::string_view(name));
  if (it != ids_.end()) {
    *out = it->second;
    return true;
  }
  if (names_->size() >= limits::kMaxCalls) return false;
  *out = static_cast<CallId>(names_->size());
  ids_.emplace(name, *out);
  names_->push_back(name);
  return true;
}

std::string CallBinder::name_for(uint64_t conn_id) const {
  auto it = conns_.find(conn_id);
  return it != conns_.end() ? (*names_)[it->second] : conn_call_name(conn_id);
}

void CallBinder::request(std::optional<uint64_t> conn_id, bool client_request,
                         uint32_t reference_id, bool unbound_make_call, CallId call) {
  if (conn_id) conns_.emplace(*conn_id, call);
  if (client_request) refs_[reference_id] = call;
  if (unbound_make_call) unbound_[reference_id] = call;
}

bool CallBinder::event(std::optional<uint64_t> conn_id, std::optional<uint32_t> reference_id,
                       CallId* out) {
  if (!conn_id) {
    if (reference_id) {
      auto it = refs_.find(*reference_id);
      if (it != refs_.end()) *out = it->second;  // an EventError answering a request
    }
    return true;
  }
  auto known = conns_.find(*conn_id);
  auto unbound = reference_id ? unbound_.find(*reference_id) : unbound_.end();
  if (known != conns_.end()) {
    *out = known->second;
  } else if (unbound != unbound_.end()) {
    // The first event answering a make-call gives its call the ConnID (and its name).
    *out = unbound->second;
    unbound_.erase(unbound);
    std::string conn_name = conn_call_name(*conn_id);
    if (ids_.find(std::string_view(conn_name)) == ids_.end()) {
      std::string& old = (*names_)[*out];
      ids_.erase(old);
      old = conn_name;
      ids_.emplace(conn_name, *out);
    }
  } else if (!named(conn_call_name(*conn_id), out)) {
    return false;
  }
  conns_.emplace(*conn_id, *out);
  return true;
}

}  // namespace callbench
