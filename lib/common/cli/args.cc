#include "lib/common/cli/args.h"

#include <cctype>

namespace segstream {

namespace {

// "-1" ... "-22" (zstd's --ultra range is checked later, with the codec known).
bool IsNumericLevel(const std::string& arg) {
  if (arg.size() < 2 || arg.size() > 3 || arg[0] != '-') return false;
  for (size_t i = 1; i < arg.size(); ++i)
    if (!std::isdigit(static_cast<unsigned char>(arg[i]))) return false;
  return arg[1] != '0';
}

bool LooksLikeOption(const std::string& arg) { return arg.size() > 1 && arg[0] == '-'; }

}  // namespace

std::vector<std::string> RewriteNumericLevels(
    const std::vector<std::string>& args,
    const std::function<bool(const std::string&)>& takes_value) {
  std::vector<std::string> out;
  out.reserve(args.size());
  bool value_next = false, positional_only = false;
  for (const std::string& arg : args) {
    if (positional_only || value_next) {
      out.push_back(arg);
      value_next = false;
      continue;
    }
    if (arg == "--") {
      positional_only = true;
    } else if (IsNumericLevel(arg)) {
      out.push_back("--level=" + arg.substr(1));
      continue;
    } else if (LooksLikeOption(arg) && arg.find('=') == std::string::npos) {
      // "-l" waits for its value; "-l5" and "--level=5" carry it.
      value_next = (arg.size() == 2 || arg[1] == '-') && takes_value(arg);
    }
    out.push_back(arg);
  }
  return out;
}

std::string FirstUnknownOption(const std::vector<std::string>& args,
                               const std::function<bool(const std::string&)>& is_option,
                               const std::function<bool(const std::string&)>& takes_value) {
  bool value_next = false;
  for (const std::string& arg : args) {
    if (value_next) {
      value_next = false;
      continue;
    }
    if (arg == "--") break;
    if (!LooksLikeOption(arg)) continue;
    std::string name;
    if (arg[1] == '-') {
      name = arg.substr(0, arg.find('='));
    } else {
      name = arg.substr(0, 2);
      // "-5" is a value (a negative number, a file named so) unless the tool has -5.
      if (std::isdigit(static_cast<unsigned char>(arg[1])) && !is_option(name)) continue;
    }
    if (!is_option(name)) return name;
    value_next = arg.size() == name.size() && takes_value(name);
  }
  return "";
}

std::string DescribeExtras(const std::vector<std::string>& extras) {
  for (const std::string& arg : extras) {
    if (arg == "-h")
      return "-h is not an option here (--help prints the usage; only dump-stream and "
             "load-stream take -h HOST, as pg_dump does)";
    if (LooksLikeOption(arg)) return "unknown option '" + arg + "'";
  }
  if (extras.empty()) return "unexpected arguments";
  return "unexpected argument '" + extras.front() + "'";
}

}  // namespace segstream
