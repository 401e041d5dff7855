// The verdict on each call: which documented flow and interruption point its events
// followed (the best match of core/oracle_match.h among its candidate flows), or where it
// departed from them, and whether that departure breaks the document (rule
// documented-flow: the document has the departing stimulus at that point).
#include <algorithm>
#include <string>
#include <vector>

#include "core/assert.h"
#include "core/oracle.h"
#include "core/oracle_internal.h"
#include "core/oracle_match.h"

namespace callbench {
namespace oracle {

CallFacts Judge::call_facts(CallId c, const std::vector<const Event*>& events) const {
  CallFacts f;
  f.caller = calls_[c].caller;
  f.dialed = calls_[c].dialed;
  const auto& st = session_.stimuli;
  auto cause = [&](const Event* e) -> const Stimulus* {
    return e->request_seq >= 1 && e->request_seq <= st.size() ? &st[e->request_seq - 1] : nullptr;
  };
  const Event* released = nullptr;
  const Event* route_used = nullptr;
  int queues = 0;
  for (const Event* e : events) {
    const Stimulus* s = cause(e);
    if (e->type == EventType::kDiverted && f.bound_by[1] == kNoDn && s &&
        s->kind == StimulusKind::kDivert) {
      f.bound_by[1] = s->dn2;
    }
    if (e->type == EventType::kQueued && kind(e->this_dn) == DnKind::kAcdQueue && ++queues == 2 &&
        s && s->kind == StimulusKind::kQueue) {
      f.bound_by[2] = s->dn;
    }
    if (e->type == EventType::kRouteUsed && !route_used) route_used = e;
    if (e->type == EventType::kReleased && e->this_dn == f.caller && !released) released = e;
  }
  if (session_.observed) {
    f.by_request = route_used && route_used->has(Attr::kReferenceId);
    // An outside caller's hang-up shows only as the EventAbandoned where its call waits.
    if (!released && !calls_[c].caller_monitored) {
      for (const Event* e : events) {
        if (e->type == EventType::kAbandoned) {
          released = e;
          break;
        }
      }
    }
    // Footnote a of Routing **: an EventError answering a request after the hang-up is
    // the TRouteCall that was still pending then.
    if (released) {
      for (const Event& e : events_) {
        if (e.type == EventType::kError && e.call == c && e.seq > released->seq &&
            e.has(Attr::kReferenceId)) {
          f.route_pending = !route_used;
        }
      }
      // A log may end before that EventError: a logged TRouteCall of the call that no
      // EventError refused before the hang-up, and no EventRouteUsed, is pending too.
      for (const Stimulus& s : session_.stimuli) {
        if (route_used || f.route_pending || s.kind != StimulusKind::kRouteCall || s.call != c)
          continue;
        bool refused = false;
        for (const Event& e : events_) {
          refused = refused || (e.type == EventType::kError && e.seq < released->seq &&
                                e.has(Attr::kReferenceId) && e.reference_id == s.reference_id);
        }
        if (!refused) f.route_pending = true;
      }
    }
    return f;
  }
  // An outside caller hangs up with no event of its own: its remote-release is the hang-up.
  uint32_t release_seq = released ? released->request_seq : 0;
  if (!released && !calls_[c].caller_monitored) {
    for (std::size_t i = 0; i < st.size() && release_seq == 0; ++i) {
      bool events_after = false;
      for (const Event* e : events) events_after = events_after || e->request_seq == i + 1;
      if (st[i].kind == StimulusKind::kRemoteRelease && st[i].call == c && events_after)
        release_seq = static_cast<uint32_t>(i + 1);
    }
  }
  // The last accepted TRouteCall (not answered by EventError in its own stimulus) before
  // the route was carried out, or before the caller hung up.
  uint32_t until = route_used         ? route_used->request_seq
                   : release_seq != 0 ? release_seq
                                      : UINT32_MAX;
  const Stimulus* route = nullptr;
  for (std::size_t i = 0; i < st.size() && i + 1 <= until; ++i) {
    const Stimulus& s = st[i];
    if (s.kind != StimulusKind::kRouteCall || s.call != c) continue;
    bool refused = false;
    for (const Event& e : events_) {
      if (e.type == EventType::kError && e.request_seq == i + 1 && e.reference_id == s.reference_id)
        refused = true;
    }
    if (!refused && (i + 1 < until || release_seq == 0 || route_used)) route = &s;
  }
  if (route_used) {
    const Stimulus* s = cause(route_used);
    if (s && s->kind == StimulusKind::kRouteTimeout && s->call == c) {
      f.bound_by[3] = s->dn2;
    } else if (route) {
      f.bound_by[3] = route->dn2;
      f.by_request = true;
    }
  } else if (route) {
    f.bound_by[3] = route->dn2;
    f.by_request = true;
    f.route_pending = release_seq != 0;
  }
  return f;
}

void Judge::flows() {
  std::vector<std::vector<const Event*>>& by_call = scratch_.by_call;
  if (by_call.size() < calls_.size()) by_call.resize(calls_.size());
  for (std::size_t c = 0; c < calls_.size(); ++c) by_call[c].clear();
  for (const Event& e : events_) {
    if (e.type != EventType::kError && e.call < calls_.size()) by_call[e.call].push_back(&e);
  }
  thread_local MatchBuffers buffers;
  std::vector<MatchResult>& results = buffers.results;
  uint16_t seen_all = seen_;
  std::vector<std::size_t> left_dropped;  // left-behind violations of calls cut mid-row
  uint32_t stream_end_seq = 0;            // an observed stream's last event (MatchResult::partial)
  if (session_.observed) {
    for (const Event& e : events_) {
      if (e.type != EventType::kError) stream_end_seq = std::max(stream_end_seq, e.seq);
    }
  }
  out_.flows.reserve(calls_.size());
  for (std::size_t c = 0; c < calls_.size(); ++c) {
    if (by_call[c].empty() || calls_[c].caller == kNoDn || calls_[c].dialed == kNoDn) continue;
    const auto& events = by_call[c];
    CallFacts facts = call_facts(static_cast<CallId>(c), events);
    facts.stream_end_seq = stream_end_seq;
    const auto& candidate = candidates(kind(facts.caller), kind(facts.dialed));
    results.assign(candidate.size(), MatchResult{});
    buffers.prefix.normal = nullptr;  // a new call: no normal matched yet
    for (std::size_t i = 0; i < candidate.size(); ++i)
      results[i] = match_flow(session_, &buffers, *candidate[i], events, facts, true);
    // 1. A flow or point that accounts for every event (a normal flow's conversation may
    //    go on after its last row: the generic rules judge that). 2. A normal flow the
    //    events are a beginning of (the call is still under way). 3. Neither: the call
    //    departs from the document at its first unmatched event.
    auto rank = [&](std::size_t i) {
      const MatchResult& r = results[i];
      const Pattern& p = *candidate[i];
      bool all = r.consumed == events.size();
      // What follows a finished flow is the conversation and its end, at the call's parties
      // (the generic rules judge it); a new party after it is no conversation.
      bool after_ok = true;
      for (std::size_t k = r.consumed; k < events.size() && after_ok; ++k) {
        const Event& e = *events[k];
        bool party =
            std::find(r.binding.dn.begin(), r.binding.dn.end(), e.this_dn) != r.binding.dn.end();
        bool talk = e.type == EventType::kReleased || e.type == EventType::kHeld ||
                    e.type == EventType::kRetrieved || e.type == EventType::kAbandoned;
        after_ok = party && talk;
      }
      if (r.complete && (all || after_ok)) return 3;
      if (all && (p.is_normal() || r.partial) && r.limit == SIZE_MAX) return 2;
      return 1;
    };
    std::vector<int>& ranks = buffers.ranks;  // rank(i), once per candidate
    ranks.resize(candidate.size());
    for (std::size_t i = 0; i < candidate.size(); ++i) ranks[i] = rank(i);
    std::size_t best = candidate.size();
    int best_rank = 0;
    for (std::size_t i = 0; i < candidate.size(); ++i) {
      const MatchResult& r = results[i];
      int k = ranks[i];
      if (best == candidate.size()) {
        best = i;
        best_rank = k;
        continue;
      }
      const MatchResult& b = results[best];
      bool better = k > best_rank ||
                    (k == best_rank && (r.consumed > b.consumed ||
                                        (r.consumed == b.consumed && r.attrs_ok && !b.attrs_ok)));
      if (better) {
        best = i;
        best_rank = k;
      }
    }
    CallFlow f;
    f.call = static_cast<CallId>(c);
    if (best == candidate.size()) {
      out_.flows.push_back(std::move(f));
      continue;
    }
    const Pattern& bp = *candidate[best];
    const MatchResult& br = results[best];
    // A call still under way (its events a beginning of a flow) has not shown yet which
    // alternative of an option its switch takes: an optional item it has not reached is
    // no sign of the other alternative.
    if (best_rank != 2) seen_all = static_cast<uint16_t>(seen_all | br.seen);
    if (best_rank == 3) {
      f.point = bp.point_index;
      f.flow = bp.title.c_str();
      f.stars = bp.point.c_str();
      for (std::size_t i = 0; i < candidate.size(); ++i) {
        int idx = candidate[i]->point_index;
        if (i != best && candidate[i]->key != bp.key && ranks[i] == 3 &&
            results[i].consumed == br.consumed && results[i].attrs_ok == br.attrs_ok &&
            std::find(f.also.begin(), f.also.end(), idx) == f.also.end()) {
          f.also.push_back(idx);
        }
      }
    } else if (best_rank == 2) {
      f.in_progress = true;
      f.flow = bp.title.c_str();
      // A log that ends inside a row shows the row's parties between two states: a
      // party still holding the call there is no party left behind (left_behind ran at
      // the stream's end, before the flows were known).
      if (br.partial && calls_[c].left_at_end != SIZE_MAX)
        left_dropped.push_back(calls_[c].left_at_end);
    } else {
      // Every flow the events follow as far: the departure is a violation if any of
      // them has the departing stimulus here.
      for (std::size_t i = 0; i < candidate.size(); ++i) {
        if (results[i].consumed == br.consumed && ranks[i] == 1 &&
            departure(static_cast<CallId>(c), events, *candidate[i], results[i])) {
          break;
        }
      }
    }
    if (!br.attrs_ok) {
      out_.violations.push_back(
          attributes_violation(events, br, bp,
                               "call " + call(static_cast<CallId>(c)) + " follows '" + bp.title +
                                   "' (" + bp.point + "), " + bad_text(br, session_.config)));
    }
    out_.flows.push_back(std::move(f));
  }
  std::sort(left_dropped.begin(), left_dropped.end());
  for (std::size_t k = left_dropped.size(); k-- > 0;) {
    out_.violations.erase(out_.violations.begin() + static_cast<std::ptrdiff_t>(left_dropped[k]));
  }
  // An unknown profile: one alternative of each option throughout the session.
  for (int i = 0; i < kProfileOptionCount; ++i) {
    if (((seen_all >> (2 * i)) & 3u) == 3u) {
      const ProfileOption& o = profile_options()[i];
      violate("switch-profile", 0, nullptr, "",
              std::string("the session shows both alternatives of '") + o.name + "' (" +
                  o.values[0] + " and " + o.values[1] + "); a switch takes one");
    }
  }
}

// The call's events leave every documented flow at events[r.consumed]. That is a
// violation when the stimulus that caused that event is one the document has at this
// point of the flow (the next row's, or the caller's hang-up where an interruption point
// starts), or when no stimuli are known; a stimulus the document does not have here takes
// the call beyond the document, where the generic rules alone judge it.
bool Judge::departure(CallId c, const std::vector<const Event*>& events, const Pattern& p,
                      const MatchResult& r) {
  const Event* d = r.consumed < events.size() ? events[r.consumed] : nullptr;
  const Pattern& normal = *p.normal;
  std::size_t row = p.is_normal() ? r.rows : std::min(r.rows, p.after);
  bool due = session_.observed;
  if (!due && d && d->request_seq >= 1 && d->request_seq <= session_.stimuli.size() &&
      row < SIZE_MAX && row < r.limit) {
    const Stimulus& s = session_.stimuli[d->request_seq - 1];
    uint32_t bit = 1u << static_cast<int>(s.kind);
    bool names_call = shape(s.kind).has_call && s.call == c;
    if (!p.is_normal() && r.complete)
      return false;  // after an interruption point the document says no more
    if (!p.is_normal() && r.rows >= p.after) due = names_call && (p.rows[p.after].triggers & bit);
    if (row < normal.rows.size()) {
      const Row& next = normal.rows[row];
      if ((next.triggers & bit) && names_call) due = true;
      // A delivery happens within the stimulus that sent the call on (or the timing
      // control that let it go). It may find its destination busy: beyond the document
      // but for Internal **.
      using K = StimulusKind;
      bool busy = d->type == EventType::kDestinationBusy;
      bool timing = s.kind == K::kStep || s.kind == K::kResume;
      bool sends =
          names_call && (s.kind == K::kMakeCall || s.kind == K::kInbound || s.kind == K::kDivert ||
                         s.kind == K::kRouteCall || s.kind == K::kRouteTimeout);
      if (next.deliver && !busy && (timing || sends)) due = true;
    }
    bool hangup = (s.kind == StimulusKind::kReleaseCall && s.dn == calls_[c].caller) ||
                  (s.kind == StimulusKind::kRemoteRelease && !calls_[c].caller_monitored);
    if (hangup && names_call) {
      bool pending = call_facts(c, events).route_pending;
      for (const Pattern& q : patterns()) {
        bool route_ok = q.route == 0 || (q.route == 1) == pending;
        if (q.normal == &normal && !q.is_normal() && q.after == row && route_ok) due = true;
      }
    }
  }
  if (!due) return false;
  std::string expected;
  if (row < normal.rows.size()) {
    for (const Item& it : normal.rows[row].items) {
      if (!expected.empty()) expected += ", ";
      expected += std::string(1, static_cast<char>('A' + it.party)) + ":" + event_name(it.type);
    }
  }
  Violation v;
  v.rule = "documented-flow";
  v.request_seq = d ? d->request_seq : 0;
  if (d) {
    v.event_seqs.push_back(d->seq);
    v.first_event = d->type;
    v.has_event = true;
  }
  v.state = normal.key + " row " + std::to_string(row + 1);
  v.message = "call " + call(c) + " follows '" + normal.title + "' for " + std::to_string(row) +
              " rows, then " + (d ? describe(*d) : std::string("nothing")) +
              " where the document has " +
              (expected.empty() ? std::string("no further event") : expected);
  out_.violations.push_back(std::move(v));
  return true;
}

}  // namespace oracle

const std::vector<std::string>& documented_flow_points() {
  static const std::vector<std::string> points = [] {
    std::vector<std::string> out;
    for (const oracle::Pattern& p : oracle::patterns()) {
      std::string name = p.key + " " + p.point;
      if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
    }
    return out;
  }();
  return points;
}

}  // namespace callbench