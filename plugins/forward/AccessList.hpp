// AccessList — who may use a Remote* mapping: public keys and Yggdrasil
// prefixes.
//
// A caller is known by its source address. Yggdrasil only delivers traffic
// whose source address belongs to the key that sealed it, so an address is as
// good as the key's leading bits (more than 100 of them): a key allows
// exactly its node address (200::/8); a prefix ("300:1234:5678:9abc::/64",
// "200:…/128") allows what it covers and must lie inside 200::/7. An empty
// list allows everyone.
//
// Errors: add*() throw rtk::Error(Errc::InvalidArgument) naming the entry.
// Thread-safety: const use from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ratatoskr/types.hpp"

namespace rtk::plugins::forward {

class AccessList {
 public:
  // 64 hex digits.
  void addKey(std::string_view hex);
  // "<IPv6>/<0..128>" inside 200::/7.
  void addPrefix(std::string_view cidr);

  bool empty() const { return keyAddresses_.empty() && prefixes_.empty(); }
  bool allows(const Ip6Address& source) const;
  std::size_t size() const { return keyAddresses_.size() + prefixes_.size(); }

 private:
  struct Prefix {
    Ip6Address address;
    unsigned bits = 0;
  };
  std::vector<Ip6Address> keyAddresses_;
  std::vector<Prefix> prefixes_;
};

}  // namespace rtk::plugins::forward
