// The TABLE argument of --extract: an exact table name, "schema.table" or "table", each
// part either plain or double-quoted as SQL writes it ("sales"."Order Items", with "" for
// a quote inside). No wildcards: extraction names one table. A plain part matches the
// identifier as typed or folded to lower case (so both `sales.Order Items`, as the listing
// shows it without quotes, and `PUBLIC.ORDERS` work); a quoted part matches exactly.
// Without a schema the name matches in every schema.
#pragma once

#include <optional>
#include <string>

#include "lib/common/base/status.h"

namespace segstream::toc {

class TablePattern {
 public:
  static Result<TablePattern> Parse(const std::string& text);
  bool Matches(const std::string& schema, const std::string& name) const;
  const std::string& text() const { return text_; }

 private:
  struct Part {
    std::string value;
    bool quoted = false;
    bool Matches(const std::string& ident) const;
  };
  std::string text_;
  std::optional<Part> schema_;
  Part name_;
};

}  // namespace segstream::toc
