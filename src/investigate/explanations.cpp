#include "investigate/explanations.h"

#include <toml++/toml.h>

#include <cstdio>
#include <cstdlib>
#include <set>

#include "enrich/enricher.h"
#include "enrich/tsv.h"

namespace callhome {
namespace {

std::optional<Severity> severity_from_name(std::string_view s) {
  for (Severity v :
       {Severity::info, Severity::low, Severity::medium, Severity::high, Severity::critical}) {
    if (s == to_string(v)) return v;
  }
  return std::nullopt;
}

// Reads one [[explanation]] entry; every problem is reported with the file, line and column.
class TableParser {
 public:
  explicit TableParser(std::string_view file) : file_(file) {}

  std::optional<std::string> run(const toml::table& root, ExplanationTable& out) {
    if (const toml::table* model = root["model"].as_table()) {
      if (auto err = number(*model, "temperature", out.temperature, true)) return err;
      if (auto err = number(*model, "floor_confidence", out.floor_confidence, true)) return err;
      if (auto err = number(*model, "max_confidence", out.max_confidence, true)) return err;
      if (out.temperature <= 0) return where(*model) + "temperature must be positive";
      if (out.max_confidence <= 0 || out.max_confidence > 1) {
        return where(*model) + "max_confidence must be above 0 and at most 1";
      }
    }
    const toml::array* list = root["explanation"].as_array();
    if (!list || list->empty()) return file_ + ":1:1: no [[explanation]] entries";
    std::set<std::string> names;
    for (const toml::node& n : *list) {
      const toml::table* t = n.as_table();
      if (!t) return where(n) + "an explanation must be a table";
      Explanation e;
      if (auto err = explanation(*t, e)) return err;
      if (!names.insert(e.name).second) return where(*t) + "duplicate explanation " + e.name;
      out.explanations.push_back(std::move(e));
    }
    return std::nullopt;
  }

 private:
  std::string where(const toml::node& n) const {
    const auto& b = n.source().begin;
    return file_ + ":" + std::to_string(b.line) + ":" + std::to_string(b.column) + ": ";
  }

  std::optional<std::string> text(const toml::table& t, std::string_view key, std::string& out,
                                  bool required) const {
    const toml::node* n = t.get(key);
    if (!n)
      return required ? std::optional(where(t) + std::string(key) + " is required") : std::nullopt;
    if (!n->is_string()) return where(*n) + std::string(key) + " must be a string";
    out = n->as_string()->get();
    if (required && out.empty()) return where(*n) + std::string(key) + " must not be empty";
    return std::nullopt;
  }

  std::optional<std::string> number(const toml::table& t, std::string_view key, double& out,
                                    bool optional) const {
    const toml::node* n = t.get(key);
    if (!n)
      return optional ? std::nullopt : std::optional(where(t) + std::string(key) + " is required");
    if (auto v = n->value<double>()) {
      out = *v;
      return std::nullopt;
    }
    return where(*n) + std::string(key) + " must be a number";
  }

  std::optional<std::string> explanation(const toml::table& t, Explanation& e) const {
    if (auto err = text(t, "name", e.name, true)) return err;
    if (auto err = number(t, "prior", e.prior, false)) return err;
    if (auto err = text(t, "prior_source", e.prior_source, true)) return err;
    for (const char* key : {"cap", "floor", "likely"}) {
      std::string s;
      if (auto err = text(t, key, s, false)) return err;
      if (s.empty()) continue;
      auto v = severity_from_name(s);
      if (!v) return where(*t.get(key)) + "unknown severity '" + s + "'";
      const std::string_view k = key;
      (k == "cap" ? e.severity.cap : k == "floor" ? e.severity.floor : e.severity.likely) = v;
    }
    if (const toml::node* n = t.get("actions")) {
      const toml::array* a = n->as_array();
      if (!a) return where(*n) + "actions must be an array of strings";
      for (const toml::node& s : *a) {
        if (!s.is_string()) return where(s) + "an action must be a string";
        std::string action = s.as_string()->get();
        if (auto err = check_template(action)) return where(s) + *err;
        e.actions.push_back(std::move(action));
      }
    }
    if (e.actions.empty()) return where(t) + "an explanation needs at least one action";
    if (const toml::node* n = t.get("evidence")) {
      const toml::array* a = n->as_array();
      if (!a) return where(*n) + "evidence must be an array of tables";
      for (const toml::node& r : *a) {
        const toml::table* rt = r.as_table();
        if (!rt) return where(r) + "an evidence rule must be a table";
        EvidenceRule rule;
        std::string fact;
        if (auto err = text(*rt, "fact", fact, true)) return err;
        auto f = fact_from_name(fact);
        if (!f) return where(*rt) + "unknown fact '" + fact + "'";
        rule.fact = *f;
        if (auto err = number(*rt, "weight", rule.weight, false)) return err;
        if (const toml::node* b = rt->get("absent")) {
          if (!b->is_boolean()) return where(*b) + "absent must be true or false";
          rule.absent = b->as_boolean()->get();
        }
        if (auto err = text(*rt, "reason", rule.reason, true)) return err;
        if (auto err = text(*rt, "source", rule.source, true)) return err;
        e.evidence.push_back(std::move(rule));
      }
    }
    return std::nullopt;
  }

  // Only the placeholders the investigator fills: a typo would otherwise reach the user.
  static std::optional<std::string> check_template(const std::string& s) {
    static const std::set<std::string> known = {"host", "targets", "proxy"};
    for (size_t open = s.find('{'); open != std::string::npos; open = s.find('{', open + 1)) {
      const size_t close = s.find('}', open);
      if (close == std::string::npos) return std::string("unclosed '{' in action");
      if (!known.contains(s.substr(open + 1, close - open - 1))) {
        return "unknown placeholder " + s.substr(open, close - open + 1) +
               " (known: {host}, {targets}, {proxy})";
      }
    }
    return std::nullopt;
  }

  std::string file_;
};

}  // namespace

Result<ExplanationTable> ExplanationTable::parse(std::string_view toml_text,
                                                 std::string_view file_name) {
  toml::table root;
  try {
    root = toml::parse(toml_text, file_name);
  } catch (const toml::parse_error& e) {
    const auto& b = e.source().begin;
    return Error{std::string(file_name) + ":" + std::to_string(b.line) + ":" +
                 std::to_string(b.column) + ": " + std::string(e.description())};
  }
  ExplanationTable table;
  if (auto err = TableParser(file_name).run(root, table)) return Error{*err};
  return table;
}

Result<ExplanationTable> ExplanationTable::load(const std::string& path) {
  auto text = read_text_file(path);
  if (!text) return Error{text.error() + " (the explanations table)"};
  return parse(*text, path);
}

const ExplanationTable& ExplanationTable::shipped() {
  static const ExplanationTable table = [] {
    auto t = load(default_data_dir() + "/explanations.toml");
    if (!t) {
      // The tool cannot explain anything without it: say so and stop, as a broken install.
      std::fprintf(stderr, "callhome: %s\n", t.error().c_str());
      std::exit(1);
    }
    return std::move(t).value();
  }();
  return table;
}

}  // namespace callhome
