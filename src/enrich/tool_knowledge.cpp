#include "enrich/tool_knowledge.h"

#include "enrich/tsv.h"

namespace callhome {

Result<ToolKnowledge> ToolKnowledge::parse(std::string_view text, std::string_view name) {
  ToolKnowledge k;
  auto n = parse_tsv(text, name, 5, [&](const TsvRow& r) -> std::optional<std::string> {
    ToolSignature s;
    s.pattern = r.fields[0];
    std::string_view field = r.fields[1];
    if (field == "user_agent") {
      s.field = ToolSignature::Field::user_agent;
    } else if (field == "path") {
      s.field = ToolSignature::Field::path;
    } else {
      return "field must be user_agent or path, not '" + std::string(field) + "'";
    }
    s.tool = r.fields[2];
    s.category = r.fields[3];
    s.source = r.fields[4];
    // A short pattern matches too much: "bot" is in half the crawlers of the web.
    if (s.pattern.size() < 5) return "pattern '" + s.pattern + "' is too short to name a tool";
    if (s.field == ToolSignature::Field::path && s.pattern.front() != '/') {
      return std::string("a path pattern starts with '/'");
    }
    if (s.tool.empty() || s.category.empty()) return std::string("tool and category are required");
    if (s.source.empty()) return std::string("every entry must name its source");
    k.entries_.push_back(std::move(s));
    return std::nullopt;
  });
  if (!n) return Error{n.error()};
  return k;
}

Result<ToolKnowledge> ToolKnowledge::load(const std::string& path) {
  auto text = read_text_file(path);
  if (!text) return Error{text.error()};
  return parse(*text, path);
}

}  // namespace callhome
