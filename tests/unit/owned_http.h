// A copy of an HttpEvent that owns its text, for tests that look at events after the reader has
// moved on: HttpEvent's text fields are views into the line being read.
#pragma once

#include <string>

#include "core/events.h"

namespace callhome {

struct OwnedHttp {
  explicit OwnedHttp(const HttpEvent& e)
      : ts(e.ts),
        client(e.client),
        server(e.server),
        server_port(e.server_port),
        method(e.method),
        url(e.url),
        host(e.host),
        user_agent(e.user_agent),
        result(e.result),
        hierarchy(e.hierarchy),
        content_type(e.content_type),
        status(e.status),
        bytes(e.bytes),
        elapsed(e.elapsed),
        via_proxy(e.via_proxy),
        action(e.action),
        prov(e.prov) {}

  double ts;
  Address client, server;
  uint16_t server_port;
  std::string method, url, host, user_agent, result, hierarchy, content_type;
  int status;
  uint64_t bytes;
  double elapsed;
  bool via_proxy;
  Action action;
  Provenance prov;
};

}  // namespace callhome
