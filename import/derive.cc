// Deriving a scenario from one call of an observed log, and comparing (import/derive.h).
#include "import/derive.h"

#include <algorithm>
#include <map>

#include "core/player.h"
#include "core/scenario.h"

namespace callbench {
namespace {

// One item of the call in log order: a request (stimulus index) or an event (index).
struct Item {
  uint32_t line;
  bool request;
  std::size_t index;
};

// Whether the log shows DN `dn` engaged in a call other than `call` just before `line`:
// dialing, ringing, talking or holding there (no call waiting: such a DN is busy).
bool busy_elsewhere(const std::vector<Event>& events, const RowLines& lines, CallId call, DnId dn,
                    uint32_t line) {
  std::map<CallId, EventType> last;  // by other call: its last event at dn before line
  for (std::size_t i = 0; i < events.size(); ++i) {
    const Event& e = events[i];
    uint32_t at = i < lines.event_lines.size() ? lines.event_lines[i] : 0;
    if (e.call == call || e.this_dn != dn || at == 0 || at >= line) continue;
    last[e.call] = e.type;
  }
  for (const auto& [c, type] : last) {
    switch (type) {
      case EventType::kDialing:
      case EventType::kRinging:
      case EventType::kEstablished:
      case EventType::kHeld:
      case EventType::kRetrieved:
      case EventType::kNetworkReached:
        return true;
      default:
        break;
    }
  }
  return false;
}

// A name for a DN or call that the observed session does not use.
std::string fresh_dn_name(const Topology& t, const std::string& base) {
  std::string name = base;
  for (int n = 2; t.find(name) != kNoDn; ++n) name = base + std::to_string(n);
  return name;
}

}  // namespace

Status derive_call(const Session& observed, const std::vector<Event>& events, const RowLines& lines,
                   CallId call, DerivedCall* out) {
  *out = DerivedCall();
  out->call = call;
  const std::string call_name =
      call < observed.config.call_names.size() ? observed.config.call_names[call] : "?";
  std::vector<Item> items;
  for (std::size_t i = 0; i < observed.stimuli.size(); ++i) {
    const Stimulus& s = observed.stimuli[i];
    if (shape_of(s.kind).has_call && s.call == call)
      items.push_back({i < lines.request_lines.size() ? lines.request_lines[i] : 0, true, i});
  }
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (events[i].call == call)
      items.push_back({i < lines.event_lines.size() ? lines.event_lines[i] : 0, false, i});
  }
  std::stable_sort(items.begin(), items.end(),
                   [](const Item& a, const Item& b) { return a.line < b.line; });
  if (std::none_of(items.begin(), items.end(), [](const Item& i) { return !i.request; }))
    return Status::invalid("call " + call_name + ": the log shows no event of it");

  // The DNs the call uses, renumbered in order of appearance.
  std::map<DnId, DnId> remap;
  Topology& topo = out->session.config.topology;
  auto dn = [&](DnId d) -> DnId {
    if (d == kNoDn || d >= observed.config.topology.dns.size()) return kNoDn;
    auto it = remap.find(d);
    if (it != remap.end()) return it->second;
    auto id = static_cast<DnId>(topo.dns.size());
    topo.dns.push_back(observed.config.topology.dns[d]);
    remap.emplace(d, id);
    return id;
  };
  out->session.config.call_names = {"c1"};
  out->session.config.seed = observed.config.seed;
  auto& stimuli = out->session.stimuli;
  std::vector<DnId> delivered;  // where the stimuli so far send the call
  auto where = [&](const Item& i, const char* what) {
    return lines.file + ":" + std::to_string(i.line) + " " + what;
  };
  auto push = [&](Stimulus s, std::string note) {
    s.call = shape_of(s.kind).has_call ? 0 : kNoCall;
    const StimulusShape& shape = shape_of(s.kind);
    if (s.kind == StimulusKind::kQueue)
      delivered.push_back(s.dn);
    else if (shape.has_dn2)
      delivered.push_back(s.dn2);
    stimuli.push_back(s);
    out->notes.push_back(std::move(note));
  };
  bool created = false, answered = false, released = false, remote_released = false;
  DnId caller = kNoDn;
  DnId target = kNoDn;           // where the call was made to (make-call's destination)
  std::size_t created_at = 0;    // the stimulus that creates the call
  DnId parked_at = kNoDn;        // where the call is parked (derived DN)
  bool other_call_live = false;  // the call that keeps a destination busy ("other")
  // The destination was busy on another call in the log (no call waiting): a call from
  // outside that rings it, placed before this call's start, keeps it busy here too; its
  // events are not this call's and are not compared.
  auto make_busy = [&](DnId at_dn, const std::string& note) {
    if (other_call_live || at_dn == kNoDn) return;
    DnId ext = static_cast<DnId>(topo.dns.size());
    topo.dns.push_back(
        {fresh_dn_name(observed.config.topology, "other_caller"), DnKind::kExternal});
    Stimulus b;
    b.kind = StimulusKind::kInbound;
    b.dn = ext;
    b.dn2 = at_dn;
    b.call = 1;
    out->session.config.call_names = {"c1", "other"};
    stimuli.insert(stimuli.begin() + static_cast<std::ptrdiff_t>(created_at), b);
    out->notes.insert(
        out->notes.begin() + static_cast<std::ptrdiff_t>(created_at),
        note + ": " + topo.dns[at_dn].name + " is busy on another call; here a call that rings it");
    ++created_at;
    other_call_live = true;
  };
  // The switch parks the call instead of alerting its destination: it held the delivery
  // back from the start (`pause` before the call's first stimulus, `resume` once parked).
  auto park = [&](DnId at_dn, const std::string& note, bool held_back) {
    if (held_back) {
      Stimulus p;
      p.kind = StimulusKind::kPause;
      stimuli.insert(stimuli.begin() + static_cast<std::ptrdiff_t>(created_at), p);
      out->notes.insert(out->notes.begin() + static_cast<std::ptrdiff_t>(created_at),
                        "the switch parks the call instead of alerting its destination");
      ++created_at;
    }
    Stimulus s;
    s.kind = StimulusKind::kPark;
    s.dn = at_dn;
    push(s, note + ": the switch parks the call on " + topo.dns[at_dn].name);
    if (held_back) {
      Stimulus r;
      r.kind = StimulusKind::kResume;
      push(r, "the switch goes back to carrying out its steps at once");
    }
    parked_at = at_dn;
  };
  for (const Item& it : items) {
    if (it.request) {
      Stimulus s = observed.stimuli[it.index];
      if (!created && s.kind != StimulusKind::kMakeCall) {
        return Status::invalid("call " + call_name + ": under way at the log's first line (" +
                               lines.file + ":" + std::to_string(it.line) + " " +
                               (shape_of(s.kind).tlib ? shape_of(s.kind).tlib : "") +
                               " before any event of it): its beginning cannot be derived");
      }
      s.dn = dn(s.dn);
      if (shape_of(s.kind).has_dn2) s.dn2 = dn(s.dn2);
      if (s.kind == StimulusKind::kMakeCall) {
        if (created) continue;  // a second make-call on the same ConnID: not this call's start
        created = true;
        caller = s.dn;
        target = s.dn2;
        created_at = stimuli.size();
      }
      if (s.kind == StimulusKind::kAnswerCall) answered = true;
      if (s.kind == StimulusKind::kReleaseCall) released = true;
      push(s, where(it, std::string("Request")
                            .append(s.kind == StimulusKind::kMakeCall       ? "MakeCall"
                                    : s.kind == StimulusKind::kAnswerCall   ? "AnswerCall"
                                    : s.kind == StimulusKind::kReleaseCall  ? "ReleaseCall"
                                    : s.kind == StimulusKind::kHoldCall     ? "HoldCall"
                                    : s.kind == StimulusKind::kRetrieveCall ? "RetrieveCall"
                                                                            : "RouteCall")
                            .c_str()));
      continue;
    }
    Event e = events[it.index];
    // The log's event, on the derived topology.
    Event mapped = e;
    mapped.this_dn = dn(e.this_dn);
    if (e.has(Attr::kOtherDn)) mapped.other_dn = dn(e.other_dn);
    if (e.has(Attr::kThirdPartyDn)) mapped.third_party_dn = dn(e.third_party_dn);
    if (e.has(Attr::kThisQueue)) mapped.this_queue = dn(e.this_queue);
    if (e.has(Attr::kThirdPartyQueue)) mapped.third_party_queue = dn(e.third_party_queue);
    mapped.call = 0;
    const std::string note = where(it, event_name(e.type));
    if (!created) {
      if (e.type == EventType::kDialing && e.has(Attr::kOtherDn)) {
        Stimulus s;
        s.kind = StimulusKind::kMakeCall;
        s.dn = mapped.this_dn;
        s.dn2 = mapped.other_dn;
        s.reference_id = e.has(Attr::kReferenceId) ? e.reference_id : 1;
        caller = s.dn;
        target = s.dn2;
        created_at = stimuli.size();
        push(s, note + " (its request is not in the log)");
      } else if (e.has(Attr::kOtherDn)) {
        Stimulus s;
        s.kind = StimulusKind::kInbound;
        s.dn = mapped.other_dn;
        s.dn2 = e.has(Attr::kThisQueue) && e.this_queue != e.this_dn ? mapped.this_queue
                                                                     : mapped.this_dn;
        caller = s.dn;
        target = s.dn2;
        created_at = stimuli.size();
        push(s, note + ": the call arrives");
        if (s.dn2 != mapped.this_dn && e.type == EventType::kRinging) {
          Stimulus d;
          d.kind = StimulusKind::kDivert;
          d.dn = s.dn2;
          d.dn2 = mapped.this_dn;
          push(d, note + ": distributed to the agent");
        }
      } else {
        return Status::invalid("call " + call_name + ": its first event (" + note +
                               ") names no caller: its beginning cannot be derived");
      }
      created = true;
    }
    auto is_extension = [&](DnId d) {
      return d != kNoDn && (topo.dns[d].kind == DnKind::kExtension ||
                            topo.dns[d].kind == DnKind::kRemoteExtension);
    };
    switch (e.type) {
      case EventType::kQueued:
        if (is_extension(mapped.this_dn)) {
          // EventQueued at an extension: the switch parked the call there.
          if (parked_at != mapped.this_dn) park(mapped.this_dn, note, !other_call_live);
          break;
        }
        if (std::find(delivered.begin(), delivered.end(), mapped.this_dn) == delivered.end()) {
          Stimulus s;
          s.kind = StimulusKind::kQueue;
          s.dn = mapped.this_dn;
          push(s, note + ": the switch queues the call here too");
        }
        break;
      case EventType::kDiverted:
        // One distribution diverts the call from every queue it waits at: one stimulus.
        if (e.has(Attr::kThirdPartyDn) && std::find(delivered.begin(), delivered.end(),
                                                    mapped.third_party_dn) == delivered.end()) {
          Stimulus s;
          s.kind = StimulusKind::kDivert;
          // A call queued at several ACDs: ThirdPartyQueue names the one that distributed it.
          s.dn = e.has(Attr::kThirdPartyQueue) ? mapped.third_party_queue : mapped.this_dn;
          s.dn2 = mapped.third_party_dn;
          push(s, note + ": the queue distributes the call");
        }
        break;
      case EventType::kRouteUsed:
        if (!e.has(Attr::kReferenceId) && e.has(Attr::kThirdPartyDn)) {
          Stimulus s;
          s.kind = StimulusKind::kRouteTimeout;
          s.dn = mapped.this_dn;
          s.dn2 = mapped.third_party_dn;
          push(s, note + ": the switch routes by default");
        }
        break;
      case EventType::kRinging:
        if (parked_at != kNoDn && parked_at == mapped.this_dn) {
          if (other_call_live) {
            Stimulus r;
            r.kind = StimulusKind::kRemoteRelease;
            r.call = 1;
            stimuli.push_back(r);
            out->notes.push_back(note + ": " + topo.dns[parked_at].name +
                                 "'s other call has ended");
            other_call_live = false;
          }
          Stimulus p;
          p.kind = StimulusKind::kPickup;
          p.dn = parked_at;
          push(p, note + ": " + topo.dns[parked_at].name + " picks the parked call up");
          parked_at = kNoDn;
        }
        break;
      case EventType::kEstablished:
        if (!answered) {
          Stimulus s;
          s.kind = StimulusKind::kRemoteAnswer;
          push(s, note + ": the far end answers");
          answered = true;
        }
        break;
      case EventType::kDestinationBusy:
        if (mapped.this_dn == caller && parked_at == kNoDn) {
          DnId busy_dn = e.has(Attr::kOtherDn) ? mapped.other_dn : target;
          if (is_extension(busy_dn)) {
            // A monitored destination is busy: on another call (no call waiting), or the
            // switch parks the call there (*OPT EventDestinationBusy), which the log then
            // shows as the call's EventQueued there; a destination the log shows on another
            // call (or one busy before the log began, no park following) is busy.
            DnId observed_dn = kNoDn;
            for (const auto& [from, to] : remap)
              if (to == busy_dn) observed_dn = from;
            bool parked_next = false;
            for (std::size_t k = static_cast<std::size_t>(&it - items.data()) + 1;
                 k < items.size() && !parked_next; ++k) {
              const Item& later = items[k];
              if (later.request) continue;
              const Event& n = events[later.index];
              parked_next = n.type == EventType::kQueued && n.this_dn == observed_dn;
            }
            if (parked_next && !busy_elsewhere(events, lines, call, observed_dn, it.line))
              park(busy_dn, note, true);
            else
              make_busy(busy_dn, note);
            break;
          }
          Stimulus s;
          s.kind = StimulusKind::kRemoteBusy;
          if (e.has(Attr::kCallState)) {
            s.has_call_state = true;
            s.call_state = e.call_state;
          }
          push(s, note + ": the far end is busy");
        }
        break;
      case EventType::kReleased:
      case EventType::kAbandoned:
        if (!released && !remote_released) {
          Stimulus s;
          s.kind = StimulusKind::kRemoteRelease;
          push(s, note + ": the far end hangs up");
          remote_released = true;
        }
        break;
      default:
        break;
    }
    // Inferred stimuli go before the event they explain; the event itself is the log's.
    out->log_events.push_back(mapped);
    out->log_lines.push_back(it.line);
  }
  std::string why = validate_session(out->session);
  if (!why.empty())
    return Status::invalid("call " + call_name + ": the derived scenario is not valid: " + why);
  // Timing and profile: when the log shows a party hang up before the switch delivered
  // the call (an interruption point), the delivery was held back: `pause` before the
  // stimulus that sent it and `resume` at the end; a switch that reports differently
  // takes a profile option. The first variant that reproduces the log is the scenario;
  // without one, the plain derivation stays (replay then shows where it diverges).
  if (stimuli.size() <= 32 &&
      !first_divergence(*out, play_derived(out->session), lines.file).empty()) {
    const Session base = out->session;
    const std::vector<std::string> base_notes = out->notes;
    // Variants in order: a profile option, a `pause` before one stimulus (then `resume` at
    // the end), and, with the default profile, a `step` of the call after the pause (the
    // switch carried out one held-back step, not the next: a routed call not yet alerted).
    auto trial_ok = [&](int option, int pause_at, int step_at) {
      Session v = base;
      std::vector<std::string> notes = base_notes;
      if (option >= 0)
        set_profile_option_value(&v.config.profile, option,
                                 1 - profile_option_value(v.config.profile, option));
      if (pause_at >= 0) {
        Stimulus p;
        p.kind = StimulusKind::kPause;
        v.stimuli.insert(v.stimuli.begin() + pause_at, p);
        notes.insert(notes.begin() + pause_at,
                     "the switch holds its next delivery back (the log shows a party act first)");
        if (step_at >= 0) {
          Stimulus st;
          st.kind = StimulusKind::kStep;
          st.call = 0;
          v.stimuli.insert(v.stimuli.begin() + step_at, st);
          notes.insert(notes.begin() + step_at,
                       "the switch carries out one held-back step (the log shows its events)");
        }
        Stimulus r;
        r.kind = StimulusKind::kResume;
        v.stimuli.push_back(r);
        notes.push_back("the switch carries out what it held back");
      }
      if (!validate_session(v).empty()) return false;
      DerivedCall trial = *out;
      trial.session = v;
      if (!first_divergence(trial, play_derived(v), lines.file).empty()) return false;
      out->session = std::move(v);
      out->notes = std::move(notes);
      return true;
    };
    const int n = static_cast<int>(base.stimuli.size());
    for (int option = -1; option < kProfileOptionCount; ++option) {
      for (int pause_at = -1; pause_at < n; ++pause_at) {
        if (option < 0 && pause_at < 0) continue;
        if (trial_ok(option, pause_at, -1)) return Status::ok();
      }
    }
    for (int pause_at = 0; pause_at < n; ++pause_at) {
      for (int step_at = pause_at + 2; step_at <= n + 1; ++step_at) {
        if (trial_ok(-1, pause_at, step_at)) return Status::ok();
      }
    }
  }
  return Status::ok();
}

std::string print_derived(const DerivedCall& d, const std::string& call_name) {
  std::string out = "# call " + call_name +
                    ", derived from the log: its client requests, and the switch stimuli\n"
                    "# its events imply. 'callbench run' plays it; 'callbench replay' compares it "
                    "with the log.\n";
  for (const Dn& dn : d.session.config.topology.dns)
    out += "dn " + dn.name + " " + dn_kind_name(dn.kind) + "\n";
  for (int i = 0; i < kProfileOptionCount; ++i) {
    int v = profile_option_value(d.session.config.profile, i);
    if (v != profile_option_value(SwitchProfile{}, i))
      out += std::string("option ") + profile_options()[i].name + " " +
             profile_options()[i].values[v] + "\n";
  }
  out += "\n";
  std::vector<uint32_t> refs = default_reference_ids(d.session.stimuli);
  for (std::size_t i = 0; i < d.session.stimuli.size(); ++i) {
    out += "# " + d.notes[i] + "\n" +
           print_stimulus(d.session.stimuli[i], d.session.config, refs[i]) + "\n";
  }
  return out;
}

std::vector<Event> play_derived(const Session& session) { return play(session).events; }

namespace {

// An attribute's value as a divergence names it: attr_value_text (core/model.h), a DN in
// quotes (DNs need not be digits), a ConnID only as present (each side makes its own).
std::string value_of(const Event& e, Attr a, const SessionConfig& c) {
  if (!e.has(a)) return "absent";
  if (a == Attr::kConnId) return "present";
  std::string v = attr_value_text(e, a, c);
  switch (a) {
    case Attr::kThisDn:
    case Attr::kThisQueue:
    case Attr::kOtherDn:
    case Attr::kThirdPartyDn:
    case Attr::kThirdPartyQueue:
      return "'" + v + "'";
    default:
      return v;
  }
}

}  // namespace

std::string first_divergence(const DerivedCall& d, const std::vector<Event>& played,
                             const std::string& file) {
  const SessionConfig& c = d.session.config;
  // Only the call's own events: another call of the scenario (one that keeps a
  // destination busy) is not compared.
  std::vector<Event> model;
  for (const Event& e : played)
    if (e.call == 0) model.push_back(e);
  std::size_t n = std::max(d.log_events.size(), model.size());
  for (std::size_t i = 0; i < n; ++i) {
    std::string at =
        "event " + std::to_string(i + 1) +
        (i < d.log_lines.size() ? " (" + file + ":" + std::to_string(d.log_lines[i]) + ")" : "");
    if (i >= d.log_events.size()) {
      return at + ": the log has no more events; the model sends " + event_name(model[i].type) +
             " to " + value_of(model[i], Attr::kThisDn, c);
    }
    const Event& l = d.log_events[i];
    if (i >= model.size()) {
      return at + ": the log shows " + event_name(l.type) + " at " + value_of(l, Attr::kThisDn, c) +
             "; the model sends no more events";
    }
    const Event& m = model[i];
    if (l.type != m.type || l.this_dn != m.this_dn) {
      return at + ": log " + event_name(l.type) + " at " + value_of(l, Attr::kThisDn, c) +
             ", model " + event_name(m.type) + " at " + value_of(m, Attr::kThisDn, c);
    }
    std::string diffs;
    for (int a = 0; a < kAttrCount; ++a) {
      auto attr = static_cast<Attr>(a);
      std::string lv = value_of(l, attr, c), mv = value_of(m, attr, c);
      if (lv != mv)
        diffs += std::string(diffs.empty() ? "" : ", ") + attr_name(attr) + " log " + lv +
                 ", model " + mv;
    }
    if (!diffs.empty())
      return at + " " + event_name(l.type) + " at " + value_of(l, Attr::kThisDn, c) + ": " + diffs;
  }
  return {};
}

}  // namespace callbench
