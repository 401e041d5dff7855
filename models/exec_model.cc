// The JSON-lines model client (exec_model.h).
#include "models/exec_model.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "core/limits.h"
#include "import/jsonl.h"
#include "storage/codec.h"

namespace callbench {
namespace {

using json = nlohmann::json;

double now_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// A line as an error message shows it: at most 200 bytes, control bytes escaped.
std::string shown(std::string_view line) {
  std::string out = "'";
  for (std::size_t i = 0; i < line.size() && i < 200; ++i) {
    unsigned char c = static_cast<unsigned char>(line[i]);
    if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  out += line.size() > 200 ? "'... (" + std::to_string(line.size()) + " bytes)" : "'";
  return out;
}

// The IgnoreReason whose text is `why`; kWrongPhase for any other text.
IgnoreReason ignore_reason_of(std::string_view why) {
  for (int r = 1; r <= static_cast<int>(IgnoreReason::kNothingPending); ++r) {
    if (why == ignore_reason_text(static_cast<IgnoreReason>(r)))
      return static_cast<IgnoreReason>(r);
  }
  return IgnoreReason::kWrongPhase;
}

// Parses one line of the protocol. JSON leaves a key given twice in one object open, and
// nlohmann keeps the last, which would hide a model's mistake: *duplicate names it.
json parse_line(const std::string& line, std::string* duplicate) {
  std::vector<std::vector<std::string>> keys;  // per open object
  return json::parse(
      line,
      [&](int, json::parse_event_t event, json& parsed) {
        if (event == json::parse_event_t::object_start) {
          keys.emplace_back();
        } else if (event == json::parse_event_t::object_end) {
          if (!keys.empty()) keys.pop_back();
        } else if (event == json::parse_event_t::key && !keys.empty() && parsed.is_string()) {
          const std::string& k = parsed.get_ref<const std::string&>();
          auto& seen = keys.back();
          if (std::find(seen.begin(), seen.end(), k) != seen.end()) {
            if (duplicate->empty()) *duplicate = k;
          } else {
            seen.push_back(k);
          }
        }
        return true;
      },
      false);
}

// The first key of `j` not in `known`, or empty.
std::string unknown_key(const json& j, std::initializer_list<std::string_view> known) {
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (std::find(known.begin(), known.end(), it.key()) == known.end()) return it.key();
  }
  return {};
}

// An event line's keys: those `run --format jsonl` prints (the attributes by their T-Lib
// names, ErrorMessage with ErrorCode) and the numbering.
bool is_event_key(const std::string& key) {
  if (key == "event" || key == "seq" || key == "request_seq" || key == "call" ||
      key == "ErrorMessage")
    return true;
  for (int i = 0; i < kAttrCount; ++i)
    if (key == attr_name(static_cast<Attr>(i))) return true;
  return false;
}

}  // namespace

ExecModel::ExecModel(std::string command, double timeout_seconds)
    : command_(std::move(command)), timeout_(timeout_seconds) {
  info_.kind = "exec";
  info_.command = command_;
}

ExecModel::~ExecModel() {
  if (pid_ > 0) {
    // End of input: a well-behaved model exits; give it a moment, then kill it.
    ::shutdown(fd_, SHUT_WR);
    for (int i = 0; i < 100; ++i) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        break;
      }
      ::usleep(2000);
    }
  }
  kill_child();
}

std::string ExecModel::who() const {
  std::string w = "model exec:" + command_;
  if (!info_.name.empty())
    w += " (" + info_.name + (info_.version.empty() ? "" : " " + info_.version) + ")";
  return w;
}

void ExecModel::kill_child() {
  if (pid_ > 0) {
    ::kill(-pid_, SIGKILL);
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
  pid_ = -1;
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  in_.clear();
  in_pos_ = 0;
  pending_.clear();
  pending_pos_ = 0;
}

Status ExecModel::fail(const std::string& request, const std::string& what) {
  // Why did it stop? A process that exited says more than "end of output".
  std::string why = what;
  if (pid_ > 0) {
    int status = 0;
    for (int i = 0; i < 25; ++i) {
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        if (WIFEXITED(status))
          why += " (it exited with status " + std::to_string(WEXITSTATUS(status)) + ")";
        if (WIFSIGNALED(status))
          why += " (it was killed by signal " + std::to_string(WTERMSIG(status)) + ")";
        pid_ = -1;
        break;
      }
      // Only a closed connection (end of output, a reset, a broken pipe) waits for the exit.
      if (what.find("end of output") == std::string::npos &&
          what.find("failed: ") == std::string::npos)
        break;
      ::usleep(2000);
    }
  }
  kill_child();
  hello_done_ = false;
  return Status::corrupt(who() + ": " + request + ": " + why);
}

Status ExecModel::spawn() {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
    return Status::io(who() + ": socketpair: " + std::strerror(errno));
  }
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(sv[0]);
    ::close(sv[1]);
    return Status::io(who() + ": fork: " + std::strerror(errno));
  }
  if (pid == 0) {
    ::setpgid(0, 0);
    ::dup2(sv[1], 0);
    ::dup2(sv[1], 1);
    ::signal(SIGPIPE, SIG_DFL);
    ::execl("/bin/sh", "sh", "-c", command_.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::setpgid(pid, pid);
  ::close(sv[1]);
  fd_ = sv[0];
  pid_ = pid;
  in_.clear();
  in_pos_ = 0;
  return Status::ok();
}

Status ExecModel::write_all(const std::string& text, const std::string& request) {
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::send(fd_, text.data() + done, text.size() - done, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(request, std::string("writing to the model failed: ") + std::strerror(errno));
    }
    done += static_cast<std::size_t>(n);
  }
  return Status::ok();
}

Status ExecModel::read_line(double deadline, const std::string& request, std::string* line) {
  for (;;) {
    std::size_t nl = in_.find('\n', in_pos_);
    if (nl != std::string::npos) {
      if (nl - in_pos_ > limits::kMaxJsonLineLength) break;
      line->assign(in_, in_pos_, nl - in_pos_);
      in_pos_ = nl + 1;
      if (in_pos_ > 65536) {
        in_.erase(0, in_pos_);
        in_pos_ = 0;
      }
      return Status::ok();
    }
    if (in_.size() - in_pos_ > limits::kMaxJsonLineLength) break;
    double left = deadline - now_seconds();
    if (left <= 0) {
      std::string limit = request.rfind("the hello", 0) == 0
                              ? std::to_string(std::max(10 * timeout_, 10.0))
                              : std::to_string(timeout_);
      return fail(
          request,
          "no answer within " + limit.substr(0, 5) + " s (--model-timeout)" +
              (in_.size() > in_pos_ ? ", after a partial line " + shown(in_.substr(in_pos_)) : ""));
    }
    bool writing = pending_pos_ < pending_.size();
    pollfd p{fd_, static_cast<short>(POLLIN | (writing ? POLLOUT : 0)), 0};
    int ms = static_cast<int>(left * 1000) + 1;
    int r = ::poll(&p, 1, ms);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) continue;  // the deadline check above ends it
    if (writing && (p.revents & POLLOUT)) {
      ssize_t n = ::send(fd_, pending_.data() + pending_pos_, pending_.size() - pending_pos_,
                         MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0) pending_pos_ += static_cast<std::size_t>(n);
      if (n < 0 && errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK && errno != EPIPE) {
        return fail(request, std::string("writing to the model failed: ") + std::strerror(errno));
      }
      if (!(p.revents & (POLLIN | POLLHUP | POLLERR))) continue;
    }
    char buf[65536];
    ssize_t n = ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) continue;
      return fail(request, std::string("reading from the model failed: ") + std::strerror(errno));
    }
    if (n == 0) {
      return fail(
          request,
          "end of output before an answer" +
              (in_.size() > in_pos_ ? ", after a partial line " + shown(in_.substr(in_pos_)) : ""));
    }
    in_.append(buf, static_cast<std::size_t>(n));
  }
  return fail(request, "a line longer than " + std::to_string(limits::kMaxJsonLineLength) +
                           " bytes: " + shown(std::string_view(in_).substr(in_pos_, 200)));
}

Status ExecModel::parse_hello(const std::string& line) {
  const std::string request = "the hello {\"hello\":1}";
  std::string twice;
  json j = parse_line(line, &twice);
  if (j.is_discarded() || !j.is_object())
    return fail(request, "the answer is not a JSON object: " + shown(line));
  if (!twice.empty())
    return fail(request, "the key " + shown(twice) + " is given twice in " + shown(line));
  // Unknown keys are refused: a misspelt "supports" or "stimuli" would quietly mean
  // "everything", and the model would be fuzzed on what it never implemented.
  if (std::string k = unknown_key(j, {"model", "version", "supports"}); !k.empty())
    return fail(request,
                "unknown key " + shown(k) +
                    " in the hello's answer (its keys: model, version, supports): " + shown(line));
  auto name = j.find("model");
  auto version = j.find("version");
  if (name == j.end() || !name->is_string() || name->get<std::string>().empty()) {
    return fail(request, "the answer has no \"model\" name: " + shown(line));
  }
  if (version == j.end() || !version->is_string()) {
    return fail(request, "the answer has no \"version\" text: " + shown(line));
  }
  info_.name = name->get<std::string>().substr(0, 200);
  info_.version = version->get<std::string>().substr(0, 200);
  supports_ = ModelSupports{};
  auto sup = j.find("supports");
  if (sup == j.end()) return Status::ok();
  if (!sup->is_object()) return fail(request, "\"supports\" is not an object: " + shown(line));
  if (std::string k = unknown_key(*sup, {"dn_kinds", "stimuli", "options"}); !k.empty())
    return fail(request,
                "unknown key " + shown(k) +
                    " in \"supports\" (its keys: dn_kinds, stimuli, options): " + shown(line));
  if (auto k = sup->find("dn_kinds"); k != sup->end()) {
    if (!k->is_array())
      return fail(request, "\"supports\".\"dn_kinds\" is not a list: " + shown(line));
    supports_.dn_kinds = 0;
    for (const json& v : *k) {
      std::optional<DnKind> kind =
          v.is_string() ? parse_dn_kind(v.get<std::string>()) : std::nullopt;
      if (!kind)
        return fail(request,
                    "unknown DN kind " + shown(v.dump()) + " in \"supports\": " + shown(line));
      supports_.dn_kinds |= 1u << static_cast<int>(*kind);
    }
  }
  if (auto k = sup->find("stimuli"); k != sup->end()) {
    if (!k->is_array())
      return fail(request, "\"supports\".\"stimuli\" is not a list: " + shown(line));
    supports_.stimuli = 0;
    for (const json& v : *k) {
      std::optional<StimulusKind> kind =
          v.is_string() ? parse_stimulus_verb(v.get<std::string>()) : std::nullopt;
      if (!kind)
        return fail(request, "unknown scenario verb " + shown(v.dump()) +
                                 " in \"supports\": " + shown(line));
      supports_.stimuli |= 1u << static_cast<int>(*kind);
    }
  }
  if (auto k = sup->find("options"); k != sup->end()) {
    if (!k->is_object())
      return fail(request, "\"supports\".\"options\" is not an object: " + shown(line));
    for (auto it = k->begin(); it != k->end(); ++it) {
      int index = -1;
      for (int i = 0; i < kProfileOptionCount; ++i)
        if (it.key() == profile_options()[i].name) index = i;
      if (index < 0)
        return fail(request,
                    "unknown option " + shown(it.key()) + " in \"supports\": " + shown(line));
      std::vector<json> values;
      if (it->is_array()) {
        values.assign(it->begin(), it->end());
      } else {
        values.push_back(*it);
      }
      uint8_t mask = 0;
      for (const json& v : values) {
        const ProfileOption& o = profile_options()[index];
        if (v.is_string() && v.get<std::string>() == o.values[0])
          mask |= 1;
        else if (v.is_string() && v.get<std::string>() == o.values[1])
          mask |= 2;
        else
          return fail(request, "option " + it.key() + " has no value " + shown(v.dump()) + ": " +
                                   shown(line));
      }
      supports_.option_values[static_cast<std::size_t>(index)] = mask;
    }
  }
  return Status::ok();
}

Status ExecModel::open() {
  if (pid_ > 0 && hello_done_) return Status::ok();
  Status st = spawn();
  if (!st.is_ok()) return st;
  const std::string request = "the hello {\"hello\":1}";
  st = write_all("{\"hello\":1}\n", request);
  if (!st.is_ok()) return st;
  std::string line;
  // Starting an interpreter on a loaded machine takes a while: the hello may take ten
  // times the per-request timeout, and at least 10 s.
  st = read_line(now_seconds() + std::max(10 * timeout_, 10.0), request, &line);
  if (!st.is_ok()) return st;
  st = parse_hello(line);
  if (!st.is_ok()) return st;
  hello_done_ = true;
  return Status::ok();
}

Status ExecModel::start(const SessionConfig& config) {
  Status st = open();
  if (!st.is_ok()) return st;
  if (!codec_ || !(config_ == config)) {
    config_ = config;
    codec_ = std::make_unique<SessionCodec>(config);
  }
  request_seq_ = 0;
  event_seq_ = 0;
  calls_by_conn_.clear();
  out_ = session_json_line(config, label_);
  out_ += '\n';
  return write_all(out_, "the session line");
}

Status ExecModel::end() {
  if (pid_ < 0) return Status::ok();
  return write_all("{\"end\":true}\n", "the end of the session");
}

Status ExecModel::parse_event(const std::string& line, const std::string& request,
                              const Stimulus& s, Event* e) {
  std::string twice;
  json j = parse_line(line, &twice);
  if (j.is_discarded() || !j.is_object())
    return fail(request, "a line that is not a JSON object: " + shown(line));
  auto bad = [&](const std::string& what) {
    return fail(request, what + " in the line " + shown(line));
  };
  if (!twice.empty()) return bad("the key " + shown(twice) + " given twice");
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (!is_event_key(it.key()))
      return bad("unknown key " + shown(it.key()) +
                 " (an event line has \"event\", \"call\", \"seq\", \"request_seq\" and the "
                 "attributes by their T-Lib names, as run --format jsonl prints them)");
  }
  *e = Event{};
  auto name = j.find("event");
  if (name == j.end()) return bad("neither \"event\" nor \"done\"");
  std::optional<EventType> type =
      name->is_string() ? parse_event_name(name->get<std::string>()) : std::nullopt;
  if (!type) return bad("unknown event name " + name->dump());
  e->type = *type;
  auto dn = [&](const char* key, DnId* out, Attr attr) -> std::string {
    auto it = j.find(key);
    if (it == j.end()) return {};
    DnId id = it->is_string() ? config_.topology.find(it->get<std::string>()) : kNoDn;
    if (id == kNoDn) return std::string(key) + " " + it->dump() + " is not a DN of the session";
    *out = id;
    if (attr != Attr::kErrorCode) e->set(attr);
    return {};
  };
  auto role = [&](const char* key, DnRole* out, Attr attr) -> std::string {
    auto it = j.find(key);
    if (it == j.end()) return {};
    std::optional<DnRole> r =
        it->is_string() ? parse_dn_role(it->get<std::string>()) : std::nullopt;
    if (!r) return std::string(key) + " " + it->dump() + " is not a DNRole";
    *out = *r;
    e->set(attr);
    return {};
  };
  std::string err;
  DnId this_dn = kNoDn;
  if (!(err = dn("ThisDN", &this_dn, Attr::kThisDn)).empty()) return bad(err);
  if (this_dn == kNoDn) return bad("no ThisDN");
  e->this_dn = this_dn;
  if (!(err = dn("ThisQueue", &e->this_queue, Attr::kThisQueue)).empty()) return bad(err);
  if (!(err = dn("OtherDN", &e->other_dn, Attr::kOtherDn)).empty()) return bad(err);
  if (!(err = dn("ThirdPartyDN", &e->third_party_dn, Attr::kThirdPartyDn)).empty()) return bad(err);
  if (!(err = dn("ThirdPartyQueue", &e->third_party_queue, Attr::kThirdPartyQueue)).empty())
    return bad(err);
  if (!(err = role("ThisDNRole", &e->this_role, Attr::kThisDnRole)).empty()) return bad(err);
  if (!(err = role("OtherDNRole", &e->other_role, Attr::kOtherDnRole)).empty()) return bad(err);
  if (!(err = role("ThirdPartyDNRole", &e->third_party_role, Attr::kThirdPartyDnRole)).empty())
    return bad(err);
  if (auto it = j.find("CallState"); it != j.end()) {
    std::optional<CallState> cs =
        it->is_string() ? parse_call_state(it->get<std::string>()) : std::nullopt;
    if (!cs) return bad("CallState " + it->dump() + " is not a CallState");
    e->call_state = *cs;
    e->set(Attr::kCallState);
  }
  if (auto it = j.find("ReferenceID"); it != j.end()) {
    if (!it->is_number_unsigned() || it->get<uint64_t>() == 0 ||
        it->get<uint64_t>() > limits::kMaxReferenceId) {
      return bad("ReferenceID " + it->dump() + " is not a number from 1 to 2147483647");
    }
    e->reference_id = static_cast<uint32_t>(it->get<uint64_t>());
    e->set(Attr::kReferenceId);
  }
  if (auto it = j.find("ConnID"); it != j.end()) {
    std::optional<uint64_t> c =
        it->is_string() ? parse_conn_id(it->get<std::string>()) : std::nullopt;
    if (!c || *c == 0)
      return bad("ConnID " + it->dump() + " is not 16 lower-case hex digits, not all zero");
    e->conn_id = *c;
    e->set(Attr::kConnId);
  }
  auto code = j.find("ErrorCode");
  if (code != j.end()) {
    if (e->type != EventType::kError) return bad("ErrorCode on an event other than EventError");
    if (!code->is_number_unsigned()) return bad("ErrorCode " + code->dump() + " is not a number");
    uint64_t n = code->get<uint64_t>();
    auto msg = j.find("ErrorMessage");
    std::string text = msg != j.end() && msg->is_string() ? msg->get<std::string>() : "";
    ErrorReason found = ErrorReason::kNone;
    for (int r = 1; r < kErrorReasonCount; ++r) {
      auto reason = static_cast<ErrorReason>(r);
      if (static_cast<uint64_t>(error_code_of(reason)) != n) continue;
      if (found == ErrorReason::kNone || text == error_message_of(reason)) found = reason;
    }
    if (found == ErrorReason::kNone)
      return bad("ErrorCode " + code->dump() + " is not a T-Lib error code callbench knows");
    e->error = found;
    e->set(Attr::kErrorCode);
  } else if (e->type == EventType::kError) {
    return bad("EventError without ErrorCode");
  }
  // The call: by name, else by a ConnID seen before, else (EventError) the request's.
  if (auto it = j.find("call"); it != j.end()) {
    CallId id = kNoCall;
    if (it->is_string()) {
      for (std::size_t i = 0; i < config_.call_names.size(); ++i)
        if (config_.call_names[i] == it->get<std::string>()) id = static_cast<CallId>(i);
    }
    if (id == kNoCall) return bad("call " + it->dump() + " is not a call of the session");
    e->call = id;
  } else if (e->has(Attr::kConnId) && calls_by_conn_.count(e->conn_id)) {
    e->call = calls_by_conn_[e->conn_id];
  } else if (e->type == EventType::kError || s.call != kNoCall) {
    e->call = s.call;
  } else {
    return bad("an event without \"call\" nor a ConnID seen before");
  }
  if (e->has(Attr::kConnId)) calls_by_conn_.emplace(e->conn_id, e->call);
  // Numbering: callbench's, and a model that numbers must agree.
  e->seq = event_seq_ + 1;
  e->request_seq = request_seq_;
  if (auto it = j.find("seq");
      it != j.end() && !(it->is_number_unsigned() && it->get<uint64_t>() == e->seq)) {
    return bad("seq " + it->dump() + " where callbench numbers this event " +
               std::to_string(e->seq));
  }
  if (auto it = j.find("request_seq");
      it != j.end() && !(it->is_number_unsigned() && it->get<uint64_t>() == e->request_seq)) {
    return bad("request_seq " + it->dump() + " where the request's seq is " +
               std::to_string(e->request_seq));
  }
  ++event_seq_;
  return Status::ok();
}

Status ExecModel::apply(const Stimulus& s, std::vector<Event>* out, ApplyResult* result) {
  std::string line = request_json_line(*codec_, s, request_seq_ + 1, ApplyResult{});
  const std::string request = "request " + std::to_string(request_seq_ + 1) + " " + line;
  if (pid_ < 0)
    return Status::corrupt(who() + ": " + request +
                           ": the model is not running (an earlier error)");
  line += '\n';
  Status st = write_all(line, request);
  if (!st.is_ok()) return st;
  return answer(s, request, out, result);
}

Status ExecModel::play(const Session& session, ModelPlayed* p) {
  // Pipelined: every request line is sent at once (written as the model reads, while
  // its answers are read, so neither side blocks the other), then the answers are read
  // request by request, each within the timeout. One round trip per session instead of
  // one per stimulus; the model sees exactly the same lines.
  p->status = start(session.config);
  if (!p->status.is_ok()) return p->status;
  requests_.clear();
  pending_.clear();
  pending_pos_ = 0;
  for (std::size_t i = 0; i < session.stimuli.size(); ++i) {
    std::string line =
        request_json_line(*codec_, session.stimuli[i], static_cast<uint32_t>(i + 1), ApplyResult{});
    pending_ += line;
    pending_ += '\n';
    requests_.push_back("request " + std::to_string(i + 1) + " " + line);
  }
  pending_ += "{\"end\":true}\n";
  p->outcomes.reserve(session.stimuli.size());
  for (std::size_t i = 0; i < session.stimuli.size(); ++i) {
    ApplyResult r;
    p->status = answer(session.stimuli[i], requests_[i], &p->events, &r);
    if (!p->status.is_ok()) {
      pending_.clear();
      return p->status;
    }
    p->outcomes.push_back(r);
  }
  // The end line may still be on its way.
  while (pending_pos_ < pending_.size() && pid_ > 0) {
    p->status = flush_pending(now_seconds() + timeout_, "the end of the session");
    if (!p->status.is_ok()) return p->status;
  }
  pending_.clear();
  pending_pos_ = 0;
  return p->status;
}

Status ExecModel::flush_pending(double deadline, const std::string& request) {
  while (pending_pos_ < pending_.size()) {
    double left = deadline - now_seconds();
    if (left <= 0) return fail(request, "the model reads no more input within the timeout");
    pollfd pfd{fd_, POLLOUT, 0};
    int r = ::poll(&pfd, 1, static_cast<int>(left * 1000) + 1);
    if (r <= 0) continue;
    ssize_t n = ::send(fd_, pending_.data() + pending_pos_, pending_.size() - pending_pos_,
                       MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) continue;
      return fail(request, std::string("writing to the model failed: ") + std::strerror(errno));
    }
    pending_pos_ += static_cast<std::size_t>(n);
  }
  return Status::ok();
}

Status ExecModel::answer(const Stimulus& s, const std::string& request, std::vector<Event>* out,
                         ApplyResult* result) {
  *result = ApplyResult{};
  ++request_seq_;
  Status st;
  double deadline = now_seconds() + timeout_;
  std::string line;
  bool refused = false;
  for (std::size_t n = 0;; ++n) {
    st = read_line(deadline, request, &line);
    if (!st.is_ok()) return st;
    // {"done":SEQ} is the common line: recognise it before a full parse.
    if (line.find("\"done\"") != std::string::npos) {
      std::string twice;
      json j = parse_line(line, &twice);
      if (j.is_object() && j.contains("done")) {
        if (!twice.empty())
          return fail(request, "the key " + shown(twice) + " given twice in " + shown(line));
        if (std::string k = unknown_key(j, {"done", "ignored"}); !k.empty())
          return fail(request, "unknown key " + shown(k) +
                                   " in the answer (its keys: done, ignored): " + shown(line));
        const json& d = j["done"];
        if (!d.is_number_unsigned() || d.get<uint64_t>() != request_seq_) {
          return fail(request, "the answer " + shown(line) + " does not name the request's seq " +
                                   std::to_string(request_seq_));
        }
        if (auto it = j.find("ignored"); it != j.end()) {
          if (!it->is_string()) return fail(request, "\"ignored\" is not a text in " + shown(line));
          if (s.is_client_request()) {
            return fail(request,
                        "a client request answered \"ignored\" (a request the state does not allow "
                        "answers EventError): " +
                            shown(line));
          }
          result->outcome = Outcome::kIgnored;
          result->reason = ignore_reason_of(it->get<std::string>());
        } else if (refused) {
          result->outcome = Outcome::kRefused;
        }
        return Status::ok();
      }
    }
    if (n >= limits::kMaxEventsPerSession) return fail(request, "too many events for one request");
    Event e;
    st = parse_event(line, request, s, &e);
    if (!st.is_ok()) return st;
    if (e.type == EventType::kError && s.is_client_request() && e.reference_id == s.reference_id)
      refused = true;
    out->push_back(e);
  }
}

}  // namespace callbench
