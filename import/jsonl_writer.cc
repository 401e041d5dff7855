// The session line of a JSON-lines stream (import/jsonl.h).
#include <nlohmann/json.hpp>

#include "import/jsonl.h"

namespace callbench {

std::string session_json_line(const SessionConfig& config, std::string_view label) {
  using json = nlohmann::ordered_json;  // keys in the order written: seed, label, dns, options
  json dns = json::array();
  for (const Dn& dn : config.topology.dns) {
    json d = json::object();
    d["dn"] = dn.name;
    d["kind"] = dn_kind_name(dn.kind);
    dns.push_back(std::move(d));
  }
  json options = json::object();
  for (int i = 0; i < kProfileOptionCount; ++i) {
    const ProfileOption& o = profile_options()[i];
    options[o.name] = o.values[profile_option_value(config.profile, i)];
  }
  json session = json::object();
  session["seed"] = config.seed;
  session["label"] = std::string(label);
  session["dns"] = std::move(dns);
  session["options"] = std::move(options);
  json line = json::object();
  line["session"] = std::move(session);
  // A label is any text: bytes that are not UTF-8 print as U+FFFD rather than throw.
  return line.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace callbench
