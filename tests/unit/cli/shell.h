// Runs a shell command for the end-to-end tests and captures what it writes to standard output
// (redirect standard error in the command as each test needs).
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace callhome::testing {

struct ShellResult {
  int status = -1;  // exit status, -1 when the command did not exit normally
  std::string out;
};

inline ShellResult shell(const std::string& cmd) {
  ShellResult r;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int st = pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

}  // namespace callhome::testing
