#include "detect/intel_matcher.h"

#include <algorithm>

#include "detect/channel_traits.h"

namespace callhome {
namespace {

std::string indicator_text(const Indicator& i) {
  switch (i.type) {
    case IndicatorType::address:
      return i.net.base.to_string();
    case IndicatorType::network:
      return i.net.to_string();
    case IndicatorType::address_port:
      return endpoint_text(i.net.base, i.port);
    case IndicatorType::domain:
      return i.domain;
  }
  return {};
}

}  // namespace

IntelListParser IntelMatcher::parser(std::string name) {
  const auto list = uint32_t(lists_.size());
  lists_.push_back(std::move(name));
  return IntelListParser(
      [this, list](Indicator&& i, uint32_t line) { add(std::move(i), list, line); });
}

IntelListStats IntelMatcher::add_list(std::string_view text, std::string name) {
  IntelListParser p = parser(std::move(name));
  p.feed(text);
  return p.finish();
}

std::optional<uint32_t> IntelMatcher::new_entry(IndicatorType type, uint32_t list, uint32_t line,
                                                std::string text) {
  if (entries_.size() >= max_indicators_) {
    ++dropped_;
    return std::nullopt;
  }
  entries_.push_back({type, list, line, std::move(text)});
  return uint32_t(entries_.size() - 1);
}

void IntelMatcher::add(Indicator&& i, uint32_t list, uint32_t line) {
  switch (i.type) {
    case IndicatorType::domain: {
      if (by_domain_.contains(i.domain)) {
        ++duplicates_;
        return;
      }
      const auto id = new_entry(i.type, list, line, std::move(i.domain));
      if (id) by_domain_.emplace(std::string_view(entries_[*id].text), *id);
      return;
    }
    case IndicatorType::address_port: {
      const std::pair key{i.net.base, i.port};
      if (by_endpoint_.contains(key)) {
        ++duplicates_;
        return;
      }
      if (const auto id = new_entry(i.type, list, line, indicator_text(i))) {
        by_endpoint_.emplace(key, *id);
      }
      return;
    }
    case IndicatorType::address:
    case IndicatorType::network: {
      auto at = std::find_if(by_prefix_.begin(), by_prefix_.end(),
                             [&](const auto& p) { return p.first <= i.net.bits; });
      if (at == by_prefix_.end() || at->first != i.net.bits) {
        at = by_prefix_.insert(at, {i.net.bits, {}});
      }
      if (at->second.contains(i.net.base)) {
        ++duplicates_;
        return;
      }
      if (const auto id = new_entry(i.type, list, line, indicator_text(i))) {
        at->second.emplace(i.net.base, *id);
      }
      return;
    }
  }
}

std::optional<uint32_t> IntelMatcher::match_address(const Address& a, uint16_t port) const {
  if (port != 0 && !by_endpoint_.empty()) {
    if (auto it = by_endpoint_.find(std::pair{a, port}); it != by_endpoint_.end()) {
      return it->second;
    }
  }
  for (const auto& [bits, table] : by_prefix_) {
    if (auto it = table.find(bits == 128 ? a : mask_prefix(a, bits)); it != table.end()) {
      return it->second;
    }
  }
  return std::nullopt;
}

std::optional<uint32_t> IntelMatcher::match_name(std::string_view name) const {
  if (by_domain_.empty()) return std::nullopt;
  if (name.ends_with('.')) name.remove_suffix(1);
  if (name.empty() || name.size() > 253) return std::nullopt;
  char buf[253];
  for (size_t k = 0; k < name.size(); ++k) {
    const char c = name[k];
    buf[k] = c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c;
  }
  std::string_view lower(buf, name.size());
  for (;;) {
    if (auto it = by_domain_.find(lower); it != by_domain_.end()) return it->second;
    const size_t dot = lower.find('.');
    if (dot == std::string_view::npos) return std::nullopt;
    lower.remove_prefix(dot + 1);
  }
}

}  // namespace callhome
