#include "cli/commands.h"

int main(int argc, char** argv) {
  return callhome::run_cli(argc, argv);
}
