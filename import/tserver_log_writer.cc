// The T-Server log writer (import/tserver_log.h): any session in the shape the reader
// reads, so a played session goes through the same import path as a customer's log.
#include <cstdio>

#include "import/tserver_log.h"

namespace callbench {
namespace {

// "YYYY-MM-DD" of day `days` after 2026-01-01 (civil calendar).
std::string date_after(int64_t days) {
  // Howard Hinnant's civil_from_days, from the days since 1970-01-01.
  int64_t z = 20454 + days + 719468;  // 2026-01-01 is day 20454
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  auto doe = static_cast<unsigned>(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = static_cast<int64_t>(yoe) + era * 400;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  unsigned d = doy - (153 * mp + 2) / 5 + 1;
  unsigned m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
  char buf[24];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(y % 10000), m, d);
  return buf;
}

class Writer {
 public:
  Writer(const Session& session, const std::vector<Event>& events)
      : session_(session), events_(events) {
    conn_.assign(session.config.call_names.size(), 0);
    for (const Event& e : events) {
      if (e.call < conn_.size() && e.has(Attr::kConnId) && conn_[e.call] == 0)
        conn_[e.call] = e.conn_id;
    }
  }
  std::string run();

 private:
  // The next message's time: 10 ms after the previous one.
  void tick() { ms_ += 10; }
  std::string clock(int digits) const {
    int64_t in_day = ms_ % 86400000;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%02d:%02d:%02d.%0*d", static_cast<int>(in_day / 3600000),
                  static_cast<int>(in_day / 60000 % 60), static_cast<int>(in_day / 1000 % 60),
                  digits, static_cast<int>(digits == 4 ? in_day % 1000 * 10 : in_day % 1000));
    return buf;
  }
  const std::string& dn(DnId id) const { return session_.config.topology.dns[id].name; }
  void request(const Stimulus& s);
  void event(const Event& e);

  const Session& session_;
  const std::vector<Event>& events_;
  std::vector<uint64_t> conn_;
  int64_t ms_ = 0;
  std::string out_;
};

void Writer::request(const Stimulus& s) {
  const StimulusShape& shape = shape_of(s.kind);
  if (!shape.client_request) return;  // switch stimuli are not in a T-Server log
  static const char* const kNames[] = {"RequestMakeCall",     "RequestAnswerCall",
                                       "RequestReleaseCall",  "RequestHoldCall",
                                       "RequestRetrieveCall", "RequestRouteCall"};
  const char* name = kNames[static_cast<int>(s.kind)];
  tick();
  out_ += date_after(ms_ / 86400000) + "T" + clock(3) + " Trc 04541 " + name +
          " received from [7] (00000001 callbench localhost:3000)\n";
  out_ += std::string("message ") + name + "\n";
  out_ += "\tAttributeThisDN\t'" + dn(s.dn) + "'\n";
  if (shape.has_dn2) out_ += "\tAttributeOtherDN\t'" + dn(s.dn2) + "'\n";
  if (shape.has_call && s.kind != StimulusKind::kMakeCall && s.call < conn_.size() &&
      conn_[s.call] != 0)
    out_ += "\tAttributeConnID\t" + conn_id_string(conn_[s.call]) + "\n";
  out_ += "\tAttributeReferenceID\t" + std::to_string(s.reference_id) + "\n";
}

void Writer::event(const Event& e) {
  tick();
  out_ += "@" + clock(4) + " [0] 8.5.000.00 distribute_event: message " + event_name(e.type) + "\n";
  char seq[32];
  std::snprintf(seq, sizeof seq, "%016x", e.seq);
  out_ += std::string("\tAttributeEventSequenceNumber\t") + seq + "\n";
  if (e.has(Attr::kConnId)) out_ += "\tAttributeConnID\t" + conn_id_string(e.conn_id) + "\n";
  if (e.has(Attr::kCallState))
    out_ += "\tAttributeCallState\t" + std::to_string(static_cast<int>(e.call_state)) + "\n";
  if (e.has(Attr::kThisDn)) out_ += "\tAttributeThisDN\t'" + dn(e.this_dn) + "'\n";
  if (e.has(Attr::kThisDnRole))
    out_ += "\tAttributeThisDNRole\t" + std::to_string(static_cast<int>(e.this_role)) + "\n";
  if (e.has(Attr::kThisQueue)) out_ += "\tAttributeThisQueue\t'" + dn(e.this_queue) + "'\n";
  if (e.has(Attr::kOtherDn)) out_ += "\tAttributeOtherDN\t'" + dn(e.other_dn) + "'\n";
  if (e.has(Attr::kOtherDnRole))
    out_ += "\tAttributeOtherDNRole\t" + std::to_string(static_cast<int>(e.other_role)) + "\n";
  if (e.has(Attr::kThirdPartyDn))
    out_ += "\tAttributeThirdPartyDN\t'" + dn(e.third_party_dn) + "'\n";
  if (e.has(Attr::kThirdPartyDnRole))
    out_ += "\tAttributeThirdPartyDNRole\t" + std::to_string(static_cast<int>(e.third_party_role)) +
            "\n";
  if (e.has(Attr::kThirdPartyQueue))
    out_ += "\tAttributeThirdPartyQueue\t'" + dn(e.third_party_queue) + "'\n";
  if (e.has(Attr::kReferenceId))
    out_ += "\tAttributeReferenceID\t" + std::to_string(e.reference_id) + "\n";
  if (e.has(Attr::kErrorCode)) {
    out_ += "\tAttributeErrorCode\t" + std::to_string(error_code_of(e.error)) + "\n";
    out_ += std::string("\tAttributeErrorMessage\t'") + error_message_of(e.error) + "'\n";
  }
}

std::string Writer::run() {
  out_ =
      "Application name:\tcallbench\nHost name:\tlocalhost\nLocal time:\t2026-01-01T00:00:00.000\n";
  const auto& stimuli = session_.stimuli;
  std::vector<bool> printed(stimuli.size(), false);
  // A played session: each request before the events it caused (request_seq). An
  // observed one (request_seq 0): each request before the first event answering it.
  std::size_t next = 0;  // stimuli before this index are printed (played order)
  for (const Event& e : events_) {
    if (e.request_seq >= 1) {
      for (; next < e.request_seq && next < stimuli.size(); ++next) {
        if (!printed[next]) request(stimuli[next]);
        printed[next] = true;
      }
    } else if (e.has(Attr::kReferenceId)) {
      for (std::size_t i = 0; i < stimuli.size(); ++i) {
        if (!printed[i] && stimuli[i].reference_id == e.reference_id) {
          for (std::size_t j = next; j <= i; ++j) {
            if (!printed[j]) request(stimuli[j]);
            printed[j] = true;
          }
          next = i + 1;
          break;
        }
      }
    }
    event(e);
  }
  for (std::size_t i = 0; i < stimuli.size(); ++i) {
    if (!printed[i]) request(stimuli[i]);
  }
  return std::move(out_);
}

}  // namespace

std::string render_tserver_log(const Session& session, const std::vector<Event>& events) {
  return Writer(session, events).run();
}

}  // namespace callbench
