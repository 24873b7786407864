// A hand-written reader for the few lines of YAML a plugin configuration is: a YAML
// library would accept far more than gpbackup does (anchors, sequences, merge keys), and
// the project's dependencies have none. Everything outside the subset is refused by line.
#include "tools/zpipe/plugin_config.h"

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "lib/common/base/text_escape.h"
#include "lib/common/format/codec.h"
#include "tools/zpipe/zpipe_options.h"

namespace segstream::plugin {

namespace {

constexpr size_t kMaxConfigBytes = 1 << 20;

Status LineError(size_t line, const std::string& what) {
  return Status::Usage("line " + std::to_string(line) + ": " + what);
}

bool IsKeyChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '.';
}

// Appends code point `cp` as UTF-8.
bool AppendUtf8(uint32_t cp, std::string* out) {
  if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
  if (cp < 0x80) {
    *out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    *out += static_cast<char>(0xc0 | (cp >> 6));
    *out += static_cast<char>(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    *out += static_cast<char>(0xe0 | (cp >> 12));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    *out += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    *out += static_cast<char>(0xf0 | (cp >> 18));
    *out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    *out += static_cast<char>(0x80 | (cp & 0x3f));
  }
  return true;
}

// What may follow a closing quote: nothing, blanks, or a comment after a blank.
bool OnlyCommentLeft(std::string_view rest) {
  size_t i = rest.find_first_not_of(' ');
  if (i == std::string_view::npos) return true;
  return rest[i] == '#' && i > 0;
}

Status ParseDoubleQuoted(std::string_view s, size_t line, std::string* out) {
  static const std::string_view kSimple = "\\\"/ntr0abefv";
  static constexpr std::string_view kMeaning{"\\\"/\n\t\r\0\a\b\x1b\f\v", 12};
  size_t i = 1;
  for (; i < s.size() && s[i] != '"'; ++i) {
    if (s[i] != '\\') {
      *out += s[i];
      continue;
    }
    if (++i == s.size()) break;
    if (size_t k = kSimple.find(s[i]); k != std::string_view::npos) {
      *out += kMeaning[k];
      continue;
    }
    size_t digits = s[i] == 'x' ? 2 : s[i] == 'u' ? 4 : s[i] == 'U' ? 8 : 0;
    if (digits == 0)
      return LineError(line, std::string("unknown escape \\") + EscapeForMessage(s.substr(i, 1)) +
                                 " in a double-quoted value");
    if (i + digits >= s.size()) break;
    std::string hex(s.substr(i + 1, digits));
    char* end = nullptr;
    unsigned long cp = std::strtoul(hex.c_str(), &end, 16);
    if (end != hex.c_str() + digits || hex.find_first_of("+- ") != std::string::npos ||
        !AppendUtf8(static_cast<uint32_t>(cp), out))
      return LineError(line, "bad \\" + std::string(1, s[i]) + " escape in a double-quoted value");
    i += digits;
  }
  if (i >= s.size()) return LineError(line, "a double-quoted value has no closing quote");
  if (out->find('\0') != std::string::npos) return LineError(line, "a value with a NUL byte");
  if (!OnlyCommentLeft(s.substr(i + 1))) return LineError(line, "text after a quoted value");
  return Status::Ok();
}

Status ParseSingleQuoted(std::string_view s, size_t line, std::string* out) {
  size_t i = 1;
  for (; i < s.size(); ++i) {
    if (s[i] != '\'') {
      *out += s[i];
      continue;
    }
    if (i + 1 < s.size() && s[i + 1] == '\'') {
      *out += '\'';
      ++i;
      continue;
    }
    break;
  }
  if (i >= s.size()) return LineError(line, "a single-quoted value has no closing quote");
  if (!OnlyCommentLeft(s.substr(i + 1))) return LineError(line, "text after a quoted value");
  return Status::Ok();
}

// The value after "key:", one line of it. Null (nothing, "~", "null") reads as "", as
// yaml.v2 gives a null into gpbackup's map of strings.
Status ParseScalar(std::string_view rest, size_t line, std::string* out) {
  out->clear();
  size_t start = rest.find_first_not_of(' ');
  if (start == std::string_view::npos) return Status::Ok();
  std::string_view s = rest.substr(start);
  if (s[0] == '#') return Status::Ok();
  if (s[0] == '"') return ParseDoubleQuoted(s, line, out);
  if (s[0] == '\'') return ParseSingleQuoted(s, line, out);
  if (std::string_view("[{&*!|>%@`").find(s[0]) != std::string_view::npos ||
      ((s[0] == '-' || s[0] == '?') && (s.size() == 1 || s[1] == ' ')))
    return LineError(line, "only plain or quoted single-line values are supported, not '" +
                               EscapeForMessage(s) + "'");
  size_t comment = s.find(" #");
  std::string_view value = s.substr(0, comment);
  value = value.substr(0, value.find_last_not_of(' ') + 1);
  if (value.find(": ") != std::string_view::npos || value.back() == ':')
    return LineError(line, "a plain value may not contain ': ' (quote it)");
  if (value == "~" || value == "null" || value == "Null" || value == "NULL") return Status::Ok();
  *out = std::string(value);
  return Status::Ok();
}

}  // namespace

Result<PluginYaml> ParsePluginYaml(std::string_view text) {
  PluginYaml yaml;
  bool seen_executable = false, seen_options = false, seen_content = false;
  bool in_options = false;  // the lines after "options:" with nothing on it
  size_t options_indent = 0;
  size_t line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? text.npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    size_t indent = line.find_first_not_of(' ');
    if (indent == std::string_view::npos) continue;
    if (line[indent] == '\t')
      return LineError(line_no, "a tab in indentation (YAML allows spaces only)");
    if (line[indent] == '#') continue;
    if (!seen_content && indent == 0 && line.substr(0, 3) == "---" &&
        line.find_first_not_of(' ', 3) == std::string_view::npos) {
      seen_content = true;
      continue;
    }
    seen_content = true;
    size_t key_end = indent;
    while (key_end < line.size() && IsKeyChar(line[key_end])) ++key_end;
    if (key_end == indent || key_end >= line.size() || line[key_end] != ':' ||
        (key_end + 1 < line.size() && line[key_end + 1] != ' '))
      return LineError(line_no, "expected 'key: value', found '" + EscapeForMessage(line) + "'");
    std::string key(line.substr(indent, key_end - indent));
    std::string_view rest = line.substr(key_end + 1);

    if (indent > 0) {
      if (!in_options)
        return LineError(line_no,
                         "unexpected indentation (only entries under 'options:' are indented)");
      if (options_indent == 0) options_indent = indent;
      if (indent != options_indent)
        return LineError(line_no,
                         "entries under 'options:' must all be indented alike (nested "
                         "values are not supported)");
      std::string value;
      RETURN_IF_ERROR(ParseScalar(rest, line_no, &value));
      if (!yaml.options.emplace(key, value).second)
        return LineError(line_no, "option '" + key + "' given twice");
      continue;
    }

    in_options = false;
    if (key == "executablepath") {
      if (seen_executable) return LineError(line_no, "'executablepath' given twice");
      seen_executable = true;
      RETURN_IF_ERROR(ParseScalar(rest, line_no, &yaml.executable_path));
    } else if (key == "options") {
      if (seen_options) return LineError(line_no, "'options' given twice");
      seen_options = true;
      size_t v = rest.find_first_not_of(' ');
      std::string_view value = v == std::string_view::npos ? "" : rest.substr(v);
      if (value.empty() || value[0] == '#') {
        in_options = true;
        options_indent = 0;
      } else if (value.substr(0, 2) == "{}" && OnlyCommentLeft(value.substr(2))) {
        // an empty mapping, as yaml.Marshal writes one
      } else {
        return LineError(line_no,
                         "'options' must be a mapping of names to values, one per "
                         "indented line");
      }
    } else {
      return LineError(line_no, "unknown key '" + EscapeForMessage(key) +
                                    "' (a plugin configuration has executablepath and options)");
    }
  }
  return yaml;
}

Result<PluginConfig> ConfigFromYaml(const PluginYaml& yaml) {
  if (yaml.executable_path.empty())
    return Status::Usage("executablepath is required (gpbackup runs the plugin from it)");
  PluginConfig config;
  std::string codec = "zstd", level;
  for (const auto& [key, value] : yaml.options) {
    if (key == "directory") {
      config.directory = value;
    } else if (key == "remote_command") {
      config.remote_command = value;
    } else if (key == "codec") {
      codec = value;
    } else if (key == "level") {
      level = value;
    } else if (key == "restore_subset") {
      if (value != "on" && value != "off")
        return Status::Usage("option restore_subset takes on or off, not '" +
                             EscapeForMessage(value) + "'");
      config.restore_subset = value == "on";
    } else if (key == "pgport" || key == "backup_plugin_version") {
      // gpbackup adds these to each host's copy; nothing here needs them
    } else {
      return Status::Usage("unknown option '" + EscapeForMessage(key) + "'")
          .WithHint("options are directory, remote_command, codec, level and restore_subset");
    }
  }
  if (config.directory.empty())
    return Status::Usage("option directory is required (where backups are stored)");
  if (config.directory[0] != '/')
    return Status::Usage("option directory must be an absolute path, not '" +
                         EscapeForMessage(config.directory) + "'");
  if (config.remote_command.find_first_not_of(" \t") == std::string::npos)
    config.remote_command.clear();
  if (!format::ParseCodecName(codec, &config.codec))
    return Status::Usage("option codec takes zstd, lz4, gzip or none, not '" +
                         EscapeForMessage(codec) + "'");
  LevelRange range = LevelRangeFor(config.codec);
  if (config.codec == format::Codec::kZstd) range.max = 19;  // 20 and up need zpipe's --ultra
  config.level =
      config.codec == format::Codec::kZstd ? zpipe::kDefaultZstdLevel : range.default_level;
  if (!level.empty()) {
    char* end = nullptr;
    errno = 0;
    long n = std::strtol(level.c_str(), &end, 10);
    if (errno != 0 || *end != '\0' || n < range.min || n > range.max)
      return Status::Usage("option level for " + codec + " takes " + std::to_string(range.min) +
                           " to " + std::to_string(range.max) + ", not '" +
                           EscapeForMessage(level) + "'");
    config.level = static_cast<int>(n);
  }
  return config;
}

Result<PluginConfig> LoadPluginConfig(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::FromErrno(errno, "cannot read plugin config " + EscapeForMessage(path));
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad())
    return Status::FromErrno(errno, "cannot read plugin config " + EscapeForMessage(path));
  std::string text = buf.str();
  if (text.size() > kMaxConfigBytes)
    return Status::Usage("plugin config " + EscapeForMessage(path) + " is larger than 1 MiB");
  auto yaml = ParsePluginYaml(text);
  if (!yaml.ok()) return yaml.take_status().Prefix("plugin config " + EscapeForMessage(path));
  auto config = ConfigFromYaml(*yaml);
  if (!config.ok()) return config.take_status().Prefix("plugin config " + EscapeForMessage(path));
  return config;
}

}  // namespace segstream::plugin
