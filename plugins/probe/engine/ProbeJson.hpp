// The JSON, text and Graphviz forms of the probe's results — what the admin
// commands answer, the service hands over and `ratatoskr probe` prints.
//
// crawl: {"root","max_depth","concurrency","max_nodes","truncated","error",
//         "elapsed_ms","remote_calls","levels":[{"depth","found","total","truncated"}],
//         "nodes":[{"key","parent","depth","rtt_ms","queried","unreachable","peers"}]}
// trace: {"self","target","lookup_sent","rtt_ms"|null,"error","elapsed_ms",
//         "path":[{"key","rtt_ms"|null,"unreachable"}],
//         "hops":[{"index","port","from"|null,"to"|null,"local_peer"|null,"rtt_ms"|null}]}
// path:  {"key","path":["<root>",…,"<key>"]}
// Keys are 64 lowercase hex digits; rtt_ms has microsecond precision.
//
// The *FromJson readers take what a host answered (outside input for the
// command line): every field is checked, and a wrong one throws
// rtk::Error(Protocol) naming it.
#pragma once

#include <string>
#include <vector>

#include "ProbeTypes.hpp"
#include "ratatoskr/json.hpp"

namespace rtk::probe {

json::Value toJson(const CrawlResult& r);
json::Value toJson(const TraceResult& r);
json::Value pathToJson(const PublicKey& key, const std::vector<PublicKey>& path);

CrawlResult crawlFromJson(const json::Value& v);
TraceResult traceFromJson(const json::Value& v);

// Human forms: the crawl as an indented tree, the trace as one line per hop.
std::string formatText(const CrawlResult& r);
std::string formatText(const TraceResult& r);
std::string formatPathText(const json::Value& pathJson);
// A Graphviz digraph of the crawl: one node per key (the root double-circled,
// unreachable nodes dashed red), an edge from each node's parent, labelled
// with the key's first 16 hex digits and the RTT.
std::string toDot(const CrawlResult& r);

}  // namespace rtk::probe
