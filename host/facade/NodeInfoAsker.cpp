// rtk::NodeInfoAsker — the ninfo plugin's engine (plugins/ninfo/engine)
// inside libratatoskr, over the application's own node: the same targets,
// flights, limits and reading as the plugin, without a host or a service
// table. See sdk/include/ratatoskr/ninfo.hpp.
#include <future>

#include "ninfo/Asker.hpp"
#include "ninfo/BuiltinSigilCatalog.hpp"
#include "ratatoskr/ninfo.hpp"

namespace rtk {

struct NodeInfoAsker::Impl {
  Impl(NodeInterface& node, const ninfo::AskOptions& options, const Log& log)
      : upstream(node, node, log), catalog(options.parsers), asker(upstream, catalog, options, log) {}
  ninfo::NodeUpstream upstream;
  ninfo::BuiltinSigilCatalog catalog;
  ninfo::Asker asker;  // last: stopped first
};

NodeInfoAsker::NodeInfoAsker(NodeInterface& node, ninfo::AskOptions options, Log log)
    : impl_(std::make_unique<Impl>(node, options, log)) {}

NodeInfoAsker::~NodeInfoAsker() { close(); }

ninfo::AskResult NodeInfoAsker::ask(std::string_view target, std::chrono::milliseconds timeout) {
  if (impl_->asker.onAskerThread()) {
    throw Error(Errc::InvalidArgument, "ninfo: ask() waits for its answer; from inside a callback use askAsync()");
  }
  auto promise = std::make_shared<std::promise<Outcome<ninfo::AskResult>>>();
  auto future = promise->get_future();
  impl_->asker.ask(target, timeout, [promise](Outcome<ninfo::AskResult> r) { promise->set_value(std::move(r)); });
  auto outcome = future.get();
  if (!outcome.ok()) throw *outcome.error;
  return std::move(outcome.value);
}

std::uint64_t NodeInfoAsker::askAsync(std::string_view target, std::chrono::milliseconds timeout, Callback done) {
  return impl_->asker.ask(target, timeout, std::move(done));
}

void NodeInfoAsker::cancel(std::uint64_t id) { impl_->asker.cancel(id); }

void NodeInfoAsker::close() { impl_->asker.close(); }

}  // namespace rtk
