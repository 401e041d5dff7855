// The seed corpus (seeds.h).
#include "fuzz/seeds.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <vector>

#include "core/scenario.h"
#include "fuzz/program.h"

namespace callbench {

Status write_seed_corpus(const std::string& flows_dir, const std::string& out_dir,
                         std::size_t* written) {
  namespace fs = std::filesystem;
  *written = 0;
  std::error_code ec;
  std::vector<fs::path> flows;
  for (fs::directory_iterator it(flows_dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".scn") flows.push_back(it->path());
  }
  if (ec) return Status::not_found(flows_dir + ": cannot list: " + ec.message());
  std::sort(flows.begin(), flows.end());
  fs::create_directories(out_dir, ec);
  if (ec) return Status::io(out_dir + ": cannot create: " + ec.message());
  std::vector<uint8_t> bytes;
  for (const fs::path& flow : flows) {
    Scenario sc;
    Status st = load_scenario(flow.string(), &sc);
    if (!st.is_ok()) return st;
    encode_program(normalize_program(sc.session), &bytes);
    std::string out = (fs::path(out_dir) / flow.stem()).string();
    std::FILE* f = std::fopen(out.c_str(), "wb");
    if (!f) return Status::io(out + ": cannot create");
    bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
    ok = std::fclose(f) == 0 && ok;
    if (!ok) return Status::io(out + ": write error");
    ++*written;
  }
  return Status::ok();
}

}  // namespace callbench
