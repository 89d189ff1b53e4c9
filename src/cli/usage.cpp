#include "cli/usage.h"

#include "cli/suggest.h"

namespace callhome {
namespace {

std::vector<const CLI::App*> commands(const CLI::App& app) {
  return app.get_subcommands([](const CLI::App*) { return true; });
}

const CLI::App* command_named(const CLI::App& app, const std::string& name) {
  for (const CLI::App* c : commands(app)) {
    if (c->get_name() == name) return c;
  }
  return nullptr;
}

// One line per command with what it does, for when the command is missing or wrong; indented
// under a first line that says "callhome: " as every message does.
std::string command_list(const CLI::App& app) {
  std::string out = "callhome: the commands are:\n";
  for (const CLI::App* c : commands(app)) {
    std::string name = c->get_name();
    name.resize(std::max<size_t>(name.size(), 8), ' ');
    out += "  " + name + "  " + c->get_description() + "\n";
  }
  return out;
}

std::vector<std::string> command_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* c : commands(app)) names.push_back(c->get_name());
  return names;
}

// Every spelling of the options of `cmd`: "--json", "-o", "--output", ...
std::vector<std::string> option_names(const CLI::App& cmd) {
  std::vector<std::string> names;
  for (const CLI::Option* o : cmd.get_options()) {
    for (const auto& l : o->get_lnames()) names.push_back("--" + l);
    for (const auto& s : o->get_snames()) names.push_back("-" + s);
  }
  return names;
}

// The option an argument names: "--json=x" names --json, "-ofoo" names -o.
std::string option_of(const std::string& arg) {
  if (arg.starts_with("--")) return arg.substr(0, arg.find('='));
  return arg.substr(0, 2);
}

bool is_option(const std::string& arg) {
  return arg.size() > 1 && arg[0] == '-';  // "-" alone is an INPUT: standard input
}

// The first option of `args` that `cmd` does not have, skipping the values of those it does.
std::string first_unknown_option(const CLI::App& cmd, const std::vector<std::string>& args,
                                 size_t from) {
  for (size_t i = from; i < args.size(); ++i) {
    if (args[i] == "--") break;
    if (!is_option(args[i])) continue;
    const std::string name = option_of(args[i]);
    const CLI::Option* o = cmd.get_option_no_throw(name);
    if (o == nullptr) return name;
    const bool value_attached = args[i].find('=') != std::string::npos ||
                                (!args[i].starts_with("--") && args[i].size() > 2);
    if (o->get_type_size_min() > 0 && !value_attached) ++i;  // its value may start with '-'
  }
  return {};
}

std::string unknown(const std::string& what, const std::string& typed,
                    const std::vector<std::string>& known) {
  const std::string near = closest(typed, known);
  return "callhome: " + what + (near.empty() ? std::string() : "; did you mean " + near + "?") +
         "\n";
}

}  // namespace

std::vector<std::string> expand_help_command(const CLI::App& app,
                                             const std::vector<std::string>& args,
                                             std::string& error) {
  if (args.empty() || args[0] != "help") return args;
  if (args.size() == 1 || is_option(args[1])) return {"--help"};
  if (command_named(app, args[1]) == nullptr) {
    error =
        unknown("no command '" + args[1] + "'", args[1], command_names(app)) + command_list(app);
    return args;
  }
  return {args[1], "--help"};
}

std::string usage_error_message(const CLI::App& app, const std::vector<std::string>& args,
                                const CLI::ParseError& e) {
  // Options before the command are the program's own (--help, --version), none with a value.
  size_t at = 0;
  while (at < args.size() && is_option(args[at])) {
    if (app.get_option_no_throw(option_of(args[at])) == nullptr) {
      return unknown("unknown option " + option_of(args[at]), option_of(args[at]),
                     option_names(app)) +
             "callhome: see 'callhome --help'\n";
    }
    ++at;
  }
  if (at == args.size()) return "callhome: no command given\n" + command_list(app);
  const CLI::App* cmd = command_named(app, args[at]);
  if (cmd == nullptr) {
    return unknown("no command '" + args[at] + "'", args[at], command_names(app)) +
           command_list(app);
  }
  const std::string see = "callhome: see 'callhome help " + cmd->get_name() + "'\n";
  const std::string prefix = "callhome: " + cmd->get_name() + ": ";
  if (const std::string bad = first_unknown_option(*cmd, args, at + 1); !bad.empty()) {
    return unknown(cmd->get_name() + ": unknown option " + bad, bad, option_names(*cmd)) + see;
  }
  if (dynamic_cast<const CLI::RequiredError*>(&e) &&
      std::string_view(e.what()).starts_with("INPUT")) {
    return prefix +
           "no INPUT given: name capture or log files, directories, or - to read "
           "standard input\n" +
           see;
  }
  return prefix + e.what() + "\n" + see;
}

}  // namespace callhome
