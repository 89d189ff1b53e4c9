// Writes connection records as Zeek's conn.log: TSV with the #separator/#fields/#types header,
// or JSON lines with Zeek's flat field names, so Zeek-ecosystem tools (zeek-cut, RITA) read it.
#pragma once

#include <cstdio>
#include <string>

#include "core/events.h"
#include "core/network.h"

namespace callhome {

class ConnLogWriter : public EventSink {
 public:
  enum class Format { tsv, json };

  // Writes to `out` (not owned). `local_nets` decides local_orig/local_resp.
  ConnLogWriter(std::FILE* out, Format format, NetworkSet local_nets);
  ~ConnLogWriter() override;

  void on_connection(const Connection& c) override;
  // Writes the closing line (TSV) and flushes; called by the destructor if not before.
  void finish();

 private:
  void flush_buffer();

  std::FILE* out_;
  Format format_;
  NetworkSet local_;
  std::string buf_;
  bool finished_ = false;
};

}  // namespace callhome
