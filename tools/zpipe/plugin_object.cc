#include "tools/zpipe/plugin_object.h"

#include <cctype>
#include <cerrno>
#include <cstdlib>

#include "lib/common/base/text_escape.h"

namespace segstream::plugin {

namespace {

bool AllDigits(std::string_view s, size_t n) {
  if (s.size() != n) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// The last component of `path` and what precedes it (without the slash).
std::pair<std::string_view, std::string_view> SplitLast(std::string_view path) {
  size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return {"", path};
  return {path.substr(0, slash), path.substr(slash + 1)};
}

}  // namespace

std::string EscapeComponent(std::string_view text) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() + 8);
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c == '%' || c == '/' || c < 0x20 || c == 0x7f || (i == 0 && c == '.')) {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

Result<ObjectName> ObjectForKey(std::string_view key) {
  if (key.empty()) return Status::Usage("the key is empty");
  // .../backups/YYYYMMDD/YYYYMMDDHHMMSS/NAME, the date being the timestamp's first 8 digits
  auto [dir, base] = SplitLast(key);
  auto [dir2, timestamp] = SplitLast(dir);
  auto [dir3, date] = SplitLast(dir2);
  auto [dir4, backups] = SplitLast(dir3);
  (void)dir4;
  if (!base.empty() && AllDigits(timestamp, 14) && AllDigits(date, 8) &&
      timestamp.substr(0, 8) == date && backups == "backups")
    return ObjectName{"backups/" + std::string(date) + "/" + std::string(timestamp),
                      EscapeComponent(base) + ".sgs"};
  return ObjectName{"", EscapeComponent(key) + ".sgs"};
}

Result<std::string> FolderForTimestamp(std::string_view timestamp) {
  if (!AllDigits(timestamp, 14))
    return Status::Usage("a backup timestamp is 14 digits (YYYYMMDDHHMMSS), not '" +
                         EscapeForMessage(timestamp) + "'");
  return "backups/" + std::string(timestamp.substr(0, 8)) + "/" + std::string(timestamp);
}

Result<std::vector<ByteRange>> ParseOffsets(std::string_view text) {
  std::vector<uint64_t> numbers;
  size_t i = 0;
  while (i < text.size()) {
    if (std::isspace(static_cast<unsigned char>(text[i]))) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < text.size() && !std::isspace(static_cast<unsigned char>(text[j]))) ++j;
    std::string word(text.substr(i, j - i));
    char* end = nullptr;
    errno = 0;
    unsigned long long n = std::strtoull(word.c_str(), &end, 10);
    if (word[0] < '0' || word[0] > '9' || *end != '\0' || errno != 0)
      return Status::Usage("offsets: '" + EscapeForMessage(word) + "' is not a byte offset");
    numbers.push_back(n);
    i = j;
  }
  if (numbers.empty()) return Status::Usage("offsets: empty (expected COUNT BEGIN END ...)");
  if ((numbers.size() - 1) % 2 != 0 || (numbers.size() - 1) / 2 != numbers[0])
    return Status::Usage("offsets: the count says " + std::to_string(numbers[0]) + " ranges, but " +
                         std::to_string(numbers.size() - 1) + " numbers follow it");
  std::vector<ByteRange> ranges;
  for (size_t k = 1; k < numbers.size(); k += 2) {
    if (numbers[k + 1] < numbers[k])
      return Status::Usage("offsets: range " + std::to_string(numbers[k]) + " to " +
                           std::to_string(numbers[k + 1]) + " ends before it begins");
    ranges.push_back({numbers[k], numbers[k + 1]});
  }
  return ranges;
}

}  // namespace segstream::plugin
