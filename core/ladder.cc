// Ladder diagrams (ladder.h): layout in whole pixels, text in a monospace font whose
// advance is taken as 7 px at 12 px (DejaVu Sans Mono's is 7.2: labels get slack), so
// the layout needs no font metrics and the bytes depend on the session alone.
#include "core/ladder.h"

#include <algorithm>
#include <map>

#include "core/render.h"
#include "core/scenario.h"

namespace callbench {
namespace {

constexpr int kRow = 26;               // one stimulus or event
constexpr int kCharW = 7;              // advance of one character at 12 px
constexpr int kSmallCharW = 7;         // at 11 px, with slack
constexpr int kHeadH = 38;             // a lifeline's header box
constexpr std::size_t kMaxLine = 160;  // characters of one header line

// Calls told apart by colour; red and orange stay for errors, violations, ignored steps.
constexpr const char* kPalette[] = {"#1f6fb4", "#2e8b3d", "#7b4fb0", "#8c5a2b",
                                    "#138a8f", "#b0407a", "#5b6b1f", "#3d4f8f"};
constexpr const char* kRed = "#d11f1f";
constexpr const char* kOrange = "#d97a00";
constexpr const char* kGrey = "#666666";

std::string n(int v) { return std::to_string(v); }

const char* call_colour(CallId call) {
  if (call == kNoCall) return kGrey;
  return kPalette[call % (sizeof kPalette / sizeof kPalette[0])];
}

// Length in characters (code points) of UTF-8 text, for layout.
int text_len(std::string_view s) {
  int len = 0;
  for (char c : s) len += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return len;
}

// At most `max` characters, with "..." when cut (on a code-point boundary).
std::string clip(const std::string& s, std::size_t max) {
  if (static_cast<std::size_t>(text_len(s)) <= max) return s;
  std::size_t chars = 0, i = 0;
  for (; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (chars == max - 3) break;
      ++chars;
    }
  }
  return s.substr(0, i) + "...";
}

std::string call_name(CallId call, const SessionConfig& c) {
  if (call < c.call_names.size()) return c.call_names[call];
  return call == kNoCall ? "-" : "call " + std::to_string(call + 1);
}

// Every attribute but ConnID and ThisDN (the colour and the lifeline say those).
std::string key_attributes(const Event& e, const SessionConfig& c) {
  std::string out;
  for (int i = 0; i < kAttrCount; ++i) {
    auto a = static_cast<Attr>(i);
    if (!e.has(a) || a == Attr::kConnId || a == Attr::kThisDn) continue;
    if (!out.empty()) out += ' ';
    out += std::string(attr_name(a)) + "=" + attr_value_text(e, a, c);
  }
  return out;
}

std::string all_attributes(const Event& e, const SessionConfig& c) {
  std::string out = event_text(e, c);
  if (e.has(Attr::kErrorCode)) out += std::string(" ErrorMessage=") + error_message_of(e.error);
  return out;
}

// "text" element with escaped content.
std::string text_el(int x, int y, const std::string& cls, const std::string& content,
                    const char* fill = nullptr, const char* anchor = nullptr) {
  std::string out = "<text x=\"" + n(x) + "\" y=\"" + n(y) + "\" class=\"" + cls + "\"";
  if (fill)
    out += std::string(" style=\"fill:") + fill + "\"";  // beats the stylesheet, as fill= would not
  if (anchor) out += std::string(" text-anchor=\"") + anchor + "\"";
  return out + ">" + xml_escape(content) + "</text>";
}

// A horizontal arrow from x1 to x2 at y, its head at x2.
std::string arrow_el(int x1, int x2, int y, const char* colour, int width, bool dashed) {
  int dir = x2 > x1 ? 1 : -1;
  int tip = x2 - dir;  // stop short of the lifeline by a pixel
  std::string out = "<line x1=\"" + n(x1) + "\" y1=\"" + n(y) + "\" x2=\"" + n(tip - dir * 8) +
                    "\" y2=\"" + n(y) + "\" stroke=\"" + colour + "\" stroke-width=\"" + n(width) +
                    "\"" + (dashed ? " stroke-dasharray=\"6 3\"" : "") + "/>";
  out += "<polygon points=\"" + n(tip) + "," + n(y) + " " + n(tip - dir * 10) + "," + n(y - 5) +
         " " + n(tip - dir * 10) + "," + n(y + 5) + "\" fill=\"" + colour + "\"/>";
  return out;
}

// Where each stimulus is drawn: before the event at anchor[i] (events.size(): at the
// end). A stimulus goes before the first event it caused. In an observed stream whose
// events name no cause (request_seq 0 throughout), a client request goes before the
// first event carrying its ReferenceID.
std::vector<std::size_t> stimulus_anchors(const Session& session,
                                          const std::vector<Event>& events) {
  const std::size_t ns = session.stimuli.size();
  bool causes =
      std::any_of(events.begin(), events.end(), [](const Event& e) { return e.request_seq > 0; });
  std::vector<std::size_t> anchor(ns, events.size());
  for (std::size_t k = events.size(); k-- > 0;) {
    const Event& e = events[k];
    if (causes) {
      if (e.request_seq > 0 && e.request_seq <= ns) anchor[e.request_seq - 1] = k;
      continue;
    }
    if (!e.has(Attr::kReferenceId)) continue;
    for (std::size_t i = 0; i < ns; ++i) {
      if (session.stimuli[i].is_client_request() &&
          session.stimuli[i].reference_id == e.reference_id)
        anchor[i] = k;
    }
  }
  // A stimulus that caused no event goes just before the next one that did; then each
  // stimulus no earlier than the one before it (observed streams may disagree).
  std::size_t next = events.size();
  for (std::size_t i = ns; i-- > 0;) {
    if (anchor[i] == events.size()) anchor[i] = next;
    next = anchor[i];
  }
  for (std::size_t i = 1; i < ns; ++i) anchor[i] = std::max(anchor[i], anchor[i - 1]);
  return anchor;
}

struct Row {
  enum Kind { kStimulus, kEvent, kNote } kind;
  std::size_t index;  // into stimuli, events or violations
};

// The session in drawing order: each stimulus before the events it caused
// (stimulus_anchors), and a violation that names no event of its own after its
// stimulus's events.
std::vector<Row> layout_rows(const LadderSession& s) {
  const auto& stimuli = s.session->stimuli;
  const auto& events = *s.events;
  std::vector<std::size_t> notes;  // violations drawn as a note row, by request seq
  if (s.verdict) {
    for (std::size_t i = 0; i < s.verdict->violations.size(); ++i) {
      const Violation& v = s.verdict->violations[i];
      if (!v.has_event || v.event_seqs.empty()) notes.push_back(i);
    }
    std::stable_sort(notes.begin(), notes.end(), [&](std::size_t a, std::size_t b) {
      uint32_t ra = s.verdict->violations[a].request_seq, rb = s.verdict->violations[b].request_seq;
      return (ra == 0 ? UINT32_MAX : ra) < (rb == 0 ? UINT32_MAX : rb);
    });
  }
  std::vector<std::size_t> anchor = stimulus_anchors(*s.session, events);
  std::vector<Row> rows;
  std::size_t next_stimulus = 0, next_note = 0;
  auto flush_notes = [&](uint32_t through) {
    while (next_note < notes.size()) {
      uint32_t r = s.verdict->violations[notes[next_note]].request_seq;
      if (r == 0 || r > through) break;
      rows.push_back({Row::kNote, notes[next_note++]});
    }
  };
  auto stimuli_before = [&](std::size_t k) {
    while (next_stimulus < stimuli.size() && anchor[next_stimulus] <= k) {
      flush_notes(static_cast<uint32_t>(next_stimulus));
      rows.push_back({Row::kStimulus, next_stimulus++});
    }
  };
  for (std::size_t k = 0; k < events.size(); ++k) {
    stimuli_before(k);
    rows.push_back({Row::kEvent, k});
  }
  stimuli_before(events.size());
  flush_notes(UINT32_MAX - 1);
  while (next_note < notes.size()) rows.push_back({Row::kNote, notes[next_note++]});
  return rows;
}

std::string flow_line(const CallFlow& f, const SessionConfig& c, const std::vector<Event>& events) {
  std::string line = call_name(f.call, c);
  for (const Event& e : events) {
    if (e.call == f.call && e.has(Attr::kConnId)) {
      line += " (ConnID " + conn_id_string(e.conn_id) + ")";
      break;
    }
  }
  if (!f.documented()) return line + ": " + f.summary();
  std::string stars = f.stars;
  line += ": " + std::string(f.flow) + ", " +
          (stars == "normal" ? std::string("normal flow") : "interruption point " + stars);
  for (int a : f.also) {
    if (a >= 0 && static_cast<std::size_t>(a) < documented_flow_points().size()) {
      line += "; also " + documented_flow_points()[static_cast<std::size_t>(a)];
    }
  }
  return line;
}

std::string violation_line(const Violation& v) {
  std::string line = v.rule + " at request " + std::to_string(v.request_seq);
  if (!v.event_seqs.empty()) {
    line += v.event_seqs.size() == 1 ? ", event" : ", events";
    for (uint32_t e : v.event_seqs) line += " " + std::to_string(e);
  }
  return line + ": " + v.message;
}

const char* kSvgStyle =
    "text{font-family:'DejaVu Sans Mono',monospace;font-size:12px;fill:#1a1a1a}"
    ".t{font-size:15px;font-weight:bold}.h{font-weight:bold}.k{fill:#555}.s{font-size:11px}"
    ".lbl{paint-order:stroke;stroke:#fff;stroke-width:4px;stroke-linejoin:round}"
    ".bad{fill:#d11f1f;font-weight:bold}.ign{fill:#b06000}";

}  // namespace

std::string xml_escape(std::string_view text) { return xml_escape(text, false); }

std::string xml_escape(std::string_view text, bool keep_newlines) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      ++i;
      switch (c) {
        case '&':
          out += "&amp;";
          break;
        case '<':
          out += "&lt;";
          break;
        case '>':
          out += "&gt;";
          break;
        case '"':
          out += "&quot;";
          break;
        case '\'':
          out += "&#39;";
          break;
        default:
          // Control characters dropped (a newline kept in multi-line text).
          if ((c >= 0x20 && c != 0x7F) || (c == '\n' && keep_newlines)) out += static_cast<char>(c);
      }
      continue;
    }
    // A UTF-8 sequence: kept only when well-formed, shortest, not a surrogate, not a C1
    // control, and a character XML allows; else U+FFFD for its first byte.
    int len = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c <= 0xDF ? 2 : 0;
    uint32_t cp = len == 2 ? c & 0x1Fu : len == 3 ? c & 0x0Fu : c & 0x07u;
    bool ok = len > 0 && i + static_cast<std::size_t>(len) <= text.size();
    for (int k = 1; ok && k < len; ++k) {
      auto b = static_cast<unsigned char>(text[i + static_cast<std::size_t>(k)]);
      ok = (b & 0xC0) == 0x80;
      cp = (cp << 6) | (b & 0x3Fu);
    }
    if (ok) {
      ok = (len != 3 || cp >= 0x800) && (len != 4 || (cp >= 0x10000 && cp <= 0x10FFFF)) &&
           !(cp >= 0xD800 && cp <= 0xDFFF) && cp != 0xFFFE && cp != 0xFFFF &&
           !(cp >= 0x80 && cp <= 0x9F);
    }
    if (ok) {
      out.append(text.substr(i, static_cast<std::size_t>(len)));
      i += static_cast<std::size_t>(len);
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

std::string ladder_svg_element(const LadderSession& s) {
  const Session& session = *s.session;
  const SessionConfig& c = session.config;
  const std::vector<Event>& events = *s.events;
  const std::vector<Stimulus>& stimuli = session.stimuli;
  const std::vector<uint32_t> refs = default_reference_ids(stimuli);
  std::vector<Row> rows = layout_rows(s);

  // Violations by the events they name.
  std::map<uint32_t, std::vector<const Violation*>> flagged;
  if (s.verdict) {
    for (const Violation& v : s.verdict->violations) {
      if (!v.has_event) continue;
      for (uint32_t e : v.event_seqs) {
        auto& list = flagged[e];
        if (std::find(list.begin(), list.end(), &v) == list.end()) list.push_back(&v);
      }
    }
  }

  // Header lines: the title, each call's flow, the verdict.
  struct Line {
    std::string text;
    const char* colour;
    std::string cls;
  };
  std::vector<Line> head;
  if (!s.title.empty()) head.push_back({clip(s.title, kMaxLine), nullptr, "t"});
  if (s.verdict) {
    for (const CallFlow& f : s.verdict->flows)
      head.push_back({clip(flow_line(f, c, events), kMaxLine), call_colour(f.call), "h"});
    if (s.verdict->ok()) {
      head.push_back({"conforms to the call-model document", nullptr, "h"});
    } else {
      std::size_t nv = s.verdict->violations.size();
      head.push_back({std::to_string(nv) + " violation" + (nv == 1 ? "" : "s") +
                          " of the call-model document:",
                      kRed, "h"});
      for (const Violation& v : s.verdict->violations)
        head.push_back({clip("  " + violation_line(v), kMaxLine), kRed, ""});
    }
  }

  // Columns: the stimuli's gutter, the T-Server, one per DN, the attributes.
  std::vector<std::string> step_text(stimuli.size());
  int gutter_chars = 12;
  for (std::size_t i = 0; i < stimuli.size(); ++i) {
    step_text[i] = clip(std::to_string(i + 1) + ". " + print_stimulus(stimuli[i], c, refs[i]), 56);
    gutter_chars = std::max(gutter_chars, text_len(step_text[i]));
  }
  const int gutter = 16 + gutter_chars * kCharW + 24;
  const int tserver_x = gutter + 50;
  int name_chars = 12;
  for (const Dn& d : c.topology.dns)
    name_chars = std::max({name_chars, text_len(d.name), text_len(dn_kind_name(d.kind)) + 2});
  const int spacing = std::clamp(name_chars * kCharW + 36, 150, 300);
  auto dn_x = [&](DnId d) { return tserver_x + spacing * (static_cast<int>(d) + 1); };
  const int last_x = dn_x(static_cast<DnId>(c.topology.dns.size() ? c.topology.dns.size() - 1 : 0));
  const int attr_x = last_x + spacing / 2 + 10;  // past the last header box
  int attr_chars = 10;
  for (const Event& e : events)
    attr_chars = std::max(attr_chars, text_len(key_attributes(e, c)) + 8);
  int head_chars = 0;
  for (const Line& l : head) head_chars = std::max(head_chars, text_len(l.text));
  const int width = std::max(attr_x + attr_chars * kSmallCharW + 16, 16 + head_chars * 8 + 16);

  const int head_h = 12 + static_cast<int>(head.size()) * 18;
  const int lifeline_top = head_h + 10;
  const int rows_top = lifeline_top + kHeadH + 14;
  const int height = rows_top + static_cast<int>(rows.size()) * kRow + 24;

  std::string out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"ladder\" width=\"" +
                    n(width) + "\" height=\"" + n(height) + "\" viewBox=\"0 0 " + n(width) + " " +
                    n(height) + "\">\n";
  out += "<style>" + std::string(kSvgStyle) + "</style>\n";
  out += "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n";
  for (std::size_t i = 0; i < head.size(); ++i) {
    out += text_el(16, 24 + static_cast<int>(i) * 18, head[i].cls, head[i].text, head[i].colour) +
           "\n";
  }
  // Row bands: every other stimulus shaded, so a stimulus and its events read as one.
  {
    bool shade = false;
    int band_start = -1;
    auto close = [&](int end_row) {
      if (band_start >= 0 && shade) {
        out += "<rect x=\"8\" y=\"" + n(rows_top + band_start * kRow) + "\" width=\"" +
               n(width - 16) + "\" height=\"" + n((end_row - band_start) * kRow) +
               "\" fill=\"#f3f5f8\"/>\n";
      }
    };
    for (std::size_t r = 0; r < rows.size(); ++r) {
      if (rows[r].kind != Row::kStimulus) continue;
      close(static_cast<int>(r));
      shade = !shade;
      band_start = static_cast<int>(r);
    }
    close(static_cast<int>(rows.size()));
  }
  out += text_el(16, rows_top - 10, "h k", "stimulus") + "\n";
  out += text_el(attr_x, rows_top - 10, "h k", "attributes") + "\n";
  // Lifelines.
  const int bottom = height - 12;
  auto lifeline = [&](int x, const std::string& cls, const std::string& dn, const std::string& name,
                      const std::string& kind, bool external) {
    std::string g = "<g class=\"" + cls + "\"" +
                    (dn.empty() ? "" : " data-dn=\"" + xml_escape(dn) + "\"") + ">";
    g += "<line x1=\"" + n(x) + "\" y1=\"" + n(lifeline_top + kHeadH) + "\" x2=\"" + n(x) +
         "\" y2=\"" + n(bottom) + "\" stroke=\"" + (external ? "#bbbbbb" : "#888888") +
         "\" stroke-dasharray=\"" + (external ? "2 4" : "5 4") + "\"/>";
    int w = spacing - 30;
    g += "<rect x=\"" + n(x - w / 2) + "\" y=\"" + n(lifeline_top) + "\" width=\"" + n(w) +
         "\" height=\"" + n(kHeadH) + "\" rx=\"4\" fill=\"" + (external ? "#f4f4f4" : "#eef3fb") +
         "\" stroke=\"" + (external ? "#aaaaaa" : "#5a7bb5") + "\"/>";
    g += text_el(x, lifeline_top + 16, "h", clip(name, 32), nullptr, "middle");
    g += text_el(x, lifeline_top + 31, "k s", kind, nullptr, "middle");
    return g + "</g>\n";
  };
  out += lifeline(tserver_x, "lifeline tserver", "", "T-Server", "switch", false);
  for (std::size_t d = 0; d < c.topology.dns.size(); ++d) {
    const Dn& dn = c.topology.dns[d];
    out += lifeline(dn_x(static_cast<DnId>(d)), "lifeline", dn.name, dn.name, dn_kind_name(dn.kind),
                    dn.kind == DnKind::kExternal);
  }

  for (std::size_t r = 0; r < rows.size(); ++r) {
    const int y = rows_top + static_cast<int>(r) * kRow + kRow / 2 + 4;
    const Row& row = rows[r];
    if (row.kind == Row::kStimulus) {
      const Stimulus& st = stimuli[row.index];
      const StimulusShape& shape = shape_of(st.kind);
      bool ignored = s.outcomes && row.index < s.outcomes->size() &&
                     (*s.outcomes)[row.index].outcome == Outcome::kIgnored;
      bool refused = s.outcomes && row.index < s.outcomes->size() &&
                     (*s.outcomes)[row.index].outcome == Outcome::kRefused;
      std::string tip = step_text[row.index];
      if (ignored)
        tip +=
            std::string(" (ignored: ") + ignore_reason_text((*s.outcomes)[row.index].reason) + ")";
      out += text_el(16, y + 4, ignored ? "ign" : "", step_text[row.index]);
      if (shape.client_request && c.topology.valid(st.dn)) {
        const char* colour = call_colour(st.call);
        out += "<g class=\"arrow request" + std::string(refused ? " refused" : "") +
               "\" data-seq=\"" + n(static_cast<int>(row.index + 1)) + "\"><title>" +
               xml_escape(tip) + "</title>";
        out += arrow_el(dn_x(st.dn), tserver_x, y, colour, 2, true);
        out += text_el(tserver_x + 14, y - 5, "lbl",
                       std::string(shape.tlib) + " ReferenceID=" + std::to_string(st.reference_id),
                       colour);
        out += "</g>\n";
      } else {
        const char* colour = ignored ? kOrange : shape.has_call ? call_colour(st.call) : kGrey;
        out += "<g class=\"step switch" + std::string(ignored ? " ignored" : "") +
               "\" data-seq=\"" + n(static_cast<int>(row.index + 1)) + "\"><title>" +
               xml_escape(tip) + "</title>";
        out += "<rect x=\"" + n(tserver_x - 7) + "\" y=\"" + n(y - 7) +
               "\" width=\"14\" height=\"14\" transform=\"rotate(45 " + n(tserver_x) + " " + n(y) +
               ")\" fill=\"" + colour + "\"/>";
        std::string label = std::string("switch: ") + shape.verb;
        if (ignored)
          label += std::string(" (ignored: ") +
                   ignore_reason_text((*s.outcomes)[row.index].reason) + ")";
        out += text_el(tserver_x + 14, y + 4, ignored ? "lbl ign" : "lbl k", label);
        out += "</g>\n";
      }
    } else if (row.kind == Row::kEvent) {
      const Event& e = events[row.index];
      auto it = flagged.find(e.seq);
      bool error = e.type == EventType::kError;
      bool violation = it != flagged.end();
      const char* colour = violation || error ? kRed : call_colour(e.call);
      std::string cls = "arrow event";
      if (error) cls += " error";
      if (violation) cls += " violation";
      std::string rules;
      std::string tip = "#" + std::to_string(e.seq) + " " + all_attributes(e, c);
      if (violation) {
        for (const Violation* v : it->second) {
          rules += (rules.empty() ? "" : " ") + v->rule;
          tip += "\nviolation " + violation_line(*v);
        }
      }
      out += "<g class=\"" + cls + "\" data-seq=\"" + n(static_cast<int>(e.seq)) + "\"" +
             (violation ? " data-rule=\"" + xml_escape(rules) + "\"" : "") + "><title>" +
             xml_escape(tip) + "</title>";
      int to = c.topology.valid(e.this_dn) ? dn_x(e.this_dn) : tserver_x + spacing / 2;
      out += arrow_el(tserver_x, to, y, colour, violation || error ? 3 : 2, false);
      std::string label = std::string(event_name(e.type)) + " #" + std::to_string(e.seq);
      out += text_el(tserver_x + 14, y - 5, violation || error ? "lbl bad" : "lbl", label,
                     violation || error ? nullptr : colour);
      if (violation)
        out += text_el(tserver_x + 14 + (text_len(label) + 2) * kCharW, y - 5, "lbl bad",
                       "!! " + rules);
      out += text_el(attr_x, y - 5, error ? "s bad" : "s", key_attributes(e, c));
      out += "</g>\n";
    } else {
      const Violation& v = s.verdict->violations[row.index];
      out += "<g class=\"note violation\" data-rule=\"" + xml_escape(v.rule) + "\"><title>" +
             xml_escape(violation_line(v)) + "</title>";
      out += "<rect x=\"" + n(tserver_x - 6) + "\" y=\"" + n(y - 14) + "\" width=\"" +
             n(last_x - tserver_x + 12) + "\" height=\"20\" rx=\"3\" fill=\"#fde8e8\" stroke=\"" +
             kRed + "\"/>";
      out += text_el(tserver_x + 6, y, "bad",
                     clip("!! " + v.rule + ": " + v.message,
                          static_cast<std::size_t>((last_x - tserver_x) / kCharW)));
      out += "</g>\n";
    }
  }
  out += "</svg>\n";
  return out;
}

std::string render_ladder_svg(const LadderSession& s) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + ladder_svg_element(s);
}

}  // namespace callbench
