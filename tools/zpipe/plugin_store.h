// Where objects live: a directory on this host, or one on another host reached through a
// command (options remote_command, e.g. "ssh backup@vault"). Both give the same guarantee:
// an object appears under its name only after every byte of it was written; a failed or
// interrupted upload leaves nothing under the name (a partial file may stay behind under a
// ".partial" name on a remote side that went away).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "lib/common/base/status.h"
#include "lib/common/io/byte_io.h"
#include "tools/zpipe/plugin_config.h"
#include "tools/zpipe/plugin_object.h"

namespace segstream::plugin {

class ObjectStore {
 public:
  virtual ~ObjectStore() = default;
  // Creates the store's directory if needed and checks that it can be written.
  virtual Status Prepare() = 0;
  // Stores what `produce` writes as object `name` (its folder created as needed).
  virtual Status Put(const ObjectName& name,
                     const std::function<Status(BufferedSink*)>& produce) = 0;
  // Runs `consume` over the object's bytes. kIo "no stored object ..." when it is absent.
  virtual Status Get(const ObjectName& name,
                     const std::function<Status(BufferedSource*)>& consume) = 0;
  // Removes a folder (a whole backup) and its date folder if that is left empty. kIo when
  // there is no such folder.
  virtual Status RemoveFolder(const std::string& folder) = 0;
  // "/srv/bk/x.sgs" or "vault:/srv/bk/x.sgs", for messages.
  virtual std::string Describe(const std::string& relative) const = 0;
};

std::unique_ptr<ObjectStore> MakeObjectStore(const PluginConfig& config);

}  // namespace segstream::plugin
