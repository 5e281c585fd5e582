#include "protocol/Handshake.hpp"

namespace rtk::plugins::socks {

bool checkCredentials(const UserTable& users, const std::string& user, const std::string& password) {
  auto it = users.find(user);
  if (it == users.end()) return false;
  const std::string& expected = it->second;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < password.size(); ++i)
    diff |= static_cast<unsigned char>(password[i] ^ (i < expected.size() ? expected[i] : 0));
  return expected.size() == password.size() && diff == 0;
}

}  // namespace rtk::plugins::socks
