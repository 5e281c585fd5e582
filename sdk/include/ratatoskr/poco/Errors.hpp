// rtk::Error -> the Poco::Net exception a Poco caller expects (HTTPSession
// and TCPServer catch Poco::Exception, not std::exception). Header-only.
#pragma once

#include <Poco/Exception.h>
#include <Poco/Net/NetException.h>

#include "ratatoskr/error.hpp"

namespace rtk::poco {

[[noreturn]] inline void throwAsPoco(const Error& e) {
  switch (e.code()) {
    case Errc::Timeout: throw Poco::TimeoutException(e.what());
    case Errc::Reset: throw Poco::Net::ConnectionResetException(e.what());
    case Errc::Refused: throw Poco::Net::ConnectionRefusedException(e.what());
    case Errc::Closed: throw Poco::Net::ConnectionAbortedException(e.what());
    case Errc::InvalidArgument: throw Poco::Net::InvalidAddressException(e.what());
    case Errc::NotSupported: throw Poco::NotImplementedException(e.what());
    default: throw Poco::Net::NetException(e.what());
  }
}

}  // namespace rtk::poco
