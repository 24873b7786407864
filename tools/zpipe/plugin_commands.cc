#include "tools/zpipe/plugin_commands.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "lib/common/base/text_escape.h"
#include "lib/common/cli/version.h"
#include "lib/common/io/byte_io.h"
#include "tools/zpipe/plugin_blob.h"
#include "tools/zpipe/plugin_config.h"
#include "tools/zpipe/plugin_object.h"
#include "tools/zpipe/plugin_store.h"

namespace segstream::plugin {

namespace {

using Args = std::vector<std::string>;

Status WrongArguments(const std::string& command, const std::string& usage) {
  return Status::Usage(command + " takes " + usage)
      .WithHint("run '" + std::string(kToolName) + " --help' for usage");
}

BlobOptions BlobOptionsFor(const PluginConfig& config) { return {config.codec, config.level}; }

Status PrintLine(const std::string& line) {
  BufferedSink out(1, "stdout");
  RETURN_IF_ERROR(out.Write(line.data(), line.size()));
  RETURN_IF_ERROR(out.Write("\n", 1));
  return out.Flush();
}

// gpbackup passes the content ID as "\"-1\"" through bash, so it arrives with its quotes.
Status CheckContentId(const std::string& text) {
  std::string id = text;
  if (id.size() >= 2 && id.front() == '"' && id.back() == '"') id = id.substr(1, id.size() - 2);
  char* end = nullptr;
  errno = 0;
  long n = std::strtol(id.c_str(), &end, 10);
  if (id.empty() || *end != '\0' || errno != 0 || n < -1)
    return Status::Usage("'" + EscapeForMessage(text) + "' is not a content ID (-1 or more)");
  return Status::Ok();
}

// setup_* and cleanup_*: CONFIG LOCAL_BACKUP_DIR SCOPE [CONTENT_ID], the content ID given
// for the coordinator and segment scopes only ("master" is gpbackup's older word).
Status CheckHookArguments(const std::string& command, const Args& args) {
  const std::string usage = "CONFIG LOCAL_BACKUP_DIR SCOPE [CONTENT_ID]";
  if (args.size() < 4 || args.size() > 5) return WrongArguments(command, usage);
  const std::string& scope = args[3];
  bool wants_id = scope == "coordinator" || scope == "master" || scope == "segment";
  if (!wants_id && scope != "segment_host")
    return Status::Usage("scope '" + EscapeForMessage(scope) +
                         "' is not coordinator, master, segment_host or segment");
  if (wants_id && args.size() != 5)
    return Status::Usage(command + " at scope " + scope + " needs a content ID");
  if (!wants_id && args.size() != 4)
    return Status::Usage(command + " at scope segment_host takes no content ID");
  if (wants_id) RETURN_IF_ERROR(CheckContentId(args[4]));
  return Status::Ok();
}

Status SetupForBackup(const Args& args) {
  RETURN_IF_ERROR(CheckHookArguments(args[0], args));
  ASSIGN_OR_RETURN(PluginConfig config, LoadPluginConfig(args[1]));
  // Once per cluster and once per host: the store must exist and take writes before any
  // data is sent (a segment shares its host's store).
  if (args[3] == "segment") return Status::Ok();
  return MakeObjectStore(config)->Prepare();
}

Status SetupForRestore(const Args& args) {
  RETURN_IF_ERROR(CheckHookArguments(args[0], args));
  ASSIGN_OR_RETURN(PluginConfig config, LoadPluginConfig(args[1]));
  (void)config;
  // gprestore reads restored files from the local backup directory: it must exist.
  std::error_code ec;
  std::filesystem::create_directories(args[2], ec);
  if (ec) return Status::Io("cannot create " + EscapeForMessage(args[2]) + ": " + ec.message());
  return Status::Ok();
}

// Nothing to tear down: every command opens and closes what it uses. The configuration is
// still checked, so a broken one is reported at every step gpbackup takes.
Status Cleanup(const Args& args) {
  RETURN_IF_ERROR(CheckHookArguments(args[0], args));
  return LoadPluginConfig(args[1]).status();
}

Status Store(const PluginConfig& config, const std::string& key, const std::string& kind, int in_fd,
             const std::string& in_name) {
  ASSIGN_OR_RETURN(ObjectName name, ObjectForKey(key));
  auto store = MakeObjectStore(config);
  return store->Put(name, [&](BufferedSink* sink) {
    return WriteBlob(in_fd, in_name, {kind, key}, BlobOptionsFor(config), sink);
  });
}

Status BackupFile(const Args& args) {
  if (args.size() != 3) return WrongArguments(args[0], "CONFIG FILE");
  ASSIGN_OR_RETURN(PluginConfig config, LoadPluginConfig(args[1]));
  UniqueFd fd(::open(args[2].c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return Status::FromErrno(errno, "cannot open " + EscapeForMessage(args[2]));
  return Store(config, args[2], "file", fd.get(), EscapeForMessage(args[2]));
}

Status BackupData(const Args& args) {
  if (args.size() != 3) return WrongArguments(args[0], "CONFIG KEY (and the data on stdin)");
  ASSIGN_OR_RETURN(PluginConfig config, LoadPluginConfig(args[1]));
  return Store(config, args[2], "data", 0, "stdin");
}

Status RestoreFile(const Args& args) {
  if (args.size() != 3) return WrongArguments(args[0], "CONFIG FILE");
  ASSIGN_OR_RETURN(PluginConfig config, LoadPluginConfig(args[1]));
  const std::string& path = args[2];
  ASSIGN_OR_RETURN(ObjectName name, ObjectForKey(path));
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  if (ec)
    return Status::Io("cannot create " + EscapeForMessage(parent.string()) + ": " + ec.message());
  // Written beside FILE and renamed: a corrupt object leaves no file, not half of one.
  PendingOutput pending;
  std::optional<UniqueFd> fd;
  Status st = MakeObjectStore(config)->Get(name, [&](BufferedSource* source) {
    auto opened = OpenOutput(path, &pending);
    if (!opened.ok()) return opened.take_status();
    fd = std::move(*opened);
    BufferedSink sink(fd->get(), EscapeForMessage(path));
    return ReadBlob(source, path, &sink);
  });
  if (!st.ok()) {
    pending.Discard();
    return st;
  }
  RETURN_IF_ERROR(fd->Close(EscapeForMessage(path)));
  return pending.Commit();
}

Status RestoreData(const Args& args) {
  if (args.size() != 3) return WrongArguments(args[0], "CONFIG KEY");
  ASSIGN_OR_RETURN(PluginConfig config, LoadPluginConfig(args[1]));
  ASSIGN_OR_RETURN(ObjectName name, ObjectForKey(args[2]));
  BufferedSink out(1, "stdout");
  return MakeObjectStore(config)->Get(
      name, [&](BufferedSource* source) { return ReadBlob(source, args[2], &out); });
}

Status RestoreDataSubset(const Args& args) {
  if (args.size() != 4) return WrongArguments(args[0], "CONFIG KEY OFFSETS_FILE");
  ASSIGN_OR_RETURN(PluginConfig config, LoadPluginConfig(args[1]));
  ASSIGN_OR_RETURN(ObjectName name, ObjectForKey(args[2]));
  std::ifstream in(args[3]);
  if (!in) return Status::FromErrno(errno, "cannot read offsets file " + EscapeForMessage(args[3]));
  std::stringstream text;
  text << in.rdbuf();
  auto ranges = ParseOffsets(text.str());
  if (!ranges.ok()) return ranges.take_status().Prefix("offsets file " + EscapeForMessage(args[3]));
  BufferedSink out(1, "stdout");
  auto store = MakeObjectStore(config);
  // gprestore lists its tables' ranges in the order it restores them; a range before the
  // last one read needs the object read again from its start.
  for (const auto& pass : RangePasses(*ranges))
    RETURN_IF_ERROR(store->Get(
        name, [&](BufferedSource* source) { return ReadBlob(source, args[2], &out, &pass); }));
  return out.Flush();
}

Status DeleteBackup(const Args& args) {
  if (args.size() != 3) return WrongArguments(args[0], "CONFIG TIMESTAMP");
  ASSIGN_OR_RETURN(PluginConfig config, LoadPluginConfig(args[1]));
  ASSIGN_OR_RETURN(std::string folder, FolderForTimestamp(args[2]));
  return MakeObjectStore(config)->RemoveFolder(folder);
}

Status ApiVersion(const Args& args) {
  if (args.size() != 1) return WrongArguments(args[0], "no arguments");
  return PrintLine(kApiVersion);
}

}  // namespace

std::string PluginVersionLine() { return std::string(kToolName) + " version " + kSegstreamVersion; }

std::string PluginHelp() {
  return std::string("Usage: ") + kToolName + R"( COMMAND ARGUMENTS...
A gpbackup / gprestore storage plugin: keeps every file and data stream as a compressed,
checksummed segstream in a directory, here or through a command (ssh), so a backup can be
checked with 'toc --verify' without a cluster.

Commands (gpbackup's plugin API 0.5.0; CONFIG is gpbackup's plugin YAML):
  plugin_api_version                          print the API version
  setup_plugin_for_backup CONFIG DIR SCOPE [ID]   create and check the store
  setup_plugin_for_restore CONFIG DIR SCOPE [ID]  create the local backup directory
  cleanup_plugin_for_backup CONFIG DIR SCOPE [ID] check the configuration
  cleanup_plugin_for_restore CONFIG DIR SCOPE [ID]
                        SCOPE: coordinator (or master), segment_host, segment;
                        ID, the content ID, for coordinator and segment only
  backup_file CONFIG FILE                     store FILE (it stays in place)
  restore_file CONFIG FILE                    write the stored FILE back to its path
  backup_data CONFIG KEY                      store stdin under KEY
  restore_data CONFIG KEY                     write KEY's bytes to stdout, verified
  restore_data_subset CONFIG KEY OFFSETS_FILE  only the byte ranges OFFSETS_FILE lists
                        ("COUNT BEGIN END ...", as gprestore writes it)
  delete_backup CONFIG TIMESTAMP              remove the backup TIMESTAMP (YYYYMMDDHHMMSS)

Options (in CONFIG's options: mapping):
  directory       absolute path of the store (required; on the far side with remote_command)
  remote_command  e.g. "ssh backup@vault": reach the directory through this command
  codec           zstd, lz4, gzip or none (default zstd)
  level           compression level (default: zstd 1, lz4 1, gzip 6)
  restore_subset  on: gprestore reads single tables with restore_data_subset (default off)

  --help          print this help and exit
  --version       print the version and exit (")" +
         PluginVersionLine() + R"(")

Exit status: 0 ok; 1 runtime failure (I/O, no stored object, remote command failed);
2 usage (unknown command, wrong arguments, invalid configuration); 3 stored object
corrupt or truncated.
)";
}

Status RunPluginCommand(const Args& args) {
  static const std::map<std::string, Status (*)(const Args&)> kCommands = {
      {"plugin_api_version", ApiVersion},
      {"setup_plugin_for_backup", SetupForBackup},
      {"setup_plugin_for_restore", SetupForRestore},
      {"cleanup_plugin_for_backup", Cleanup},
      {"cleanup_plugin_for_restore", Cleanup},
      {"backup_file", BackupFile},
      {"restore_file", RestoreFile},
      {"backup_data", BackupData},
      {"restore_data", RestoreData},
      {"restore_data_subset", RestoreDataSubset},
      {"delete_backup", DeleteBackup},
  };
  if (args.empty())
    return Status::Usage("no command given")
        .WithHint("run '" + std::string(kToolName) + " --help' for usage");
  auto it = kCommands.find(args[0]);
  if (it == kCommands.end())
    return Status::Usage("unknown command '" + EscapeForMessage(args[0]) + "'")
        .WithHint("run '" + std::string(kToolName) + " --help' for the commands");
  return it->second(args);
}

}  // namespace segstream::plugin
