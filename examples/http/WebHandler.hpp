// WebHandler — one HTTP request of the web UI: GET/HEAD only, /api/… to
// WebApi, anything else to StaticFiles. Every answer carries a length, no
// caching for the API, and a Content-Security-Policy that allows the page
// nothing but its own files.
#pragma once

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>

#include "StaticFiles.hpp"
#include "WebApi.hpp"

namespace rtk::example {

class WebHandler : public Poco::Net::HTTPRequestHandler {
 public:
  WebHandler(WebApi& api, const StaticFiles& files) : api_(api), files_(files) {}
  void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;

 private:
  WebApi& api_;
  const StaticFiles& files_;
};

class WebHandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  WebHandlerFactory(WebApi& api, const StaticFiles& files) : api_(api), files_(files) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
    return new WebHandler(api_, files_);
  }

 private:
  WebApi& api_;
  const StaticFiles& files_;
};

}  // namespace rtk::example
