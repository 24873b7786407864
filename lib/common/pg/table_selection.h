// The table selection flags dump-stream and load-stream share: pg_dump's -t, -n, -T, -N
// and the --include-table-file / --exclude-table-file lists, bound to a command line and
// turned into a TableFilter the same way in both.
#pragma once

#include <string>
#include <vector>

#include "lib/common/base/status.h"
#include "lib/common/pg/table_filter.h"

// Only the binaries' mains parse options: CLI11 is header-only and adds seconds to every
// file that includes it, so the tools' other files see just this declaration.
namespace CLI {
class App;
}  // namespace CLI

namespace segstream {

struct TableSelection {
  std::vector<std::string> include_tables;
  std::vector<std::string> include_schemas;
  std::vector<std::string> exclude_tables;
  std::vector<std::string> exclude_schemas;
  std::vector<std::string> include_table_files;
  std::vector<std::string> exclude_table_files;

  // Binds the six options; `verb` words their help ("dump only tables matching PATTERN").
  // `one_value_each`: each flag takes one value, so a positional FILE after a pattern is
  // not read as a second pattern.
  void AddOptions(CLI::App& app, const std::string& verb, bool one_value_each);

  // Adds every rule to `filter`, and the exclude rules alone to `excludes` when it is
  // given. An include file listing no table is a usage error: it would otherwise add no
  // include rule, and select every table instead of none.
  Status AddTo(TableFilter* filter, TableFilter* excludes = nullptr) const;
};

}  // namespace segstream
