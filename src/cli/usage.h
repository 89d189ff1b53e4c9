// Usage mistakes told plainly: an unknown command or option named with the nearest spelling
// ("did you mean --json?"), the commands listed when none is given, and `callhome help CMD`.
// Every message starts "callhome: ", as all of callhome's do.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace callhome {

// Turns `help` into the --help it stands for: "help" alone is "--help", "help CMD ..." is
// "CMD --help". Other arguments come back as they were. Sets `error` (the whole message) when
// CMD is not a command.
std::vector<std::string> expand_help_command(const CLI::App& app,
                                             const std::vector<std::string>& args,
                                             std::string& error);

// The message for arguments CLI11 refused with `e`: the unknown command or option, with a
// suggestion when one is near, else CLI11's reason; then where to read more.
std::string usage_error_message(const CLI::App& app, const std::vector<std::string>& args,
                                const CLI::ParseError& e);

}  // namespace callhome
