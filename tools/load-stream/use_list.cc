#include "tools/load-stream/use_list.h"

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace segstream::load {

namespace {

void SkipBlanks(const std::string& s, size_t* at) {
  while (*at < s.size() && (s[*at] == ' ' || s[*at] == '\t')) ++*at;
}

bool StartsWith(const std::string& s, size_t at, const char* word) {
  return s.compare(at, std::char_traits<char>::length(word), word) == 0;
}

}  // namespace

bool SplitListLine(const std::string& line, long* id, size_t* descriptor) {
  size_t at = 0;
  SkipBlanks(line, &at);
  size_t start = at;
  if (at < line.size() && line[at] == '-') ++at;
  while (at < line.size() && std::isdigit(static_cast<unsigned char>(line[at]))) ++at;
  if (at == start || at - start > 12 || at >= line.size() || line[at] != ';') return false;
  *id = std::strtol(line.c_str() + start, nullptr, 10);
  ++at;
  for (int number = 0; number < 2; ++number) {  // catalog id and oid
    SkipBlanks(line, &at);
    size_t n = at;
    while (at < line.size() && std::isdigit(static_cast<unsigned char>(line[at]))) ++at;
    if (at == n) return false;
  }
  SkipBlanks(line, &at);
  *descriptor = at;
  return true;
}

bool ReadListIdentifier(const std::string& line, size_t* at, std::string* ident) {
  ident->clear();
  size_t i = *at;
  if (i >= line.size()) return false;
  if (line[i] == '"') {
    ++i;
    for (;;) {
      if (i >= line.size()) return false;  // unterminated
      if (line[i] == '"') {
        if (i + 1 < line.size() && line[i + 1] == '"') {
          *ident += '"';
          i += 2;
          continue;
        }
        ++i;
        break;
      }
      *ident += line[i++];
    }
  } else {
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') *ident += line[i++];
    if (ident->empty()) return false;
  }
  *at = i;
  SkipBlanks(line, at);
  return true;
}

Result<UseList> ParseUseList(const std::string& text) {
  UseList list;
  std::istringstream in(text);
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    size_t first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == ';') continue;
    long id = 0;
    size_t at = 0;
    if (!SplitListLine(line, &id, &at))
      return Status::Usage("line " + std::to_string(number) +
                           " of the list is not a line of toc -l or pg_restore -l: " + line);
    const bool data = StartsWith(line, at, "TABLE DATA ");
    const bool sequence = StartsWith(line, at, "SEQUENCE SET ");
    if (data || sequence) {
      at += data ? 11 : 13;
      std::string schema, name;
      if (!ReadListIdentifier(line, &at, &schema) || !ReadListIdentifier(line, &at, &name))
        return Status::Usage("line " + std::to_string(number) +
                             " of the list names no schema and table: " + line);
      (data ? list.tables : list.sequences).emplace(schema, name);
    } else if (id > 0) {
      list.ids.insert(id);
    }
  }
  return list;
}

Result<UseList> ReadUseList(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::Usage("cannot read the list file '" + path + "'");
  std::ostringstream text;
  text << in.rdbuf();
  auto list = ParseUseList(text.str());
  if (!list.ok()) return list.take_status().Prefix(path);
  return list;
}

std::string FilterListing(const std::string& listing, const std::function<bool(long id)>& keep) {
  std::istringstream in(listing);
  std::string line, out;
  while (std::getline(in, line)) {
    long id = 0;
    size_t at = 0;
    if (line.empty() || line[0] == ';' || !SplitListLine(line, &id, &at)) continue;
    if (keep(id)) out += line + "\n";
  }
  return out;
}

std::string SelectFromListing(const std::string& listing, const UseList& list) {
  return FilterListing(listing, [&list](long id) { return list.ids.count(id) > 0; });
}

}  // namespace segstream::load
