#include "core/names.h"

#include <cstdio>

#include "core/limits.h"

namespace callbench {
namespace {

bool ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool ascii_digit(char c) { return c >= '0' && c <= '9'; }

// The length of the UTF-8 sequence starting at s[i] that encodes a character that is
// not a control character (C1: U+0080..U+009F), or 0.
std::size_t printable_utf8_at(std::string_view s, std::size_t i) {
  auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  if (c >= 0x20 && c < 0x7f) return 1;
  std::size_t n = c >= 0xc2 && c <= 0xdf   ? 2
                  : c >= 0xe0 && c <= 0xef ? 3
                  : c >= 0xf0 && c <= 0xf4 ? 4
                                           : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xc0) != 0x80) return 0;
  }
  if (c == 0xc2 && b(i + 1) < 0xa0) return 0;   // C1 controls
  if (c == 0xe0 && b(i + 1) < 0xa0) return 0;   // overlong
  if (c == 0xed && b(i + 1) >= 0xa0) return 0;  // surrogates
  if (c == 0xf0 && b(i + 1) < 0x90) return 0;   // overlong
  if (c == 0xf4 && b(i + 1) >= 0x90) return 0;  // past U+10FFFF
  return n;
}

}  // namespace

bool valid_dn_name(std::string_view s) {
  if (s.empty() || s.size() > limits::kMaxNameLength) return false;
  for (char c : s) {
    bool ok = ascii_digit(c) || ascii_letter(c) || c == '_' || c == '+' || c == '*' || c == '.' ||
              c == '-';
    if (!ok) return false;
  }
  return true;
}

bool valid_call_name(std::string_view s) {
  if (s.empty() || s.size() > limits::kMaxNameLength) return false;
  if (!ascii_letter(s[0]) && s[0] != '_') return false;
  for (char c : s) {
    if (!ascii_digit(c) && !ascii_letter(c) && c != '_') return false;
  }
  return s != "dn" && s != "option" && s != "seed" && s != "expect";
}

bool valid_label(std::string_view s) {
  if (s.empty() || s.size() > kMaxLabelLength) return false;
  for (std::size_t i = 0; i < s.size();) {
    std::size_t n = printable_utf8_at(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

namespace {
std::string escaped(std::string_view s, std::size_t max, bool backslash) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    if (out.size() >= max) return out + "...";
    std::size_t n = printable_utf8_at(s, i);
    char c = s[i];
    if (n > 0 && (c != '\\' || !backslash)) {
      out.append(s.substr(i, n));
      i += n;
      continue;
    }
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default: {
        char hex[8];
        std::snprintf(hex, sizeof hex, "\\x%02x", static_cast<unsigned char>(c));
        out += hex;
      }
    }
    ++i;
  }
  return out;
}
}  // namespace

std::string printable(std::string_view s, std::size_t max) { return escaped(s, max, true); }

std::string printable_message(std::string_view s) { return escaped(s, std::string::npos, false); }

}  // namespace callbench
