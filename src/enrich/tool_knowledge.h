// Which attack and scanning tools callhome recognises by what they send, from data/tools.tsv
// (the single source of truth: every entry names its source).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/tool_signature.h"
#include "enrich/result.h"

namespace callhome {

class ToolKnowledge {
 public:
  // Columns: pattern, field (user_agent or path), tool, category, source.
  static Result<ToolKnowledge> load(const std::string& path);
  static Result<ToolKnowledge> parse(std::string_view text, std::string_view name);

  const std::vector<ToolSignature>& entries() const { return entries_; }

 private:
  std::vector<ToolSignature> entries_;
};

}  // namespace callhome
