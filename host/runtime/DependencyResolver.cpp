#include "runtime/DependencyResolver.hpp"

#include <algorithm>
#include <functional>
#include <set>

namespace rtk::host {
namespace {

std::string inQuotes(const std::string& s) { return "\"" + s + "\""; }

std::string nameList(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i) out += ", ";
    out += inQuotes(names[i]);
  }
  return out;
}

}  // namespace

DependencyResolution DependencyResolver::resolve(const std::vector<DependencyNode>& nodes,
                                                 const std::map<std::string, std::string>& hostServices,
                                                 const std::map<std::string, std::vector<std::string>>& dormantProviders) {
  DependencyResolution result;
  const std::size_t n = nodes.size();
  std::vector<bool> alive(n, true);
  for (std::size_t i = 0; i < n; ++i) alive[i] = !nodes[i].refused;

  // id → indices of enabled providers, in input order.
  std::map<std::string, std::vector<std::size_t>> providers;
  for (std::size_t i = 0; i < n; ++i)
    for (const auto& id : nodes[i].provides) {
      auto& list = providers[id];
      if (std::find(list.begin(), list.end(), i) == list.end()) list.push_back(i);
    }

  auto refuse = [&](std::size_t i, std::string reason) {
    alive[i] = false;
    result.refused.emplace(nodes[i].name, std::move(reason));
  };

  // 1. Requirements nobody enabled provides.
  for (std::size_t i = 0; i < n; ++i) {
    if (!alive[i]) continue;
    for (const auto& id : nodes[i].requires_) {
      if (hostServices.count(id) || providers.count(id)) continue;
      std::string reason = inQuotes(nodes[i].name) + " requires " + inQuotes(id) + ", which no enabled plugin provides";
      if (auto d = dormantProviders.find(id); d != dormantProviders.end() && !d->second.empty()) {
        reason += d->second.size() == 1 ? " (plugin " + inQuotes(d->second.front()) + " provides it but is not enabled)"
                                        : " (plugins " + nameList(d->second) + " provide it but are not enabled)";
      }
      refuse(i, reason);
      break;
    }
  }

  // The providers of `id` that are still alive, other than `self`.
  auto liveProviders = [&](std::size_t self, const std::string& id) {
    std::vector<std::size_t> out;
    if (auto it = providers.find(id); it != providers.end())
      for (auto p : it->second)
        if (p != self && alive[p]) out.push_back(p);
    return out;
  };
  auto selfProvides = [&](std::size_t i, const std::string& id) {
    const auto& p = nodes[i].provides;
    return std::find(p.begin(), p.end(), id) != p.end();
  };

  // 2. Dependents of refused plugins, to a fixpoint.
  auto propagate = [&] {
    for (bool changed = true; changed;) {
      changed = false;
      for (std::size_t i = 0; i < n; ++i) {
        if (!alive[i]) continue;
        for (const auto& id : nodes[i].requires_) {
          if (hostServices.count(id) || selfProvides(i, id) || !liveProviders(i, id).empty()) continue;
          std::vector<std::string> dead;
          for (auto p : providers[id]) dead.push_back(nodes[p].name);
          refuse(i, inQuotes(nodes[i].name) + " requires " + inQuotes(id) + ", whose provider" +
                        (dead.size() == 1 ? " " : "s ") + nameList(dead) + (dead.size() == 1 ? " was" : " were") +
                        " refused");
          changed = true;
          break;
        }
      }
    }
  };
  propagate();

  // 3. Cycles: strongly connected components (Tarjan) of more than one node.
  //    Each cycle's members are refused, then their dependents; repeat until
  //    the remaining graph is acyclic.
  for (;;) {
    // edges[i]: (provider index, service id) for each requirement of i.
    std::vector<std::vector<std::pair<std::size_t, std::string>>> edges(n);
    for (std::size_t i = 0; i < n; ++i) {
      if (!alive[i]) continue;
      for (const auto& id : nodes[i].requires_) {
        if (selfProvides(i, id)) continue;
        for (auto p : liveProviders(i, id)) edges[i].emplace_back(p, id);
      }
    }
    std::vector<int> index(n, -1), low(n, 0);
    std::vector<bool> onStack(n, false);
    std::vector<std::size_t> stack;
    std::vector<std::vector<std::size_t>> cycles;
    int counter = 0;
    std::function<void(std::size_t)> strong = [&](std::size_t v) {
      index[v] = low[v] = counter++;
      stack.push_back(v);
      onStack[v] = true;
      for (const auto& [w, id] : edges[v]) {
        if (index[w] < 0) {
          strong(w);
          low[v] = std::min(low[v], low[w]);
        } else if (onStack[w]) {
          low[v] = std::min(low[v], index[w]);
        }
      }
      if (low[v] == index[v]) {
        std::vector<std::size_t> component;
        std::size_t w;
        do {
          w = stack.back();
          stack.pop_back();
          onStack[w] = false;
          component.push_back(w);
        } while (w != v);
        if (component.size() > 1) cycles.push_back(std::move(component));
      }
    };
    for (std::size_t i = 0; i < n; ++i)
      if (alive[i] && index[i] < 0) strong(i);
    if (cycles.empty()) break;

    for (auto& component : cycles) {
      std::set<std::size_t> members(component.begin(), component.end());
      // Walk from the first member (input order) along edges inside the
      // component until a node repeats: that is one cycle to show.
      std::size_t start = *members.begin();
      std::vector<std::size_t> path{start};
      std::vector<std::string> via;
      std::map<std::size_t, std::size_t> seenAt{{start, 0}};
      std::size_t cur = start;
      for (;;) {
        auto next = std::find_if(edges[cur].begin(), edges[cur].end(),
                                 [&](const auto& e) { return members.count(e.first) > 0; });
        via.push_back(next->second);
        cur = next->first;
        if (auto seen = seenAt.find(cur); seen != seenAt.end()) {
          path.erase(path.begin(), path.begin() + static_cast<std::ptrdiff_t>(seen->second));
          via.erase(via.begin(), via.begin() + static_cast<std::ptrdiff_t>(seen->second));
          path.push_back(cur);
          break;
        }
        seenAt[cur] = path.size();
        path.push_back(cur);
      }
      std::string text = "dependency cycle: " + nodes[path[0]].name;
      for (std::size_t k = 1; k < path.size(); ++k) text += " -[" + via[k - 1] + "]-> " + nodes[path[k]].name;
      for (auto m : members) refuse(m, text);
    }
    propagate();
  }

  // 4. Order: Kahn's algorithm, always taking the earliest ready node in
  //    input order.
  //    Optional uses order too; when only they block progress (they close a
  //    cycle), the earliest blocked plugin's optional edges are dropped.
  std::vector<std::set<std::size_t>> deps(n), optionalDeps(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (!alive[i]) continue;
    for (const auto& id : nodes[i].requires_) {
      if (selfProvides(i, id)) continue;
      for (auto p : liveProviders(i, id)) deps[i].insert(p);
    }
    for (const auto& id : nodes[i].optional) {
      if (selfProvides(i, id)) continue;
      for (auto p : liveProviders(i, id))
        if (!deps[i].count(p)) optionalDeps[i].insert(p);
    }
  }
  std::vector<bool> placed(n, false);
  auto ready = [&](std::size_t i) {
    auto isPlaced = [&](std::size_t d) { return placed[d]; };
    return std::all_of(deps[i].begin(), deps[i].end(), isPlaced) &&
           std::all_of(optionalDeps[i].begin(), optionalDeps[i].end(), isPlaced);
  };
  for (;;) {
    bool progressed = false;
    for (std::size_t i = 0; i < n; ++i) {
      if (!alive[i] || placed[i] || !ready(i)) continue;
      placed[i] = true;
      result.order.push_back(nodes[i].name);
      progressed = true;
      break;
    }
    if (progressed) continue;
    auto blocked = std::find_if(optionalDeps.begin(), optionalDeps.end(), [&](const std::set<std::size_t>& o) {
      auto i = static_cast<std::size_t>(&o - optionalDeps.data());
      return alive[i] && !placed[i] && !o.empty();
    });
    if (blocked == optionalDeps.end()) break;
    blocked->clear();
  }
  return result;
}

}  // namespace rtk::host
