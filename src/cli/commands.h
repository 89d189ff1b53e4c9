// The callhome command line: parses arguments and dispatches to the sub-commands.
#pragma once

namespace callhome {

// Returns the process exit status: 0 analysed, 2 bad usage or unusable input, 1 internal error.
int run_cli(int argc, char** argv);

}  // namespace callhome
