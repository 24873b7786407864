// Size parsing lives in one place so every tool accepts the same spellings.
#include "lib/common/base/size_suffix.h"

#include <cctype>
#include <cmath>
#include <cstdlib>

namespace segstream {

Result<uint64_t> ParseSize(const std::string& text) {
  auto bad = [&text]() {
    return Status::Usage("invalid size '" + text + "'")
        .WithHint("use a number with an optional suffix: 4096, 64k, 512MB, 1GB");
  };
  size_t i = 0;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) {
    ++i;
  }
  if (i == 0) return bad();
  std::string number = text.substr(0, i);
  if (number.find('.') != number.rfind('.') || number == ".") return bad();
  std::string suffix;
  for (size_t j = i; j < text.size(); ++j) {
    suffix.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(text[j]))));
  }
  int shift = -1;
  if (suffix.empty() || suffix == "b") {
    shift = 0;
  } else {
    static const char kUnits[] = "kmgtp";
    for (int u = 0; kUnits[u] != '\0'; ++u) {
      std::string l(1, kUnits[u]);
      if (suffix == l || suffix == l + "b" || suffix == l + "ib") shift = 10 * (u + 1);
    }
  }
  if (shift < 0) return bad();
  char* end = nullptr;
  long double value = std::strtold(number.c_str(), &end);
  if (end == nullptr || *end != '\0') return bad();
  long double bytes = std::ldexp(value, shift);
  if (bytes >= 18446744073709551615.0L) return bad();
  auto result = static_cast<uint64_t>(std::llround(bytes));
  return result;
}

}  // namespace segstream
