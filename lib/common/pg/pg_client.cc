#include "lib/common/pg/pg_client.h"

#include <glob.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <set>

#include "lib/common/io/child_process.h"

namespace segstream {

namespace {

std::string MajorOf(int version_num) {
  if (version_num >= 100000) return std::to_string(version_num / 10000);
  return std::to_string(version_num / 10000) + "." + std::to_string(version_num / 100 % 100);
}

bool SameMajorOrNewer(int client, int server) {
  return server >= 100000 ? client / 10000 >= server / 10000 : client / 100 >= server / 100;
}

std::vector<std::string> InstalledCopies(const std::string& name) {
  std::vector<std::string> paths;
  std::set<std::string> seen;
  auto add = [&](const std::string& p) {
    char* real = ::realpath(p.c_str(), nullptr);
    std::string key = real ? real : p;
    std::free(real);
    if (::access(p.c_str(), X_OK) == 0 && seen.insert(key).second) paths.push_back(p);
  };
  if (const char* path = std::getenv("PATH")) {
    std::string dirs = path;
    size_t at = 0;
    while (at <= dirs.size()) {
      size_t end = dirs.find(':', at);
      if (end == std::string::npos) end = dirs.size();
      std::string dir = dirs.substr(at, end - at);
      if (!dir.empty()) add(dir + "/" + name);
      at = end + 1;
    }
  }
  glob_t g{};
  std::string pattern = "/usr/lib/postgresql/*/bin/" + name;
  if (::glob(pattern.c_str(), 0, nullptr, &g) == 0)
    for (size_t i = 0; i < g.gl_pathc; ++i) add(g.gl_pathv[i]);
  ::globfree(&g);
  return paths;
}

// Asked once per program and process: dump-stream runs pg_dump twice.
int VersionOf(const std::string& path) {
  static std::mutex mu;
  static std::map<std::string, int> cache;
  std::lock_guard<std::mutex> lock(mu);
  if (auto it = cache.find(path); it != cache.end()) return it->second;
  ChildSpec spec;
  spec.argv = {path, "--version"};
  auto r = RunChild(spec);
  int v = r.ok() && r->exit_status == 0 ? ParseClientVersion(r->out) : 0;
  cache[path] = v;
  return v;
}

bool IsScript(const std::string& path) {
  char magic[2] = {0, 0};
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return false;
  const size_t n = std::fread(magic, 1, sizeof magic, f);
  std::fclose(f);
  return n == 2 && magic[0] == '#' && magic[1] == '!';
}

}  // namespace

int ParseClientVersion(const std::string& out) {
  size_t at = out.find(") ");
  if (at == std::string::npos) return 0;
  at += 2;
  int parts[3] = {0, 0, 0};
  int n = 0;
  while (n < 3 && at < out.size() && std::isdigit(static_cast<unsigned char>(out[at]))) {
    int v = 0;
    while (at < out.size() && std::isdigit(static_cast<unsigned char>(out[at])) && v < 100000)
      v = v * 10 + (out[at++] - '0');
    parts[n++] = v;
    if (at < out.size() && out[at] == '.')
      ++at;
    else
      break;
  }
  if (n == 0 || parts[0] == 0) return 0;
  // 10 and later: major.minor; before: major.major.minor.
  if (parts[0] >= 10) return parts[0] * 10000 + parts[1];
  return parts[0] * 10000 + parts[1] * 100 + parts[2];
}

Result<std::string> ChooseClient(const std::string& name, int server_version_num,
                                 const std::vector<ClientCandidate>& candidates) {
  const ClientCandidate* best = nullptr;
  for (const ClientCandidate& c : candidates)
    if (SameMajorOrNewer(c.version_num, server_version_num) &&
        (!best || c.version_num > best->version_num ||
         (c.version_num == best->version_num && best->script && !c.script)))
      best = &c;
  if (best) return best->path;
  std::string found;
  for (const ClientCandidate& c : candidates)
    found += (found.empty() ? "" : ", ") + c.path + " is " +
             (c.version_num ? MajorOf(c.version_num) : std::string("of unknown version"));
  const std::string major = MajorOf(server_version_num);
  return Status::Usage("the server is PostgreSQL " + major + " and no " + name + " of " + major +
                       " or newer is installed (" + found + ")")
      .WithHint("install postgresql-client-" + major +
                " or newer (apt.postgresql.org has every "
                "major for Debian), or pass --pg-bindir DIR; data-only streams need no " +
                name);
}

Result<std::string> ClientProgramFor(const ServerProfile& profile, const std::string& bindir,
                                     const std::string& name) {
  if (!bindir.empty()) return bindir + "/" + name;
  const char* gphome = std::getenv("GPHOME");
  if (profile.mpp()) {
    if (gphome && *gphome) return std::string(gphome) + "/bin/" + name;
    return name;
  }
  std::vector<ClientCandidate> candidates;
  for (const std::string& path : InstalledCopies(name))
    candidates.push_back({path, VersionOf(path), IsScript(path)});
  if (candidates.empty()) return name;
  return ChooseClient(name, profile.version_num, candidates);
}

}  // namespace segstream
