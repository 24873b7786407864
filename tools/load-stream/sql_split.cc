#include "tools/load-stream/sql_split.h"

#include <cctype>

namespace segstream::load {
namespace {

std::string Trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

// The dollar-quote tag starting at sql[i] ("$$", "$body$"), or "" if there is none.
std::string DollarTag(std::string_view sql, size_t i) {
  size_t j = i + 1;
  while (j < sql.size() && (std::isalnum(static_cast<unsigned char>(sql[j])) || sql[j] == '_')) ++j;
  if (j < sql.size() && sql[j] == '$' &&
      !(j > i + 1 && std::isdigit(static_cast<unsigned char>(sql[i + 1]))))
    return std::string(sql.substr(i, j - i + 1));
  return "";
}

}  // namespace

std::vector<std::string> SplitSqlStatements(std::string_view sql) {
  std::vector<std::string> out;
  std::string cur;
  bool at_line_start = true;
  bool has_code = false;  // cur holds something besides blank space
  auto flush = [&] {
    std::string t = Trim(cur);
    if (has_code && !t.empty()) out.push_back(t);
    cur.clear();
    has_code = false;
  };
  size_t i = 0;
  while (i < sql.size()) {
    char c = sql[i];
    if (at_line_start && !has_code && c == '\\') {  // psql meta-command: skip the line
      while (i < sql.size() && sql[i] != '\n') ++i;
      continue;
    }
    at_line_start = false;
    if (c == '\n') {
      at_line_start = true;
      cur += c;
      ++i;
      continue;
    }
    if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      while (i < sql.size() && sql[i] != '\n') ++i;
      continue;
    }
    if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      int depth = 0;  // PostgreSQL block comments nest
      while (i < sql.size()) {
        if (sql.compare(i, 2, "/*") == 0) {
          ++depth;
          i += 2;
          continue;
        }
        if (sql.compare(i, 2, "*/") == 0) {
          i += 2;
          if (--depth == 0) break;
          continue;
        }
        ++i;
      }
      cur += ' ';
      continue;
    }
    if (c == ';') {
      cur += c;
      ++i;
      flush();
      continue;
    }
    has_code = has_code || !std::isspace(static_cast<unsigned char>(c));
    if (c == '\'' || c == '"') {
      bool escapes = c == '\'' && i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e');
      cur += c;
      ++i;
      while (i < sql.size()) {
        char d = sql[i];
        cur += d;
        ++i;
        if (escapes && d == '\\' && i < sql.size()) {
          cur += sql[i];
          ++i;
          continue;
        }
        if (d == c) {
          if (i < sql.size() && sql[i] == c) {
            cur += c;
            ++i;
            continue;
          }
          break;
        }
      }
      continue;
    }
    if (c == '$') {
      std::string tag = DollarTag(sql, i);
      if (!tag.empty()) {
        size_t end = sql.find(tag, i + tag.size());
        size_t stop = end == std::string_view::npos ? sql.size() : end + tag.size();
        cur.append(sql.substr(i, stop - i));
        i = stop;
        continue;
      }
    }
    cur += c;
    ++i;
  }
  flush();
  return out;
}

}  // namespace segstream::load
