#include "WebHandler.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/URI.h>

namespace rtk::example {

namespace {

void sendBody(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, int status,
              const std::string& contentType, const std::string& body) {
  response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
  response.setContentType(contentType);
  response.setContentLength(static_cast<std::streamsize>(body.size()));
  response.set("X-Content-Type-Options", "nosniff");
  response.set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:");
  std::ostream& out = response.send();
  if (request.getMethod() != Poco::Net::HTTPRequest::HTTP_HEAD) out << body;
}

void sendJson(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, int status,
              const std::string& json) {
  response.set("Cache-Control", "no-store");
  sendBody(request, response, status, "application/json", json + "\n");
}

}  // namespace

void WebHandler::handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
  const std::string& method = request.getMethod();
  if (method != Poco::Net::HTTPRequest::HTTP_GET && method != Poco::Net::HTTPRequest::HTTP_HEAD) {
    response.set("Allow", "GET, HEAD");
    sendJson(request, response, 405, "{\"error\":\"only GET and HEAD\"}");
    return;
  }
  std::string path;
  std::optional<std::string> key;
  try {
    const Poco::URI uri(request.getURI());
    path = uri.getPath();
    for (const auto& [name, value] : uri.getQueryParameters())
      if (name == "key") key = value;
  } catch (const Poco::Exception&) {
    sendJson(request, response, 400, "{\"error\":\"malformed request URI\"}");
    return;
  }
  if (path.rfind("/api/", 0) == 0) {
    const ApiResponse answer = api_.handle(path, key);
    sendJson(request, response, answer.status, answer.json);
    return;
  }
  if (auto file = files_.read(path)) {
    sendBody(request, response, 200, file->contentType, file->body);
    return;
  }
  sendBody(request, response, 404, "text/plain; charset=utf-8", "not found\n");
}

}  // namespace rtk::example
