#include "models/compare.h"

#include <unordered_map>

#include "core/render.h"

namespace callbench {
namespace {

const char* outcome_name(const ApplyResult& r) {
  switch (r.outcome) {
    case Outcome::kApplied:
      return "applied";
    case Outcome::kRefused:
      return "refused (EventError)";
    case Outcome::kIgnored:
      return "ignored";
  }
  return "?";
}

// The request as a scenario line would name it: "request 3 (answer 7002 c1)".
std::string request_text(const Session& session, std::size_t index) {
  const Stimulus& s = session.stimuli[index];
  const SessionConfig& c = session.config;
  std::string t = "request " + std::to_string(index + 1) + " (" + stimulus_verb(s.kind);
  if (s.dn != kNoDn && s.dn < c.topology.dns.size()) t += " " + c.topology.dns[s.dn].name;
  if (s.call != kNoCall && s.call < c.call_names.size()) t += " " + c.call_names[s.call];
  if (s.dn2 != kNoDn && s.dn2 < c.topology.dns.size()) t += " " + c.topology.dns[s.dn2].name;
  return t + ")";
}

}  // namespace

Difference compare_events(const Session& session, const std::vector<Event>& builtin_events,
                          const std::vector<ApplyResult>& builtin_outcomes,
                          const std::vector<Event>& model_events,
                          const std::vector<ApplyResult>& model_outcomes,
                          const std::string& model_name) {
  Difference d;
  const SessionConfig& c = session.config;
  std::unordered_map<uint64_t, uint64_t> model_to_engine, engine_to_model;
  std::size_t bi = 0, mi = 0;
  std::size_t n = std::min(builtin_outcomes.size(), model_outcomes.size());
  auto differ = [&](std::size_t req, std::string what, std::string report) {
    d.found = true;
    d.request_seq = static_cast<uint32_t>(req + 1);
    d.what = std::move(what);
    d.report =
        "session differs from the builtin engine at " + request_text(session, req) + ":\n" + report;
    return d;
  };
  for (std::size_t r = 0; r < n; ++r) {
    uint32_t seq = static_cast<uint32_t>(r + 1);
    std::size_t b_end = bi, m_end = mi;
    while (b_end < builtin_events.size() && builtin_events[b_end].request_seq == seq) ++b_end;
    while (m_end < model_events.size() && model_events[m_end].request_seq == seq) ++m_end;
    for (;; ++bi, ++mi) {
      bool b_has = bi < b_end, m_has = mi < m_end;
      if (!b_has && !m_has) break;
      std::string at = "  event " +
                       std::to_string((b_has ? builtin_events[bi].seq : model_events[mi].seq)) +
                       "\n";
      if (!m_has) {
        const Event& e = builtin_events[bi];
        return differ(r, std::string("missing.") + event_name(e.type),
                      at + "  expected (builtin): " + event_text(e, c) + "\n  actual (" +
                          model_name + "): no event\n");
      }
      if (!b_has) {
        const Event& e = model_events[mi];
        return differ(r, std::string("extra.") + event_name(e.type),
                      at + "  expected (builtin): no event\n  actual (" + model_name +
                          "): " + event_text(e, c) + "\n");
      }
      const Event& b = builtin_events[bi];
      const Event& m = model_events[mi];
      std::string head = at + "  expected (builtin): " + event_text(b, c) + "\n  actual (" +
                         model_name + "): " + event_text(m, c) + "\n";
      if (b.type != m.type) {
        return differ(r, std::string(event_name(b.type)) + ".type",
                      head + "  the event differs: " + event_name(b.type) + " against " +
                          event_name(m.type) + "\n");
      }
      if (b.call != m.call)
        return differ(r, std::string(event_name(b.type)) + ".call", head + "  the call differs\n");
      for (int a = 0; a < kAttrCount; ++a) {
        Attr attr = static_cast<Attr>(a);
        bool bh = b.has(attr), mh = m.has(attr);
        bool same = bh == mh;
        if (same && bh) {
          if (attr == Attr::kConnId) {
            auto f = model_to_engine.find(m.conn_id);
            auto g = engine_to_model.find(b.conn_id);
            if (f == model_to_engine.end() && g == engine_to_model.end()) {
              model_to_engine.emplace(m.conn_id, b.conn_id);
              engine_to_model.emplace(b.conn_id, m.conn_id);
            } else {
              same = f != model_to_engine.end() && f->second == b.conn_id;
            }
          } else {
            same = attr_value_text(b, attr, c) == attr_value_text(m, attr, c);
          }
        }
        if (!same) {
          std::string bv = bh ? attr_value_text(b, attr, c) : "absent";
          std::string mv = mh ? attr_value_text(m, attr, c) : "absent";
          if (attr == Attr::kConnId && bh && mh) {
            bv += " (the engine's ConnID of this call)";
            mv += " (not the ConnID the model gave this call before, or another call's)";
          }
          return differ(r, std::string(event_name(b.type)) + "." + attr_name(attr),
                        head + "  attribute " + attr_name(attr) + ": builtin " + bv + ", " +
                            model_name + " " + mv + "\n");
        }
      }
    }
    const ApplyResult& bo = builtin_outcomes[r];
    const ApplyResult& mo = model_outcomes[r];
    if (bo.outcome != mo.outcome) {
      return differ(r, std::string("outcome.") + stimulus_verb(session.stimuli[r].kind),
                    std::string("  builtin: ") + outcome_name(bo) + ", " + model_name + ": " +
                        outcome_name(mo) + "\n");
    }
  }
  return d;
}

}  // namespace callbench
