// The plugin configuration gpbackup hands to every plugin command: a YAML file with
// `executablepath` and an `options` mapping of strings (gpbackup's utils/plugin.go reads it
// with yaml.UnmarshalStrict into exactly that shape, and writes each host's copy with
// yaml.Marshal). Only that subset of YAML is accepted here, strictly: a file gpbackup would
// refuse, or one this parser could misread, is an error naming its line, never a guess.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "lib/common/base/status.h"
#include "lib/common/format/format.h"

namespace segstream::plugin {

// The two top-level keys, as gpbackup defines them.
struct PluginYaml {
  std::string executable_path;
  std::map<std::string, std::string> options;
};

// Parses the YAML subset: block mappings two levels deep (top level, then `options:`
// indented by spaces), plain, 'single' and "double" quoted scalars, comments, blank lines,
// an optional leading "---", and `options: {}`. Anything else (sequences, flow mappings
// with entries, anchors, tags, block scalars, tabs, duplicate keys, unknown top-level keys)
// is a kUsage error "line N: what". `name` prefixes nothing; callers add the path.
Result<PluginYaml> ParsePluginYaml(std::string_view text);

// What this plugin reads from `options`, checked and with defaults filled in.
struct PluginConfig {
  std::string directory;       // where objects live (on the remote side with remote_command)
  std::string remote_command;  // "" for a local directory; else e.g. "ssh backup@host"
  format::Codec codec = format::Codec::kZstd;
  int level = 1;  // zpipe's default zstd level (the codec's default for the others)
  bool restore_subset = false;
};

// Options gpbackup itself adds to every host's copy (pgport, backup_plugin_version) are
// accepted and ignored; an option nobody defines is an error, so a misspelt one is caught
// at setup rather than silently defaulted.
Result<PluginConfig> ConfigFromYaml(const PluginYaml& yaml);

// Reads and checks the file at `path`: kIo when it cannot be read, kUsage when it is not a
// valid configuration (message prefixed with the path).
Result<PluginConfig> LoadPluginConfig(const std::string& path);

}  // namespace segstream::plugin
