// The one version of segstream: every binary's --version and every stream's "producer".
#pragma once

#include <string>

namespace segstream {

inline constexpr const char* kSegstreamVersion = "0.1.0";

// "dump-stream (segstream) 0.1.0", the --version line of TOOL.
inline std::string VersionLine(const std::string& tool) {
  return tool + " (segstream) " + kSegstreamVersion;
}

// "dump-stream 0.1.0", the producer a stream's header names.
inline std::string ProducerName(const std::string& tool) { return tool + " " + kSegstreamVersion; }

}  // namespace segstream
