#include "detect/tool_signature_detector.h"

#include <absl/strings/string_view.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace callhome {
namespace {

constexpr size_t kMaxAgent = 512;  // longer User-Agents are matched and kept by their start
constexpr size_t kMaxCachedAgents = 10000;
constexpr size_t kMaxGroups = 100000;
constexpr size_t kMaxDsts = 20;
constexpr size_t kMaxPorts = 20;
constexpr size_t kMaxPaths = 10;
constexpr size_t kMaxPathText = 200;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = char(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The path of a request target: proxies log absolute URLs, servers and captures the path.
std::string_view path_of(std::string_view url) {
  if (auto scheme = url.find("://"); scheme != std::string_view::npos && scheme < 16) {
    url.remove_prefix(scheme + 3);
    auto slash = url.find('/');
    return slash == std::string_view::npos ? std::string_view("/") : url.substr(slash);
  }
  return url;
}

Severity severity_of(const std::string& category) {
  // A scanner maps; an exploitation or password-guessing tool is already attacking.
  return category == "scanner" ? Severity::medium : Severity::high;
}

}  // namespace

ToolSignatureDetector::ToolSignatureDetector(ToolSignatureOptions options)
    : opt_(std::move(options)) {
  for (const auto& s : opt_.signatures) lowered_.push_back(lower(s.pattern));
}

int ToolSignatureDetector::match_agent(std::string_view user_agent) {
  user_agent = user_agent.substr(0, kMaxAgent);
  // absl's own view type: this absl's string_view is not std's.
  auto it = agent_cache_.find(absl::string_view(user_agent.data(), user_agent.size()));
  if (it != agent_cache_.end()) return it->second;
  const std::string ua = lower(user_agent);
  int found = kNoMatch;
  for (size_t i = 0; i < opt_.signatures.size() && found == kNoMatch; ++i) {
    if (opt_.signatures[i].field == ToolSignature::Field::user_agent &&
        ua.find(lowered_[i]) != std::string::npos) {
      found = int(i);
    }
  }
  if (agent_cache_.size() >= kMaxCachedAgents) agent_cache_.clear();
  agent_cache_.emplace(std::string(user_agent), found);
  return found;
}

int ToolSignatureDetector::match_path(std::string_view url) const {
  const std::string_view path = path_of(url);
  for (size_t i = 0; i < opt_.signatures.size(); ++i) {
    const ToolSignature& s = opt_.signatures[i];
    if (s.field == ToolSignature::Field::path && path.starts_with(s.pattern)) return int(i);
  }
  return kNoMatch;
}

void ToolSignatureDetector::on_http(const HttpEvent& e) {
  // The tool runs on the client: requests arriving from outside are someone else's scan.
  if (!opt_.internal.contains(e.client)) return;
  int sig = e.user_agent.empty() ? kNoMatch : match_agent(e.user_agent);
  const bool by_agent = sig != kNoMatch;
  if (!by_agent) sig = match_path(e.url);
  if (sig == kNoMatch) return;
  const ToolSignature& s = opt_.signatures[size_t(sig)];
  auto key = std::make_pair(e.client, s.tool);
  auto it = groups_.find(key);
  if (it == groups_.end()) {
    if (groups_.size() >= kMaxGroups) return;
    it = groups_.emplace(std::move(key), Group{}).first;
  }
  Group& g = it->second;
  if (g.requests++ == 0 || e.ts < g.first) g.first = e.ts;
  g.last = std::max(g.last, e.ts);
  if (g.matched.empty() || (by_agent && !g.by_agent)) {
    // The User-Agent names the tool better than a probe path does.
    g.by_agent = by_agent;
    g.matched = by_agent ? std::string(e.user_agent.substr(0, kMaxAgent))
                         : std::string(path_of(e.url).substr(0, kMaxPathText));
    g.signature = s.pattern;
  }
  const std::string dst = e.server.is_unspecified() ? std::string(e.host) : e.server.to_string();
  if (!dst.empty()) {
    if (auto d = g.dsts.find(dst); d != g.dsts.end()) {
      ++d->second;
    } else if (g.dsts.size() < kMaxDsts) {
      g.dsts.emplace(dst, 1);
    } else {
      ++g.more_dsts;
    }
  }
  if (e.server_port && (g.ports.size() < kMaxPorts || g.ports.contains(e.server_port))) {
    ++g.ports[e.server_port];
  }
  const std::string path(path_of(e.url).substr(0, kMaxPathText));
  if (g.sample_paths.size() < kMaxPaths &&
      std::find(g.sample_paths.begin(), g.sample_paths.end(), path) == g.sample_paths.end()) {
    g.sample_paths.push_back(path);
  }
  if (g.samples.size() < Finding::kMaxEvidence) {
    g.samples.push_back(
        {e.prov, fmt::format("{} {} to {}{}", e.method.empty() ? "request" : e.method, path,
                             dst.empty() ? "?" : dst,
                             e.server_port ? fmt::format(":{}", e.server_port) : "")});
  }
}

void ToolSignatureDetector::finish(std::vector<Finding>& out) {
  for (auto& [key, g] : groups_) {
    const auto& [host, tool] = key;
    const ToolSignature* sig = nullptr;
    for (const auto& s : opt_.signatures) {
      if (s.pattern == g.signature) sig = &s;
    }
    Finding f;
    f.kind = FindingKind::tool_signature;
    f.host = host;
    f.first_ts = g.first;
    f.last_ts = g.last;
    f.severity = severity_of(sig->category);
    for (auto& ev : g.samples) f.cite(ev.prov, std::move(ev.what));
    ToolSignatureDetails d;
    d.tool = tool;
    d.category = sig->category;
    d.requests = g.requests;
    d.matched = g.matched;
    d.signature = sig->pattern;
    d.signature_source = sig->source;
    for (const auto& [dst, n] : g.dsts) d.dsts.push_back(dst);
    d.more_dsts = g.more_dsts;
    uint64_t top = 0;
    for (const auto& [p, n] : g.ports) {
      d.dst_ports.push_back(p);
      if (n > top) {
        top = n;
        d.dst_port = p;
      }
    }
    d.sample_paths = g.sample_paths;
    const size_t destinations = d.dsts.size() + g.more_dsts;
    f.details = std::move(d);
    f.summary = fmt::format(
        "{} sent {} HTTP request(s) that name the {} {} to {} destination(s): find who runs it "
        "there and whether that was authorised",
        host.to_string(), g.requests, sig->category, tool, destinations);
    f.notes.push_back(
        fmt::format("recognised by {} '{}' (data/tools.tsv: {})",
                    sig->field == ToolSignature::Field::user_agent ? "User-Agent" : "path",
                    sig->pattern, sig->source));
    out.push_back(std::move(f));
  }
}

}  // namespace callhome
