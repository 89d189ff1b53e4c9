#include "cli/commands.h"

#include <CLI/CLI.hpp>

namespace callhome {

int run_cli(int argc, char** argv) {
  CLI::App app{"callhome: which machine inside this network is calling out, and why"};
  app.require_subcommand(1);
  CLI11_PARSE(app, argc, argv);
  return 0;
}

}  // namespace callhome
