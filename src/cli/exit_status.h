// The exit statuses of callhome, which scripts rely on (see the EXIT STATUS of every --help).
#pragma once

namespace callhome {

enum ExitStatus : int {
  kExitOk = 0,        // analysed, with or without findings
  kExitInternal = 1,  // an internal error, or an output that could not be written
  kExitUsage = 2,     // bad usage, or no input that could be used
  // analyze --fail-on: something at least that severe was found. Apart from the errors, so that
  // a CI job can tell "found something" from "could not look".
  kExitFindings = 3,
};

}  // namespace callhome
