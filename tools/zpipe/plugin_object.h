// Where the plugin keeps what gpbackup gives it, and the byte ranges gprestore asks back.
// gpbackup names every file and data stream by its local path, e.g.
//   /data/gpseg0/backups/20240101/20240101120000/gpbackup_0_20240101120000_16384
// so objects go under backups/DATE/TIMESTAMP/ in the store, as gpbackup's own s3 plugin
// lays them out, and delete_backup TIMESTAMP removes one such folder. A key of any other
// shape (a segstream pipeline's "app_%d.sgs") is one file at the top of the store.
// Names never reach a shell unquoted; they are escaped anyway so that no key can name a
// path outside its folder ("..", "/") or put control characters in a file name.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lib/common/base/status.h"

namespace segstream::plugin {

// An object's place relative to the store's directory.
struct ObjectName {
  std::string folder;  // "backups/20240101/20240101120000", or "" at the top
  std::string file;    // escaped key or base name, with ".sgs"
  // folder/file, or file at the top.
  std::string RelativePath() const { return folder.empty() ? file : folder + "/" + file; }
};

// `text` as one path component: '%', '/', control bytes and a leading '.' become %XX, so
// the mapping is reversible and no two keys share a name.
std::string EscapeComponent(std::string_view text);

// The object that stores `key` (kUsage for an empty key).
Result<ObjectName> ObjectForKey(std::string_view key);

// The folder delete_backup removes: "backups/DATE/TIMESTAMP"; kUsage unless `timestamp`
// is gpbackup's 14 digits (YYYYMMDDHHMMSS).
Result<std::string> FolderForTimestamp(std::string_view timestamp);

// One byte range [begin, end) of the stored bytes.
struct ByteRange {
  uint64_t begin = 0;
  uint64_t end = 0;
};

// gprestore's offsets file for restore_data_subset: "COUNT B1 E1 B2 E2 ...", numbers
// separated by blanks. kUsage when the count disagrees, a number is malformed or a range
// ends before it begins.
Result<std::vector<ByteRange>> ParseOffsets(std::string_view text);

}  // namespace segstream::plugin
