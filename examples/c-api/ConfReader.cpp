#include "ConfReader.hpp"

#include <ratatoskr/json.hpp>

#include <string>
#include <vector>

namespace rtkc {

namespace {

[[noreturn]] void confError(const std::string& what) { throw rtk::Error(rtk::Errc::Config, "conf: " + what); }

std::string stringOf(const rtk::json::Value& v, const std::string& key) {
  if (!v.isString()) confError("\"" + key + "\" must be a string, got " + v.typeName());
  return v.asString();
}

std::vector<std::string> stringsOf(const rtk::json::Value& v, const std::string& key) {
  if (!v.isArray()) confError("\"" + key + "\" must be an array of strings, got " + v.typeName());
  std::vector<std::string> out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (!v.at(i).isString())
      confError("\"" + key + "\"[" + std::to_string(i) + "] must be a string, got " + v.at(i).typeName());
    out.push_back(v.at(i).asString());
  }
  return out;
}

rtk::LogLevel logLevelOf(const rtk::json::Value& v) {
  const std::string name = stringOf(v, "LogLevel");
  for (auto level : {rtk::LogLevel::Off, rtk::LogLevel::Error, rtk::LogLevel::Warn, rtk::LogLevel::Info,
                     rtk::LogLevel::Debug, rtk::LogLevel::Trace})
    if (name == rtk::logLevelName(level)) return level;
  confError("\"LogLevel\" must be one of off, error, warn, info, debug, trace, got \"" + name + "\"");
}

void readKey(Conf& conf, const std::string& key, const rtk::json::Value& v) {
  rtk::NodeConfig& n = conf.node;
  if (key == "PrivateKey") n.privateKey = stringOf(v, key);
  else if (key == "PrivateKeyPath") n.privateKeyPath = stringOf(v, key);
  else if (key == "Peers") n.peers = stringsOf(v, key);
  else if (key == "Listen") n.listen = stringsOf(v, key);
  else if (key == "AdminListen") n.adminListen = stringOf(v, key);
  else if (key == "AllowedPublicKeys") n.allowedPublicKeys = stringsOf(v, key);
  else if (key == "NodeInfo") {
    if (!v.isObject()) confError("\"NodeInfo\" must be an object, got " + std::string(v.typeName()));
    n.nodeInfo = v.dump();
  } else if (key == "NodeInfoPrivacy") {
    if (!v.isBool()) confError("\"NodeInfoPrivacy\" must be true or false, got " + std::string(v.typeName()));
    n.nodeInfoPrivacy = v.asBool();
  } else if (key == "IfMTU") {
    if (!v.isInteger() || (v.type() == rtk::json::Type::Int && v.asInt64() < 0))
      confError("\"IfMTU\" must be an unsigned integer, got " + v.dump());
    n.ifMTU = v.asUint64();
  } else if (key == "InterfacePeers") {
    if (!v.isObject()) confError("\"InterfacePeers\" must be an object, got " + std::string(v.typeName()));
    for (std::size_t i = 0; i < v.size(); ++i)
      n.interfacePeers[v.keyAt(i)] = stringsOf(v.at(i), "InterfacePeers." + v.keyAt(i));
  } else if (key == "LogLevel") conf.logLevel = logLevelOf(v);
  else if (key == "IfName" || key == "LogLookups" || key == "MulticastInterfaces") return;  // no TUN, no multicast
  else confError("unknown key \"" + key + "\"");
}

}  // namespace

Conf readConf(std::string_view text) {
  rtk::json::Value root;
  try {
    root = rtk::json::Value::parse(text, 16);
  } catch (const rtk::Error& e) {
    confError(e.what());
  }
  if (!root.isObject()) confError(std::string("must be a JSON object, got ") + root.typeName());
  Conf conf;
  for (std::size_t i = 0; i < root.size(); ++i) readKey(conf, root.keyAt(i), root.at(i));
  return conf;
}

}  // namespace rtkc
