// What every --help ends with: examples to copy and the exit statuses scripts rely on.
#pragma once

#include <string>

namespace callhome {

std::string main_help_footer();
std::string analyze_help_footer();
std::string conn_help_footer();
std::string inputs_help_footer();
std::string help_help_footer();

}  // namespace callhome
