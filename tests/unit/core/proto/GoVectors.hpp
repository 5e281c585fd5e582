// Reads data/go_json_vectors.tsv: reference output of Go's encoding/json.
#pragma once

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace rtk::test {

inline std::string unhex(const std::string& h) {
  std::string out;
  for (std::size_t i = 0; i + 1 < h.size(); i += 2) out.push_back(static_cast<char>(std::stoi(h.substr(i, 2), nullptr, 16)));
  return out;
}

// Each non-comment line split on tabs.
inline std::vector<std::vector<std::string>> goJsonVectors() {
  std::ifstream in(RTK_PROTO_TEST_DATA "/go_json_vectors.tsv");
  std::vector<std::vector<std::string>> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> fields;
    std::stringstream ss(line);
    std::string f;
    while (std::getline(ss, f, '\t')) fields.push_back(f);
    if (line.back() == '\t') fields.emplace_back();
    rows.push_back(fields);
  }
  return rows;
}

}  // namespace rtk::test
