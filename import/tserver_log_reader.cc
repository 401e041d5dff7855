// The T-Server / SIP Server log reader (import/tserver_log.h): one pass over the
// lines, a small state machine (outside a message, in a message, in a backup copy).
// Speed (bench/import_bench.cc: about 1.2 s for a million events): a scan of the
// whole text in 64-byte blocks finds the lines that need the byte-by-byte checks (NUL,
// control characters, no-break spaces), so the others skip them; lines are split by
// memchr and read as string_views; a value is copied once, into its LogValue; the
// open message's attributes live in a buffer kept from message to message.
#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <memory>

#include "core/names.h"
#include "import/tserver_log.h"

namespace callbench {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t'; }
// Letters, digits and '_', by table.
constexpr std::array<bool, 256> kIdent = [] {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c)
    t[static_cast<std::size_t>(c)] =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  return t;
}();
bool is_ident(char c) { return kIdent[static_cast<unsigned char>(c)]; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string_view trim(std::string_view s) {
  std::size_t a = 0;
  while (a < s.size() && is_space(s[a])) ++a;
  std::size_t b = s.size();
  while (b > a && is_space(s[b - 1])) --b;
  return s.substr(a, b - a);
}

// Leading white space, TABs counting as 8.
std::size_t indent_of(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) {
    if (c == ' ')
      ++n;
    else if (c == '\t')
      n += 8;
    else
      break;
  }
  return n;
}

// "HH:MM:SS" plus an optional fraction at s; its length, and seconds of the day.
std::size_t clock_at(std::string_view s, int* seconds) {
  if (s.size() < 8 || !is_digit(s[0]) || !is_digit(s[1]) || s[2] != ':' || !is_digit(s[3]) ||
      !is_digit(s[4]) || s[5] != ':' || !is_digit(s[6]) || !is_digit(s[7])) {
    return 0;
  }
  int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0'),
      sec = (s[6] - '0') * 10 + (s[7] - '0');
  if (h > 23 || m > 59 || sec > 60) return 0;
  std::size_t n = 8;
  if (n < s.size() && (s[n] == '.' || s[n] == ',') && n + 1 < s.size() && is_digit(s[n + 1])) {
    ++n;
    while (n < s.size() && is_digit(s[n]) && n < 15) ++n;
  }
  *seconds = h * 3600 + m * 60 + sec;
  return n;
}

// "YYYY-MM-DD" at s.
bool date_at(std::string_view s) {
  return s.size() >= 10 && is_digit(s[0]) && is_digit(s[1]) && is_digit(s[2]) && is_digit(s[3]) &&
         s[4] == '-' && is_digit(s[5]) && is_digit(s[6]) && s[7] == '-' && is_digit(s[8]) &&
         is_digit(s[9]);
}

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// The day after "YYYY-MM-DD".
std::string next_day(const std::string& d) {
  int y = std::atoi(d.substr(0, 4).c_str()), m = std::atoi(d.substr(5, 2).c_str()),
      day = std::atoi(d.substr(8, 2).c_str());
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int last = (m >= 1 && m <= 12) ? kDays[m - 1] + (m == 2 && leap(y) ? 1 : 0) : 31;
  if (++day > last) {
    day = 1;
    if (++m > 12) {
      m = 1;
      ++y;
    }
  }
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y % 10000, m % 100, day % 100);
  return buf;
}

// The first word of a message name at s: Event... or Request..., optionally in quotes.
std::string_view message_name(std::string_view s) {
  if (!s.empty() && (s[0] == '"' || s[0] == '\'')) s.remove_prefix(1);
  std::size_t n = 0;
  while (n < s.size() && is_ident(s[n])) ++n;
  std::string_view name = s.substr(0, n);
  if (name.size() > 5 && name.substr(0, 5) == "Event") return name;
  if (name.size() > 7 && name.substr(0, 7) == "Request") return name;
  return {};
}

// Platform SDK: the message number after its quoted name, "('87')".
bool psdk_number(std::string_view t) {
  if (t.size() < 5 || t.substr(0, 2) != "('" || t.substr(t.size() - 2) != "')") return false;
  for (std::size_t i = 2; i + 2 < t.size(); ++i) {
    if (!is_digit(t[i])) return false;
  }
  return true;
}

// Where "message NAME" is in the line (case-insensitive "message "), or npos.
std::size_t find_message(std::string_view s, std::string_view* name) {
  for (std::size_t p = s.size(); p-- > 0;) {
    if (p + 8 > s.size()) continue;
    if ((s[p] == 'm' || s[p] == 'M') && s.substr(p + 1, 7) == "essage " &&
        (p == 0 || is_space(s[p - 1]) || s[p - 1] == ':')) {
      std::string_view rest = trim(s.substr(p + 8));
      std::string_view n = message_name(rest);
      // The name ends the line, or "received from ..." follows it (client-side forms);
      // anything else ("message RequestX in 'proxy1'", "RequestInvoke(100)") is prose.
      std::size_t after = static_cast<std::size_t>(n.data() - rest.data()) + n.size();
      if (after < rest.size() && (rest[after] == '"' || rest[after] == '\'')) ++after;
      std::string_view tail = trim(rest.substr(std::min(after, rest.size())));
      if (!n.empty() &&
          (tail.empty() || tail.substr(0, 13) == "received from" || psdk_number(tail))) {
        *name = n;
        return p;
      }
    }
  }
  return std::string_view::npos;
}

class LogReader {
 public:
  LogReader(const std::string& path, LogFile* out) : out_(out) {
    out_->path = path;
    // The date a file name carries: ..._YYYYMMDD_HHMMSS.log
    std::string base =
        path.substr(path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/') + 1);
    for (std::size_t p = 0; p + 16 <= base.size(); ++p) {
      if (base[p] != '_' || base[p + 9] != '_') continue;
      bool ok = true;
      for (std::size_t i = 1; i <= 8 && ok; ++i) ok = is_digit(base[p + i]);
      for (std::size_t i = 10; i <= 15 && ok; ++i) ok = is_digit(base[p + i]);
      if (ok) {
        out_->date =
            base.substr(p + 1, 4) + "-" + base.substr(p + 5, 2) + "-" + base.substr(p + 7, 2);
        break;
      }
    }
  }

  // One line (without its LF). `plain`: the caller has checked that it holds no byte
  // special_bytes() reports (no NUL, no control character, no no-break space), so those
  // checks are skipped; without it the line is checked byte by byte.
  Status line(std::string_view raw, uint32_t number, bool plain);
  void finish(bool ended_with_newline);

 private:
  // Counts a line as unreadable: the current one, or (this_line false) an earlier one
  // that was counted as a message line.
  void unreadable(uint32_t number, const std::string& why, std::string_view text,
                  bool this_line = true) {
    if (this_line)
      counted_ = true;
    else
      --out_->message_lines;
    ++out_->unreadable;
    if (out_->samples.size() < kMaxLogSamples) {
      std::string shown(text.substr(0, 60));
      out_->samples.push_back({number, why + (shown.empty() ? "" : ": " + printable(shown, 80))});
    }
  }
  void close_message() {
    if (in_message_) {
      // Its attributes, read into a buffer kept from message to message, move into
      // a vector of their exact size.
      current_.attrs.assign(std::make_move_iterator(attrs_.begin()),
                            std::make_move_iterator(attrs_.end()));
      out_->messages.push_back(std::move(current_));
    }
    attrs_.clear();
    current_ = LogMessage();
    in_message_ = false;
    in_backup_ = false;
    nested_.clear();
  }
  Status read_line(std::string_view raw, uint32_t number);
  std::string stamp(std::string_view header);
  bool header_line(std::string_view t);
  bool attribute_line(std::string_view t, std::size_t indent, uint32_t number);
  bool pair_line(std::string_view t, std::size_t indent, uint32_t number);

  LogFile* out_;
  LogMessage current_;
  bool in_message_ = false;
  bool in_backup_ = false;
  bool pending_backup_ = false;   // a [BSYNC] line whose `message` line follows
  bool pending_request_ = false;  // a "Trc 04541 RequestX received from" line
  std::string pending_time_;
  uint32_t pending_line_ = 0;
  bool seen_message_ = false;
  int last_seconds_ = -1;
  std::vector<LogValue> attrs_;  // the open message's attributes (current_.attrs when closed)

 public:
  bool counted_ = false;  // the current line was counted in a category other than message lines
 private:
  // The open nested values: (indent of the line that opened it, the value).
  std::vector<std::pair<std::size_t, LogValue*>> nested_;
};

// The time a header line starts with, dated: "2015-05-29T12:21:16.438".
std::string LogReader::stamp(std::string_view h) {
  if (!h.empty() && h[0] == '@') h.remove_prefix(1);
  int seconds = 0;
  if (date_at(h) && h.size() > 11 && (h[10] == 'T' || h[10] == ' ')) {
    std::size_t n = clock_at(h.substr(11), &seconds);
    if (n == 0) return {};
    out_->date = std::string(h.substr(0, 10));
    last_seconds_ = seconds;
    std::string t(h.substr(0, 11 + n));
    t[10] = 'T';
    if (t.size() > 19 && t[19] == ',') t[19] = '.';
    return t;
  }
  std::size_t n = clock_at(h, &seconds);
  if (n == 0) return {};
  // Midnight: a time well before the previous one is on the next day.
  if (last_seconds_ >= 0 && seconds + 12 * 3600 < last_seconds_ && !out_->date.empty())
    out_->date = next_day(out_->date);
  last_seconds_ = seconds;
  std::string t;
  t.reserve(out_->date.size() + 1 + n);
  if (!out_->date.empty()) {
    t += out_->date;
    t += 'T';
  }
  const std::size_t clock_at_t = t.size();
  t.append(h.data(), n);
  if (n > 8 && t[clock_at_t + 8] == ',') t[clock_at_t + 8] = '.';
  return t;
}

// The file's header lines: "Application name:\tSIPS_B", "Local time:\t2015-...".
bool LogReader::header_line(std::string_view t) {
  std::size_t colon = t.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 40) return false;
  if (!(t[0] >= 'A' && t[0] <= 'Z')) return false;
  for (std::size_t i = 0; i < colon; ++i) {
    char c = t[i];
    if (!(is_ident(c) || c == ' ' || c == '(' || c == ')' || c == '/' || c == '-')) return false;
  }
  if (colon + 1 < t.size() && !is_space(t[colon + 1])) return false;
  std::string_view key = t.substr(0, colon);
  std::string_view value = trim(t.substr(colon + 1));
  if (key == "Application name") out_->application = std::string(value);
  if (key == "Host name") out_->host = std::string(value);
  if (date_at(value) && (out_->date.empty() || key == "Local time")) {
    out_->date = std::string(value.substr(0, 10));
    int seconds = 0;
    if (value.size() > 11 && clock_at(value.substr(11), &seconds)) last_seconds_ = seconds;
  }
  ++out_->header_lines;
  counted_ = true;
  return true;
}

// A value's text after its name: 'quoted', [N] hex.. (nested), or bare.
void parse_value(std::string_view v, LogValue* out) {
  v = trim(v);
  // Platform SDK: "Name [type] = value".
  if (!v.empty() && v[0] == '[' && v.find("] =") != std::string_view::npos && v.find("] =") < 16)
    v = trim(v.substr(v.find("] =") + 1));
  if (!v.empty() && v[0] == '=') v = trim(v.substr(1));
  if (v.substr(0, 7) == "KVList:") {
    out->nested = true;
    out->value.assign(v);
    return;
  }
  if (v.size() >= 2 && ((v[0] == '\'' && v.back() == '\'') || (v[0] == '"' && v.back() == '"'))) {
    out->value.assign(v.data() + 1, v.size() - 2);
    out->quoted = true;
  } else if (!v.empty() && v[0] == '[') {
    out->nested = true;  // [149] 00 01 03 00..
    out->value.assign(v);
  } else if (v == "(list)") {
    out->nested = true;
  } else {
    out->value.assign(v);
  }
}

bool LogReader::attribute_line(std::string_view t, std::size_t indent, uint32_t number) {
  if (t.size() <= 9 || t.substr(0, 9) != "Attribute" || !is_ident(t[9])) return false;
  std::size_t n = 9;
  while (n < t.size() && is_ident(t[n])) ++n;
  if (n < t.size() && !is_space(t[n])) return false;
  std::string_view rest = trim(t.substr(n));
  if (!rest.empty() && rest[0] == '[' && rest.find("] =") != std::string_view::npos &&
      rest.find("] =") < 16) {
    rest = rest.substr(rest.find("] =") + 1);  // Platform SDK: "[str] = value"
  }
  // Built in place (the line is read whole from here on).
  nested_.clear();
  LogValue& v = attrs_.emplace_back();
  v.name.assign(t.data() + 9, n - 9);
  parse_value(rest, &v);
  if (v.nested) nested_.emplace_back(indent, &v);
  (void)number;
  return true;
}

// A nested pair: 'key' value, 'key'(list) [pair...], or 'key' [N] ...
bool LogReader::pair_line(std::string_view t, std::size_t indent, uint32_t number) {
  if (nested_.empty() || t.empty() || t[0] != '\'') return false;
  std::size_t close = t.find('\'', 1);
  if (close == std::string_view::npos) return false;
  LogValue v;
  v.name = std::string(t.substr(1, close - 1));
  std::string_view rest = t.substr(close + 1);
  std::string_view first_pair;
  if (rest.substr(0, 6) == "(list)") {
    v.nested = true;
    first_pair = trim(rest.substr(6));
  } else {
    parse_value(rest, &v);
  }
  // The parent: the innermost open value opened at a lower indent (lines that lost
  // their indentation go to the outermost).
  while (nested_.size() > 1 && nested_.back().first >= indent) nested_.pop_back();
  if (nested_.size() >= kMaxLogNesting) {
    unreadable(number, "nested more than " + std::to_string(kMaxLogNesting) + " levels", t);
    return true;
  }
  LogValue* parent = nested_.back().second;
  parent->list.push_back(std::move(v));
  LogValue* added = &parent->list.back();
  if (added->nested) {
    nested_.emplace_back(indent, added);
    if (!first_pair.empty()) {
      if (first_pair[0] == '\'') return pair_line(first_pair, indent + 1, number);
      unreadable(number, "a list's first pair is not 'key' value", first_pair);
    }
  }
  return true;
}

Status LogReader::line(std::string_view raw, uint32_t number, bool plain) {
  if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
  if (raw.size() > kMaxLogLineLength) {
    return Status::invalid(out_->path + ":" + std::to_string(number) + ": line longer than " +
                           std::to_string(kMaxLogLineLength) + " bytes");
  }
  if (plain) return read_line(raw, number);
  if (std::size_t nul = raw.find('\0'); nul != std::string_view::npos) {
    return Status::invalid(out_->path + ":" + std::to_string(number) + ": a NUL byte at column " +
                           std::to_string(nul + 1) + " (not a text log)");
  }
  // No-break spaces (a copy through a web page) are spaces.
  std::string spaced;
  if (raw.find("\xC2\xA0") != std::string_view::npos) {
    spaced.reserve(raw.size());
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '\xC2' && i + 1 < raw.size() && raw[i + 1] == '\xA0') {
        spaced += ' ';
        ++i;
      } else {
        spaced += raw[i];
      }
    }
    raw = spaced;
  }
  std::string_view t = trim(raw);
  if (t.empty()) {
    counted_ = true;
    ++out_->blank_lines;
    return Status::ok();
  }
  for (char c : t) {
    if (static_cast<unsigned char>(c) < 0x20 && c != '\t') {
      close_message();
      unreadable(number, "a control character (not a text line)", {});
      return Status::ok();
    }
  }
  return read_line(raw, number);
}

// A line past the byte checks: no NUL, no control character, no no-break space.
Status LogReader::read_line(std::string_view raw, uint32_t number) {
  std::string_view t = trim(raw);
  std::size_t indent = indent_of(raw);
  if (t.empty()) {
    counted_ = true;
    ++out_->blank_lines;
    return Status::ok();
  }
  // A message's own lines.
  if (in_message_ || in_backup_) {
    if (t.substr(0, 9) == "Attribute") {
      if (in_backup_) {
        counted_ = true;
        ++out_->backup_lines;
        return Status::ok();
      }
      if (attribute_line(t, indent, number)) return Status::ok();
    }
    if (t[0] == '\'') {
      if (in_backup_) {
        counted_ = true;
        ++out_->backup_lines;
        return Status::ok();
      }
      if (pair_line(t, indent, number)) return Status::ok();
    }
    if (in_message_ && t.find(" = ") != std::string_view::npos && is_ident(t[0])) {
      // Platform SDK: "Time = ComplexClass(TimeStamp):"
      std::size_t eq = t.find(" = ");
      std::string_view key = trim(t.substr(0, eq));
      bool ident = !key.empty();
      for (char c : key) ident = ident && is_ident(c);
      if (ident) {
        LogValue v;
        v.name = std::string(key);
        parse_value(t.substr(eq + 3), &v);
        attrs_.push_back(std::move(v));
        nested_.clear();
        return Status::ok();
      }
    }
    if (t.substr(0, 6) == "(text)" && indent > 0) {
      if (in_backup_) {
        counted_ = true;
        ++out_->backup_lines;
        return Status::ok();
      }
      LogValue v;
      v.name = "text";
      v.value = std::string(trim(t.substr(6)));
      if (v.value.size() >= 2 && v.value[0] == '\'' && v.value.back() == '\'') {
        v.value = v.value.substr(1, v.value.size() - 2);
        v.quoted = true;
      }
      attrs_.push_back(std::move(v));
      nested_.clear();
      return Status::ok();
    }
  }
  // A message header.
  std::string_view name;
  std::size_t at = find_message(t, &name);
  if (at == std::string_view::npos && t[0] == '\'') {
    // Platform SDK: 'RequestAttachUserData' ('30') on a line of its own.
    std::string_view n = message_name(t);
    std::size_t after = std::min(n.size() + 2, t.size());
    if (!n.empty() && psdk_number(trim(t.substr(after)))) {
      name = n;
      at = 0;
    }
  }
  if (in_message_ && t == "message attributes:")
    return Status::ok();  // Platform SDK's header continued
  if (at != std::string_view::npos) {
    close_message();
    seen_message_ = true;
    if (pending_request_ && at != 0) {
      pending_request_ = false;
      unreadable(pending_line_, "a request header without its 'message' line", {}, false);
    }
    std::string_view prefix = t.substr(0, at);
    if (pending_backup_ && at == 0) {
      pending_backup_ = false;
      in_backup_ = true;
      ++out_->backup_copies;
      ++out_->backup_lines;
      counted_ = true;
      return Status::ok();
    }
    if (prefix.find("[BSYNC]") != std::string_view::npos) {
      pending_backup_ = false;
      in_backup_ = true;
      ++out_->backup_copies;
      ++out_->backup_lines;
      counted_ = true;
      return Status::ok();
    }
    pending_backup_ = false;
    in_message_ = true;
    current_.name = std::string(name);
    current_.line = number;
    current_.kind = name.substr(0, 7) == "Request" ? LogMessage::Kind::kRequest
                    : prefix.find("send_to_client") != std::string_view::npos
                        ? LogMessage::Kind::kReply
                        : LogMessage::Kind::kEvent;
    if (at == 0 && pending_request_) {
      current_.time = std::move(pending_time_);  // assigned again before its next use
      current_.line = pending_line_;
    } else {
      current_.time = stamp(prefix);
    }
    pending_request_ = false;
    return Status::ok();
  }
  close_message();
  // A request header whose `message` line did not follow: reported. (A backup header's
  // line stays counted with the backup lines.)
  if (pending_request_)
    unreadable(pending_line_, "a request header without its 'message' line", {}, false);
  pending_request_ = false;
  pending_backup_ = false;
  // A header whose `message` line follows: a request received, or a backup copy.
  if (t.find("[BSYNC]") != std::string_view::npos) {
    pending_backup_ = true;
    pending_line_ = number;
    ++out_->backup_lines;
    counted_ = true;
    return Status::ok();
  }
  if (std::size_t r = t.find(" received from"); r != std::string_view::npos) {
    std::size_t start = t.rfind(' ', r - 1);
    std::string_view req = message_name(t.substr(start == std::string_view::npos ? 0 : start + 1));
    if (!req.empty() && req.substr(0, 7) == "Request") {
      pending_request_ = true;
      pending_time_ = stamp(t);
      pending_line_ = number;
      return Status::ok();
    }
  }
  if (raw[0] == '#') {
    counted_ = true;
    ++out_->comment_lines;
    return Status::ok();
  }
  if (header_line(t)) return Status::ok();
  unreadable(number, seen_message_ ? "not a message line" : "not a log header or message line", t);
  return Status::ok();
}

void LogReader::finish(bool ended_with_newline) {
  if (pending_request_)
    unreadable(pending_line_, "a request header without its 'message' line", {}, false);
  if (in_message_ && !ended_with_newline) {
    // Half-written: reported, not guessed.
    out_->truncated = true;
    out_->truncated_line = current_.line;
    out_->truncated_message = current_.name;
    in_message_ = false;
  }
  close_message();
}

// Where the text has a byte a line must be checked for byte by byte: a control
// character other than TAB and LF (a CR only when it does not end its line, or the
// text), or 0xC2 (the first byte of a no-break space, and of other characters).
// Blocks of 64 bytes are tested at once; one that has such a byte is looked at again.
std::vector<std::size_t> special_bytes(std::string_view text) {
  std::vector<std::size_t> out;
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  auto exact = [&](std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; ++i) {
      unsigned char c = p[i];
      bool ends_line = c == '\r' && (i + 1 == n || p[i + 1] == '\n');
      if (c == 0xC2 || (c < 0x20 && c != '\t' && c != '\n' && !ends_line)) out.push_back(i);
    }
  };
  constexpr std::size_t kBlock = 64;
  std::size_t i = 0;
  for (; i + kBlock < n; i += kBlock) {  // p[i + kBlock] exists: the last byte's next
    // In byte lanes (the compiler vectorizes it): a control byte, unless TAB, LF or CR
    // before LF; or 0xC2.
    uint8_t any = 0;
    for (std::size_t k = 0; k < kBlock; ++k) {
      const uint8_t c = p[i + k], next = p[i + k + 1];
      const auto control =
          static_cast<uint8_t>(static_cast<uint8_t>(c < 0x20) & static_cast<uint8_t>(c != '\t') &
                               static_cast<uint8_t>(c != '\n'));
      const auto crlf = static_cast<uint8_t>(static_cast<uint8_t>(c == '\r') &
                                             static_cast<uint8_t>(next == '\n'));
      any = static_cast<uint8_t>(any | (control & ~crlf) | static_cast<uint8_t>(c == 0xC2));
    }
    if (any) exact(i, i + kBlock);
  }
  exact(i, n);
  return out;
}

}  // namespace

const LogValue* LogMessage::find(std::string_view attr) const {
  for (const LogValue& v : attrs) {
    if (v.name == attr) return &v;
  }
  return nullptr;
}

bool looks_like_jsonl(std::string_view text) {
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    return c == '{';
  }
  return false;
}

Status read_tserver_log_text(std::string_view text, const std::string& path, LogFile* out) {
  *out = LogFile();
  LogReader reader(path, out);
  // Room for the messages: a message with its attributes takes some hundred bytes.
  out->messages.reserve(text.size() / 256 + 16);
  // Lines holding a byte that needs a closer look (rare in a log): by their positions.
  const std::vector<std::size_t> special = special_bytes(text);
  std::size_t next_special = 0;
  uint32_t number = 0;
  std::size_t start = 0;
  bool ended_with_newline = true;
  while (start < text.size()) {
    const void* found = std::memchr(text.data() + start, '\n', text.size() - start);
    std::size_t nl = found ? static_cast<std::size_t>(static_cast<const char*>(found) - text.data())
                           : std::string_view::npos;
    bool last = nl == std::string_view::npos;
    std::size_t end = last ? text.size() : nl;
    std::string_view piece = text.substr(start, end - start);
    if (number == UINT32_MAX) return Status::invalid(path + ": more than 2^32 - 1 lines");
    ++number;
    reader.counted_ = false;
    bool plain = next_special == special.size() || special[next_special] >= end;
    while (next_special < special.size() && special[next_special] < end) ++next_special;
    Status s = reader.line(piece, number, plain);
    if (!s.is_ok()) return s;
    if (!reader.counted_) ++out->message_lines;
    if (last) {
      ended_with_newline = piece.empty();
      break;
    }
    start = nl + 1;
  }
  out->lines = number;
  reader.finish(ended_with_newline);
  return Status::ok();
}

Status read_file_bytes(const std::string& path, std::string* out) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return Status::io(path + ": cannot open: " + std::strerror(errno));
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> owned(f, &std::fclose);
  out->clear();
  std::vector<char> buf(1 << 20);
  while (true) {
    std::size_t n = std::fread(buf.data(), 1, buf.size(), f);
    if (n == 0) {
      if (std::ferror(f)) return Status::io(path + ": read failed: " + std::strerror(errno));
      break;
    }
    out->append(buf.data(), n);
  }
  return Status::ok();
}

}  // namespace callbench
