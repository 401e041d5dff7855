// The .scn parser. Input is untrusted (people write it, the fuzzer mutates it): every
// path ends in a Session or in an error naming file:line:column; nothing asserts.
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>

#include "core/names.h"
#include "core/scenario.h"

namespace callbench {
namespace {

struct Token {
  std::string_view text;
  int column = 0;  // 1-based
};

bool parse_uint(std::string_view s, uint64_t max, bool hex_ok, uint64_t* out) {
  auto v = parse_unsigned(s, max, hex_ok);
  if (v) *out = *v;
  return v.has_value();
}

std::string quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

std::string verb_list() {
  std::string all;
  for (int i = 0; i < kStimulusKindCount; ++i) {
    all += i ? ", " : "";
    all += stimulus_verb(static_cast<StimulusKind>(i));
  }
  return all;
}

std::string usage_of(StimulusKind kind) {
  const StimulusShape& shape = shape_of(kind);
  std::string u = shape.creates_call ? std::string("NAME = ") + shape.verb : shape.verb;
  for (const StimulusArg& a : stimulus_args(kind)) {
    switch (a.kind) {
      case StimulusArg::Kind::kDn:
        u += " DN";
        break;
      case StimulusArg::Kind::kCall:
        u += " CALL";
        break;
      case StimulusArg::Kind::kReason:
        u += " [CALLSTATE]";
        break;
    }
  }
  if (shape.client_request) u += " [ref=N]";
  return u;
}

class Parser {
 public:
  Parser(std::string_view file, Scenario* out) : file_(file), out_(out) {}

  Status parse(std::string_view text) {
    *out_ = Scenario{};
    if (text.size() > limits::kMaxScenarioBytes) {
      return Status::invalid(std::string(file_) + ": file is larger than " +
                             std::to_string(limits::kMaxScenarioBytes) + " bytes");
    }
    int line = 0;
    std::size_t statements = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
      std::size_t end = text.find('\n', pos);
      if (end == std::string_view::npos) end = text.size();
      std::string_view raw = text.substr(pos, end - pos);
      pos = end + 1;
      ++line;
      if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
      if (raw.size() > limits::kMaxLineLength) {
        return error(
            line, static_cast<int>(limits::kMaxLineLength) + 1,
            "line is longer than " + std::to_string(limits::kMaxLineLength) + " characters");
      }
      std::vector<Token> tokens;
      Status st = tokenize(line, raw, &tokens);
      if (!st.is_ok()) return st;
      if (tokens.empty()) continue;
      // Stimuli and expect lines count; declarations (seed, dn, option) have their own
      // bounds (once, kMaxDns, once per option), so the printer's explicit declarations
      // (the seed, implicitly declared external DNs) never push a scenario past it.
      std::string_view head = tokens[0].text;
      bool declaration = head == "seed" || head == "dn" || head == "option";
      if (!declaration && ++statements > limits::kMaxStatements) {
        return error(line, 1,
                     "more than " + std::to_string(limits::kMaxStatements) +
                         " statements (stimuli and expect lines) in one scenario");
      }
      st = statement(line, tokens, raw.size());
      if (!st.is_ok()) return st;
    }
    return Status::ok();
  }

 private:
  Status error(int line, int column, const std::string& msg) const {
    return Status::invalid(std::string(file_) + ":" + std::to_string(line) + ":" +
                           std::to_string(column) + ": " + msg);
  }

  Status tokenize(int line, std::string_view raw, std::vector<Token>* tokens) const {
    std::size_t code_end = raw.find('#');  // a comment may hold anything
    if (code_end == std::string_view::npos) code_end = raw.size();
    for (std::size_t i = 0; i < code_end; ++i) {
      auto c = static_cast<unsigned char>(raw[i]);
      if (c == ' ' || c == '\t' || (c >= 0x21 && c <= 0x7e)) continue;
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02x", c);
      return error(line, static_cast<int>(i) + 1,
                   std::string("unexpected character ") + hex + " outside a comment");
    }
    std::size_t i = 0;
    while (i < code_end) {
      if (raw[i] == ' ' || raw[i] == '\t') {
        ++i;
        continue;
      }
      std::size_t start = i;
      while (i < code_end && raw[i] != ' ' && raw[i] != '\t') ++i;
      tokens->push_back({raw.substr(start, i - start), static_cast<int>(start) + 1});
    }
    return Status::ok();
  }

  bool topology_closed() const { return !out_->session.stimuli.empty(); }

  Status statement(int line, const std::vector<Token>& t, std::size_t line_len) {
    std::string_view head = t[0].text;
    int end_col = static_cast<int>(line_len) + 1;
    if (head == "dn" || head == "option" || head == "seed") {
      if (topology_closed()) {
        return error(line, t[0].column,
                     "'" + std::string(head) +
                         "' is a topology statement: topology (dn, option, seed) comes "
                         "before the first stimulus");
      }
      if (head == "dn") return dn_statement(line, t, end_col);
      if (head == "option") return option_statement(line, t, end_col);
      return seed_statement(line, t, end_col);
    }
    if (head == "expect") return expect_statement(line, t, end_col);
    return stimulus_statement(line, t, end_col);
  }

  Status dn_statement(int line, const std::vector<Token>& t, int end_col) {
    if (t.size() < 2) return error(line, end_col, "expected a DN name after 'dn'");
    if (!valid_dn_name(t[1].text)) {
      return error(
          line, t[1].column,
          std::string("expected a DN name (") + kDnNameRule + "), found " + quoted(t[1].text));
    }
    if (t.size() < 3) {
      return error(line, end_col,
                   "expected a DN kind after the DN name (extension, acd-queue, routing-point, "
                   "routing-queue, external, remote-extension)");
    }
    auto kind = parse_dn_kind(t[2].text);
    if (!kind) {
      return error(line, t[2].column,
                   "expected a DN kind (extension, acd-queue, routing-point, routing-queue, "
                   "external, remote-extension), found " +
                       quoted(t[2].text));
    }
    if (t.size() > 3) return error(line, t[3].column, "unexpected " + quoted(t[3].text));
    if (find_dn(t[1].text) != kNoDn) {
      return error(line, t[1].column, "DN " + std::string(t[1].text) + " is already declared");
    }
    return add_dn(line, t[1], *kind, nullptr);
  }

  Status add_dn(int line, const Token& name, DnKind kind, DnId* id) {
    Topology& topo = out_->session.config.topology;
    if (topo.dns.size() >= limits::kMaxDns) {
      return error(line, name.column,
                   "more than " + std::to_string(limits::kMaxDns) + " DNs in one scenario");
    }
    auto new_id = static_cast<DnId>(topo.dns.size());
    topo.dns.push_back({std::string(name.text), kind});
    dn_index_.emplace(std::string(name.text), new_id);
    if (id) *id = new_id;
    return Status::ok();
  }

  DnId find_dn(std::string_view name) const {
    auto it = dn_index_.find(name);
    return it == dn_index_.end() ? kNoDn : it->second;
  }

  Status option_statement(int line, const std::vector<Token>& t, int end_col) {
    std::string names;
    for (int i = 0; i < kProfileOptionCount; ++i) {
      names += i ? ", " : "";
      names += profile_options()[i].name;
    }
    if (t.size() < 2) return error(line, end_col, "expected an option name (" + names + ")");
    const ProfileOption* opt = nullptr;
    for (int i = 0; i < kProfileOptionCount; ++i) {
      if (t[1].text == profile_options()[i].name) opt = &profile_options()[i];
    }
    if (!opt) {
      return error(line, t[1].column,
                   "unknown option " + quoted(t[1].text) + ": expected one of " + names);
    }
    std::string values = std::string(opt->values[0]) + " or " + opt->values[1];
    if (t.size() < 3)
      return error(line, end_col, "expected a value for " + std::string(opt->name) + ": " + values);
    if (!set_profile_option(&out_->session.config.profile, t[1].text, t[2].text)) {
      return error(
          line, t[2].column,
          "expected " + values + " for option " + opt->name + ", found " + quoted(t[2].text));
    }
    if (t.size() > 3) return error(line, t[3].column, "unexpected " + quoted(t[3].text));
    int& set_on = option_lines_[opt->name];
    if (set_on != 0) {
      return error(
          line, t[1].column,
          "option " + std::string(opt->name) + " is already set on line " + std::to_string(set_on));
    }
    set_on = line;
    return Status::ok();
  }

  Status seed_statement(int line, const std::vector<Token>& t, int end_col) {
    if (t.size() < 2) return error(line, end_col, "expected a seed (decimal or 0x-hex, 64 bits)");
    uint64_t v = 0;
    if (!parse_uint(t[1].text, UINT64_MAX, true, &v)) {
      return error(line, t[1].column,
                   "expected a seed (decimal or 0x-hex, 64 bits), found " + quoted(t[1].text));
    }
    if (t.size() > 2) return error(line, t[2].column, "unexpected " + quoted(t[2].text));
    if (seed_line_ != 0)
      return error(line, t[0].column,
                   "the seed is already given on line " + std::to_string(seed_line_));
    seed_line_ = line;
    out_->session.config.seed = v;
    out_->seed_given = true;
    return Status::ok();
  }

  // A DN argument. Dialed numbers (lower-case pattern letters) may be undeclared:
  // they are external DNs, declared here.
  Status dn_arg(int line, const Token& tok, bool dialed, DnId* id) {
    if (!valid_dn_name(tok.text)) {
      return error(line, tok.column,
                   std::string("expected a DN (") + kDnNameRule + "), found " + quoted(tok.text));
    }
    *id = find_dn(tok.text);
    if (*id != kNoDn) return Status::ok();
    if (dialed) return add_dn(line, tok, DnKind::kExternal, id);
    return error(line, tok.column,
                 "unknown DN " + std::string(tok.text) + ": declare it first with 'dn " +
                     std::string(tok.text) + " <kind>'");
  }

  Status call_arg(int line, const Token& tok, CallId* id) {
    if (!valid_call_name(tok.text)) {
      return error(
          line, tok.column,
          std::string("expected a call name (") + kCallNameRule + "), found " + quoted(tok.text));
    }
    auto it = calls_.find(tok.text);
    if (it == calls_.end()) {
      return error(line, tok.column,
                   "unknown call " + std::string(tok.text) +
                       ": a call is named where it is created ('" + std::string(tok.text) +
                       " = make-call ...' or '... = inbound ...')");
    }
    *id = it->second;
    return Status::ok();
  }

  Status stimulus_statement(int line, const std::vector<Token>& t, int end_col) {
    std::size_t i = 0;
    const Token* name = nullptr;
    if (t.size() >= 2 && t[1].text == "=") {
      name = &t[0];
      i = 2;
      if (t.size() < 3) return error(line, end_col, "expected a stimulus verb after '='");
    }
    const Token& verb_tok = t[i];
    auto kind = parse_stimulus_verb(verb_tok.text);
    if (!kind) {
      std::string what =
          name ? "a stimulus verb (" + verb_list() + ")"
               : "a statement (dn, option, seed, expect, or a stimulus: " + verb_list() + ")";
      return error(line, verb_tok.column, "expected " + what + ", found " + quoted(verb_tok.text));
    }
    const StimulusShape& shape = shape_of(*kind);
    if (shape.creates_call && !name) {
      return error(
          line, verb_tok.column,
          std::string(shape.verb) + " creates a call: name it, as in '" + usage_of(*kind) + "'");
    }
    if (!shape.creates_call && name) {
      return error(
          line, name->column,
          std::string(shape.verb) + " does not create a call: expected '" + usage_of(*kind) + "'");
    }
    Stimulus s;
    s.kind = *kind;
    ++i;
    for (const StimulusArg& a : stimulus_args(s.kind)) {
      if (a.kind == StimulusArg::Kind::kReason) {  // optional CallState reason
        if (i < t.size() && t[i].text.find('=') == std::string_view::npos) {
          auto cs = parse_call_state(t[i].text);
          if (!cs)
            return error(
                line, t[i].column,
                "expected a CallState (OK, Busy, SitInvalidNum, ...), found " + quoted(t[i].text));
          s.has_call_state = true;
          s.call_state = *cs;
          ++i;
        }
        continue;
      }
      if (i >= t.size()) {
        return error(line, end_col,
                     std::string("expected ") +
                         (a.kind == StimulusArg::Kind::kCall ? "a call name" : "a DN") +
                         ": usage '" + usage_of(*kind) + "'");
      }
      Status st;
      if (a.kind == StimulusArg::Kind::kDn)
        st = dn_arg(line, t[i], a.dialed, &arg_dn(s, a));
      else
        st = call_arg(line, t[i], &s.call);
      if (!st.is_ok()) return st;
      ++i;
    }
    if (shape.client_request) {
      ++client_requests_;
      s.reference_id = client_requests_;
      if (i < t.size() && t[i].text.substr(0, 4) == "ref=") {
        uint64_t v = 0;
        if (!parse_uint(t[i].text.substr(4), limits::kMaxReferenceId, false, &v) || v == 0) {
          return error(
              line, t[i].column + 4,
              "expected a ReferenceID from 1 to 2147483647, found " + quoted(t[i].text.substr(4)));
        }
        s.reference_id = static_cast<uint32_t>(v);
        ++i;
      }
    }
    if (i < t.size()) {
      return error(line, t[i].column,
                   "unexpected " + quoted(t[i].text) + ": usage '" + usage_of(*kind) + "'");
    }
    if (name) {
      if (!valid_call_name(name->text)) {
        return error(line, name->column,
                     std::string("expected a call name (") + kCallNameRule + "), found " +
                         quoted(name->text));
      }
      if (calls_.count(name->text)) {
        return error(line, name->column, "call " + std::string(name->text) + " is already defined");
      }
      auto& names = out_->session.config.call_names;
      if (names.size() >= limits::kMaxCalls) {
        return error(line, name->column,
                     "more than " + std::to_string(limits::kMaxCalls) + " calls in one scenario");
      }
      s.call = static_cast<CallId>(names.size());
      names.emplace_back(name->text);
      calls_.emplace(std::string(name->text), s.call);
    }
    out_->session.stimuli.push_back(s);
    out_->stimulus_lines.push_back(line);
    return Status::ok();
  }

  Status expect_statement(int line, const std::vector<Token>& t, int end_col) {
    if (out_->session.stimuli.empty()) {
      return error(line, t[0].column,
                   "'expect' lists the events of the stimulus before it; there is none yet");
    }
    Expectation x;
    x.stimulus = static_cast<uint32_t>(out_->session.stimuli.size() - 1);
    x.line = line;
    if (t.size() < 2)
      return error(line, end_col, "expected the DN that gets the event after 'expect'");
    Status st = dn_arg(line, t[1], false, &x.dn);
    if (!st.is_ok()) return st;
    if (t.size() < 3) return error(line, end_col, "expected an event name (EventRinging, ...)");
    auto type = parse_event_name(t[2].text);
    if (!type)
      return error(
          line, t[2].column,
          "expected an event name (EventDialing, EventRinging, ...), found " + quoted(t[2].text));
    x.type = *type;
    for (std::size_t i = 3; i < t.size(); ++i) {
      st = expect_attr(line, t[i], &x);
      if (!st.is_ok()) return st;
    }
    out_->expectations.push_back(x);
    return Status::ok();
  }

  Status expect_attr(int line, const Token& tok, Expectation* x) {
    std::size_t eq = tok.text.find('=');
    if (eq == std::string_view::npos) {
      return error(line, tok.column, "expected Attribute=value, found " + quoted(tok.text));
    }
    std::string_view key = tok.text.substr(0, eq), value = tok.text.substr(eq + 1);
    int vcol = tok.column + static_cast<int>(eq) + 1;
    auto attr = parse_attr_name(key);
    if (!attr) {
      return error(line, tok.column,
                   "unknown attribute " + quoted(key) +
                       ": expected ConnID, ThisDN, ThisDNRole, ThisQueue, OtherDN, OtherDNRole, "
                       "ThirdPartyDN, ThirdPartyDNRole, ThirdPartyQueue, CallState, ReferenceID "
                       "or ErrorCode");
    }
    auto bit = static_cast<uint16_t>(1u << static_cast<int>(*attr));
    if ((x->values.present | x->absent) & bit) {
      return error(line, tok.column, "attribute " + std::string(key) + " listed twice");
    }
    if (value == "-") {
      x->absent = static_cast<uint16_t>(x->absent | bit);
      return Status::ok();
    }
    Event& v = x->values;
    Token vt{value, vcol};
    Status st;
    uint64_t n = 0;
    switch (*attr) {
      case Attr::kConnId:
        if (auto c = parse_conn_id(value)) {
          v.conn_id = *c;
        } else {
          st = call_arg(line, vt, &x->conn_call);
        }
        break;
      case Attr::kThisDn:
        st = dn_arg(line, vt, false, &v.this_dn);
        break;
      case Attr::kThisQueue:
        st = dn_arg(line, vt, false, &v.this_queue);
        break;
      case Attr::kOtherDn:
        st = dn_arg(line, vt, false, &v.other_dn);
        break;
      case Attr::kThirdPartyDn:
        st = dn_arg(line, vt, false, &v.third_party_dn);
        break;
      case Attr::kThirdPartyQueue:
        st = dn_arg(line, vt, false, &v.third_party_queue);
        break;
      case Attr::kThisDnRole:
      case Attr::kOtherDnRole:
      case Attr::kThirdPartyDnRole: {
        auto role = parse_dn_role(value);
        if (!role)
          return error(
              line, vcol,
              "expected a DN role (Origination, Destination, ...), found " + quoted(value));
        (*attr == Attr::kThisDnRole    ? v.this_role
         : *attr == Attr::kOtherDnRole ? v.other_role
                                       : v.third_party_role) = *role;
        break;
      }
      case Attr::kCallState: {
        auto cs = parse_call_state(value);
        if (!cs)
          return error(line, vcol,
                       "expected a CallState (OK, Redirected, ...), found " + quoted(value));
        v.call_state = *cs;
        break;
      }
      case Attr::kReferenceId:
        if (!parse_uint(value, limits::kMaxReferenceId, false, &n) || n == 0) {
          return error(line, vcol,
                       "expected a ReferenceID from 1 to 2147483647, found " + quoted(value));
        }
        v.reference_id = static_cast<uint32_t>(n);
        break;
      case Attr::kErrorCode:
        if (!parse_uint(value, 65535, false, &n)) {
          return error(line, vcol, "expected an error code (a number), found " + quoted(value));
        }
        x->error_code = static_cast<int>(n);
        break;
    }
    if (!st.is_ok()) return st;
    v.set(*attr);
    return Status::ok();
  }

  std::string_view file_;
  Scenario* out_;
  uint32_t client_requests_ = 0;
  int seed_line_ = 0;                                     // the line of the seed statement
  std::map<std::string, int, std::less<>> option_lines_;  // option name -> its line
  std::map<std::string, DnId, std::less<>> dn_index_;
  std::map<std::string, CallId, std::less<>> calls_;
};

}  // namespace

Status parse_scenario(std::string_view text, std::string_view file, Scenario* out) {
  Parser p(file, out);
  Status st = p.parse(text);
  if (!st.is_ok()) *out = Scenario{};
  return st;
}

Status load_scenario(const std::string& path, Scenario* out) {
  if (path.empty()) return Status::invalid("a scenario file name is empty");
  struct stat st;
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    return Status::invalid(path + ": is a directory, not a scenario file");
  }
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return Status::not_found(path + ": cannot open: " + std::strerror(errno));
  std::string text;
  char buf[65536];
  std::size_t n;
  bool too_big = false;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) {
    text.append(buf, n);
    if (text.size() > limits::kMaxScenarioBytes) {
      too_big = true;
      break;
    }
  }
  int read_errno = errno;
  bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) return Status::io(path + ": read error: " + std::strerror(read_errno));
  if (too_big) {
    return Status::invalid(path + ": file is larger than " +
                           std::to_string(limits::kMaxScenarioBytes) + " bytes");
  }
  return parse_scenario(text, path, out);
}

}  // namespace callbench
