// The matcher: see core/oracle_match.h, and core/oracle_flow_table.cc for the table's
// notation.
#include "core/oracle_match.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <string>
#include <vector>

#include "core/assert.h"
#include "core/oracle.h"

namespace callbench {
namespace oracle {
namespace {

class Matcher {
 public:
  using Buffers = MatchBuffers;
  Matcher(const Session& session, Buffers* buffers)
      : session_(session), config_(session.config), buffers_(buffers) {}

  MatchResult match(const Pattern& p, const std::vector<const Event*>& events,
                    const CallFacts& facts, bool share_prefix) {
    events_ = &events;
    facts_ = &facts;
    MatchResult r;
    if (!(facts.tail && facts.caller == kNoDn) && !fits(p, 0, facts.caller)) return r;
    if (!(facts.tail && facts.dialed == kNoDn) && !fits(p, 1, facts.dialed)) return r;
    if (p.route == 1 && !facts.route_pending) return r;
    if (p.route == 2 && facts.route_pending) return r;
    Binding b;
    b.dn[0] = facts.caller;
    b.dn[1] = facts.dialed;
    // Parties a stimulus names; one whose DN the party cannot be ends the documented
    // part of the flow at the row that stimulus causes (a route to an ACD queue, ...).
    for (std::size_t x = 2; x < 4; ++x) {
      uint8_t by = p.binds[x];
      if (by == 0) continue;
      DnId d = facts.bound_by[by];
      if (d == kNoDn) continue;
      bool taken = std::find(b.dn.begin(), b.dn.end(), d) != b.dn.end();
      if (fits(p, static_cast<int>(x), d) && !taken) {
        b.dn[x] = d;
        continue;
      }
      uint32_t trig = by == 1   ? 1u << static_cast<int>(StimulusKind::kDivert)
                      : by == 2 ? 1u << static_cast<int>(StimulusKind::kQueue)
                                : 1u << static_cast<int>(StimulusKind::kRouteCall);
      const Pattern& normal = *p.normal;  // a point's own rows are the normal's first
      for (std::size_t ri = 0; ri < normal.rows.size(); ++ri) {
        if (normal.rows[ri].triggers & trig) {
          r.limit = std::min(r.limit, ri);
          break;
        }
      }
    }
    std::size_t pos = 0, abnormal_used = 0;
    std::size_t start = 0;
    NormalPrefix& prefix = buffers_->prefix;
    // A point whose normal was matched just before (NormalPrefix): its first p.after rows
    // are the normal's, so it starts where the normal was after them, or stops where the
    // normal stopped when that was before.
    bool shared = share_prefix && p.shares_normal_prefix && prefix.normal == p.normal &&
                  prefix.limit == r.limit;
    bool recording = share_prefix && &p == p.normal;
    if (recording) {
      prefix.normal = nullptr;  // until this match is recorded whole
      prefix.after_row.resize(1);
      save(&prefix.after_row[0], pos, b, r);
    }
    if (shared) {
      const RowState* from;
      if (prefix.rows < p.after) {
        from = &prefix.end;
        r.rows = prefix.rows;
        r.partial = prefix.partial;
        start = p.rows.size();  // no more rows: it stopped there
      } else {
        from = &prefix.after_row[p.after];
        r.rows = p.after;
        start = p.after;
      }
      pos = from->pos;
      b = from->binding;
      r.seen = from->seen;
      r.attrs_ok = from->attrs_ok;
      r.bad = from->bad;
      r.bad_seq = from->bad_seq;
      r.bad_type = from->bad_type;
    }
    for (std::size_t ri = start; ri < p.rows.size() && ri < r.limit; ++ri) {
      std::size_t used = 0;
      BadAttr bad;
      uint32_t bad_seq = 0;
      EventType bad_type = EventType::kError;
      uint16_t seen = 0;
      bool matched =
          match_row(p, p.rows[ri], pos, &b, &used, &bad, &bad_seq, &bad_type, &seen, false);
      // A log may end inside a row (MatchResult::partial): every event left of the call,
      // the stream's last, a beginning of this row, counts as the row under way.
      bool partial =
          !matched && session_.observed && pos < events.size() && facts.stream_end_seq != 0 &&
          events.back()->seq == facts.stream_end_seq &&
          match_row(p, p.rows[ri], pos, &b, &used, &bad, &bad_seq, &bad_type, &seen, true);
      if (!matched && !partial) break;
      r.seen |= seen;
      if (bad.event && r.attrs_ok) {
        r.attrs_ok = false;
        r.bad = bad;
        r.bad.row = ri;
        r.bad_seq = bad_seq;
        r.bad_type = bad_type;
      }
      pos += used;
      if (partial) {
        r.partial = true;  // (match_row at_end takes every event left: pos is the end)
        break;
      }
      if (ri >= p.abnormal_from) abnormal_used += used;
      ++r.rows;
      if (recording) {
        prefix.after_row.emplace_back();
        save(&prefix.after_row.back(), pos, b, r);
      }
    }
    if (recording) {
      prefix.rows = r.rows;
      save(&prefix.end, pos, b, r);
      prefix.partial = r.partial;
      prefix.limit = r.limit;
      prefix.normal = &p;
    }
    r.consumed = pos;
    r.binding = b;
    r.complete = r.rows == p.rows.size();
    // An interruption point is reached only when its own rows showed an event (a hang-up
    // of an outside caller alone is no sign of where the call was).
    if (!p.is_normal() && r.complete && abnormal_used == 0) r.complete = false;
    return r;
  }

 private:
  static void save(RowState* to, std::size_t pos, const Binding& b, const MatchResult& r) {
    to->pos = pos;
    to->binding = b;
    to->seen = r.seen;
    to->attrs_ok = r.attrs_ok;
    to->bad = r.bad;
    to->bad_seq = r.bad_seq;
    to->bad_type = r.bad_type;
  }

  bool fits(const Pattern& p, int party, DnId dn) const {
    return dn < config_.topology.dns.size() && (p.kinds[static_cast<std::size_t>(party)] &
                                                kind_bit(config_.topology.dns[dn].kind)) != 0;
  }
  bool monitored(DnId dn) const { return config_.topology.dns[dn].kind != DnKind::kExternal; }
  // An observed stream's topology is read off its events: a DN that got none reads as
  // outside, though it may be an extension the call never reached. Named in an
  // attribute, it may be any party an extension could be.
  bool unseen_may_be(int party, DnId dn) const {
    const Pattern& p = *buffers_->search.pattern;
    // A call's tail (core/oracle_tail.cc): the DN may have had its events before the
    // stream began (a queue, a routing point), so it may be any party.
    return session_.observed && dn < config_.topology.dns.size() &&
           config_.topology.dns[dn].kind == DnKind::kExternal &&
           ((p.kinds[static_cast<std::size_t>(party)] & (kExt | kRext)) != 0 || facts_->tail);
  }
  // The profile's value of option i (0: on/reported, 1: off/simulated), -1 unknown.
  int option(int i) const {
    return session_.profile_known ? profile_option_value(config_.profile, i) : -1;
  }

  // `at_end`: the row's beginning at the end of an observed stream (MatchResult::partial):
  // every event left, none of the row's items required.
  bool match_row(const Pattern& p, const Row& row, std::size_t pos, Binding* b, std::size_t* used,
                 BadAttr* bad, uint32_t* bad_seq, EventType* bad_type, uint16_t* seen,
                 bool at_end) {
    Search& s = buffers_->search;
    s.pattern = &p;
    s.row = &row;
    s.pos = pos;
    s.items.clear();
    s.required = 0;
    std::size_t required = 0;
    for (const Item& it : row.items) {
      DnId bound = b->dn[static_cast<std::size_t>(it.party)];
      bool outside_party = (p.kinds[static_cast<std::size_t>(it.party)] & kExternalBit) != 0;
      if (bound != kNoDn && !monitored(bound) && outside_party)
        continue;  // an external party: no events
      bool req = true;
      if (it.option >= 0) {
        int v = option(it.option);
        if (v >= 0 && v != it.option_value) continue;  // the profile's other alternative
        if (v < 0) req = false;                        // unknown profile: either
      }
      bool may_be_external = (p.kinds[static_cast<std::size_t>(it.party)] & kExternalBit) != 0;
      if (bound == kNoDn && may_be_external) req = false;
      CB_ASSERT(s.items.size() < 64);  // the document's rows, not input
      if (req) s.required |= uint64_t{1} << s.items.size();
      s.items.push_back(&it);
      required += req;
    }
    std::size_t available = events_->size() - pos;
    // No assignment takes an event that no item has the type of, or that another
    // stimulus caused: the row ends before the first such event.
    std::size_t most = std::min(s.items.size(), available);
    for (std::size_t k = 0; k < most; ++k) {
      const Event& e = *(*events_)[pos + k];
      bool typed = false;
      for (const Item* it : s.items) typed = typed || it->type == e.type;
      if (!typed || !caused_by_row(row, e)) most = k;
    }
    if (at_end) {
      // Only the whole rest of the stream, and fewer events than the row has.
      if (most != available || most == 0 || most >= s.items.size()) return false;
      s.required = 0;
      required = 0;
    }
    for (std::size_t m = most + 1; m-- > 0;) {
      if (m < required) break;
      if (at_end && m != available) break;
      s.m = m;
      s.choice.assign(m, -1);
      s.used = 0;
      s.missing = required;
      s.found = false;
      s.best_ok = false;
      assign(&s, 0, *b);
      if (s.found) {
        *b = s.best_binding;
        *used = m;
        *bad = s.best_bad;
        *bad_seq = s.best_seq;
        *bad_type = s.best_type;
        *seen = s.best_seen;
        return true;
      }
    }
    return false;
  }

  // Assigns event pos+k onward to unused items, depth first; keeps the first complete
  // assignment, or a later one whose attributes all match.
  //
  // (Every event of pos..pos+m-1 has an item of its type and was caused by the row's
  // stimuli: match_row checked that before choosing m.)
  void assign(Search* s, std::size_t k, const Binding& b) {
    if (s->found && s->best_ok) return;
    // The required items still without an event need one each of the events left.
    if (s->missing > s->m - k) return;  // (at the end: a required item got no event)
    if (k == s->m) {
      Binding nb = b;
      uint32_t seq = 0;
      EventType type = EventType::kError;
      uint16_t seen = 0;
      for (std::size_t i = 0; i < s->items.size(); ++i) {
        const Item& it = *s->items[i];
        if (it.option < 0 || option(it.option) >= 0) continue;
        bool present = (s->used >> i) & 1u;
        int v = present ? it.option_value : 1 - it.option_value;
        seen = static_cast<uint16_t>(seen | (1u << (2 * it.option + v)));
      }
      // What differs is spelt out only for the first complete assignment, the one kept
      // unless a later one has every attribute right (then nothing differs).
      BadAttr bad;
      BadAttr* why = s->found ? nullptr : &bad;
      bool ok = true;
      for (std::size_t i = 0; i < s->m && ok; ++i) {
        const Event& e = *(*events_)[s->pos + i];
        ok = check_attrs(*s->items[static_cast<std::size_t>(s->choice[i])], e, &nb, &seen, why);
        seq = e.seq;
        type = e.type;
      }
      if (!s->found || (!s->best_ok && ok)) {
        s->found = true;
        s->best_ok = ok;
        s->best_binding = nb;
        s->best_bad = bad;
        s->best_seq = seq;
        s->best_type = type;
        s->best_seen = seen;
      }
      return;
    }
    const Event& e = *(*events_)[s->pos + k];
    for (std::size_t i = 0; i < s->items.size(); ++i) {
      if ((s->used >> i) & 1u) continue;
      const Item& it = *s->items[i];
      if (it.type != e.type) continue;
      auto party = static_cast<std::size_t>(it.party);
      Binding nb = b;
      if (nb.dn[party] == kNoDn) {
        if (!fits(*s->pattern, it.party, e.this_dn)) continue;
        if (std::find(nb.dn.begin(), nb.dn.end(), e.this_dn) != nb.dn.end()) continue;
        nb.dn[party] = e.this_dn;
      } else if (nb.dn[party] != e.this_dn) {
        continue;
      }
      s->choice[k] = static_cast<int>(i);
      std::size_t req = (s->required >> i) & 1u;
      s->used |= uint64_t{1} << i;
      s->missing -= req;
      assign(s, k + 1, nb);
      s->missing += req;
      s->used &= ~(uint64_t{1} << i);
    }
  }

  // With stimuli known, a row's events come from a stimulus the row has: its own (a
  // carried-out TRouteCall fires at step/resume when paused), or, for a delivery by the
  // switch, the stimulus that sent the call on or the timing control that let it go.
  bool caused_by_row(const Row& row, const Event& e) const {
    if (session_.observed) return true;
    if (e.request_seq < 1 || e.request_seq > session_.stimuli.size()) return false;
    StimulusKind k = session_.stimuli[e.request_seq - 1].kind;
    uint32_t bit = 1u << static_cast<int>(k);
    bool timing = k == StimulusKind::kStep || k == StimulusKind::kResume;
    if (row.triggers & bit) return true;
    constexpr uint32_t route = (1u << static_cast<int>(StimulusKind::kRouteCall));
    if ((row.triggers & route) && timing) return true;
    if (!row.deliver) return false;
    using K = StimulusKind;
    return timing || k == K::kMakeCall || k == K::kInbound || k == K::kDivert ||
           k == K::kRouteCall || k == K::kRouteTimeout;
  }

  // Whether the attribute must be present (1), must be absent (0), or either (-1, with
  // the alternative it shows recorded in *seen).
  int presence(const Item& it, const AttrSpec& a, const Binding& b, bool present,
               uint16_t* seen) const {
    auto by_option = [&](int i, bool on_means_present) {
      int v = option(i);
      if (v < 0) {
        int shown = present == on_means_present ? 0 : 1;
        *seen = static_cast<uint16_t>(*seen | (1u << (2 * i + shown)));
        return -1;
      }
      return (v == 0) == on_means_present ? 1 : 0;
    };
    switch (a.cond) {
      case Cond::kMust:
        return 1;
      case Cond::kIfPresent:
        return -1;
      case Cond::kDial: {
        // The party *DIAL is about: this attribute's, or (for a role) its DN's.
        const AttrSpec* named = &a;
        if (a.alts.empty() || a.alts[0].kind != Alt::kParty) {
          for (const AttrSpec& o : it.attrs) {
            if (o.cond == Cond::kDial && !o.alts.empty() && o.alts[0].kind == Alt::kParty)
              named = &o;
          }
        }
        DnId party = named->alts.empty() || named->alts[0].kind != Alt::kParty
                         ? kNoDn
                         : b.dn[static_cast<std::size_t>(named->alts[0].party)];
        if (party != kNoDn && monitored(party)) return 1;  // T-Server knows a DN it monitors
        return by_option(kOptDialInfo, true);
      }
      case Cond::kOption:
        return by_option(a.option, true);
      case Cond::kRouteB:
        if (facts_->by_request) return 1;
        return by_option(kOptThirdParty, true);
    }
    return 1;
  }

  // True when every listed attribute is as specified; else false, with what differs in
  // *why unless it is null. Binds a party an attribute names for the first time (it must
  // be a DN that party can be).
  bool check_attrs(const Item& it, const Event& e, Binding* b, uint16_t* seen, BadAttr* why) const {
    for (const AttrSpec& a : it.attrs) {
      bool present = e.has(a.attr);
      int must = presence(it, a, *b, present, seen);
      bool ok;
      if (!present) {
        ok = must != 1;
      } else if (must == 0) {
        ok = false;
      } else {
        ok = false;
        for (const Alt& alt : a.alts) {
          switch (alt.kind) {
            case Alt::kAny:
              ok = true;
              break;
            case Alt::kParty: {
              auto x = static_cast<std::size_t>(alt.party);
              DnId got = dn_value(e, a.attr);
              if (b->dn[x] == kNoDn) {
                bool taken = std::find(b->dn.begin(), b->dn.end(), got) != b->dn.end();
                if (!taken && (fits(*buffers_->search.pattern, alt.party, got) ||
                               unseen_may_be(alt.party, got))) {
                  b->dn[x] = got;  // the party shows itself here first
                  ok = true;
                }
              } else {
                ok = ok || got == b->dn[x];
              }
              break;
            }
            case Alt::kRole:
              ok = ok || static_cast<int>(role_value(e, a.attr)) == alt.value;
              break;
            case Alt::kState:
              ok = ok || static_cast<int>(e.call_state) == alt.value;
              break;
          }
        }
      }
      if (!ok) {
        if (why) {
          why->event = &e;
          why->spec = &a;
          why->must = must;
          why->present = present;
          why->binding = *b;
        }
        return false;
      }
    }
    // Attributes the row does not list: the table's silence is not a licence. Third-party
    // attributes and ThisQueue appear only where a row lists them (TLIB-FACTS: ThisQueue
    // is not reported on non-ACD calls); an unlisted CallState is OK (the document names
    // every other value where it occurs); a party keeps its role (A Origination, the
    // others Destination) and names the other side's.
    constexpr uint32_t kAll = (1u << kAttrCount) - 1;
    for (uint32_t unlisted = e.present & ~uint32_t{it.listed} & kAll; unlisted != 0;
         unlisted &= unlisted - 1) {
      auto a = static_cast<Attr>(std::countr_zero(unlisted));  // in Attr order
      bool caller = it.party == 0;
      const char* wrong = nullptr;
      switch (a) {
        case Attr::kThirdPartyDn:
        case Attr::kThirdPartyDnRole:
        case Attr::kThirdPartyQueue:
        case Attr::kThisQueue:
        case Attr::kErrorCode:
          wrong = "is not in the document's row";
          break;
        case Attr::kCallState:
          if (e.call_state != CallState::kOk)
            wrong = "is not OK, and the document's row names no other value";
          break;
        case Attr::kThisDnRole:
          if (e.this_role != (caller ? DnRole::kOrigination : DnRole::kDestination))
            wrong = "is not this party's role";
          break;
        case Attr::kOtherDnRole:
          if (e.other_role != (caller ? DnRole::kDestination : DnRole::kOrigination))
            wrong = "is not the other side's role";
          break;
        case Attr::kOtherDn:
          if (!caller && b->dn[0] != kNoDn && e.other_dn != b->dn[0])
            wrong = "does not name the caller A";
          break;
        default:
          break;
      }
      if (wrong) {
        if (why) {
          why->event = &e;
          why->spec = nullptr;
          why->attr = a;
          why->wrong = wrong;
          why->binding = *b;
        }
        return false;
      }
    }
    return true;
  }

  static DnId dn_value(const Event& e, Attr a) {
    switch (a) {
      case Attr::kThisDn:
        return e.this_dn;
      case Attr::kThisQueue:
        return e.this_queue;
      case Attr::kOtherDn:
        return e.other_dn;
      case Attr::kThirdPartyDn:
        return e.third_party_dn;
      case Attr::kThirdPartyQueue:
        return e.third_party_queue;
      default:
        return kNoDn;
    }
  }
  static DnRole role_value(const Event& e, Attr a) {
    return a == Attr::kThisDnRole    ? e.this_role
           : a == Attr::kOtherDnRole ? e.other_role
                                     : e.third_party_role;
  }

  const Session& session_;
  const SessionConfig& config_;
  const std::vector<const Event*>* events_ = nullptr;
  const CallFacts* facts_ = nullptr;
  Buffers* buffers_;
};

// What the stimuli tell of call `c` (nothing in an observed stream but what its events
// show): the DNs the divert, the second queue and the route name, and how it was routed.

}  // namespace

MatchResult match_flow(const Session& session, MatchBuffers* buffers, const Pattern& p,
                       const std::vector<const Event*>& events, const CallFacts& facts,
                       bool share_prefix) {
  Matcher m(session, buffers);
  return m.match(p, events, facts, share_prefix);
}

std::string bad_text(const MatchResult& r, const SessionConfig& config) {
  const BadAttr& bad = r.bad;
  if (!bad.event) return {};
  auto name = [&](DnId d) {
    return config.topology.valid(d) ? config.topology.dns[d].name : std::string("(none)");
  };
  const Event& e = *bad.event;
  std::string text = "row " + std::to_string(bad.row + 1) + ": ";
  if (!bad.spec) {
    return text + event_name(e.type) + " #" + std::to_string(e.seq) + " at " + name(e.this_dn) +
           ": " + attr_name(bad.attr) + " " + attr_value_text(e, bad.attr, config) + " " +
           bad.wrong;
  }
  const AttrSpec& a = *bad.spec;
  std::string want;
  if (bad.must == 0) want = "absent";
  for (const Alt& alt : a.alts) {
    if (bad.must == 0) break;
    if (!want.empty()) want += " or ";
    switch (alt.kind) {
      case Alt::kAny:
        want += "present";
        break;
      case Alt::kParty:
        want += std::string(1, static_cast<char>('A' + alt.party)) + " (" +
                name(bad.binding.dn[static_cast<std::size_t>(alt.party)]) + ")";
        break;
      case Alt::kRole:
        want += dn_role_name(static_cast<DnRole>(alt.value));
        break;
      case Alt::kState:
        want += call_state_name(static_cast<CallState>(alt.value));
        break;
    }
  }
  return text + event_name(e.type) + " #" + std::to_string(e.seq) + " at " + name(e.this_dn) +
         ": " + attr_name(a.attr) + " is " +
         (bad.present ? attr_value_text(e, a.attr, config) : std::string("absent")) +
         ", the document says " + want;
}

Violation attributes_violation(const std::vector<const Event*>& events, const MatchResult& r,
                               const Pattern& p, std::string message) {
  Violation v;
  v.rule = "documented-attributes";
  for (const Event* e : events) {
    if (e->seq == r.bad_seq) v.request_seq = e->request_seq;
  }
  v.event_seqs.push_back(r.bad_seq);
  v.first_event = r.bad_type;
  v.has_event = true;
  v.state = p.key + " " + p.point;
  v.message = std::move(message);
  return v;
}

}  // namespace oracle
}  // namespace callbench
