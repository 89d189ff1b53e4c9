// Forwards every event to several consumers (a report, a conn.log writer, detectors ...).
#pragma once

#include <vector>

#include "core/events.h"

namespace callhome {

class FanOutSink : public EventSink {
 public:
  void add(EventSink& s) { sinks_.push_back(&s); }
  void on_connection(const Connection& e) override {
    for (auto* s : sinks_) s->on_connection(e);
  }
  void on_http(const HttpEvent& e) override {
    for (auto* s : sinks_) s->on_http(e);
  }
  void on_dns(const DnsEvent& e) override {
    for (auto* s : sinks_) s->on_dns(e);
  }
  void on_name(const NameEvent& e) override {
    for (auto* s : sinks_) s->on_name(e);
  }
  void on_alert(const AlertEvent& e) override {
    for (auto* s : sinks_) s->on_alert(e);
  }
  void on_packet_sample(const PacketSampleEvent& e) override {
    for (auto* s : sinks_) s->on_packet_sample(e);
  }

 private:
  std::vector<EventSink*> sinks_;
};

}  // namespace callhome
