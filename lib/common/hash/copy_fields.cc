// COPY-level decoding for datum.h: undoing text escapes and CSV quotes, finding key fields in
// a row of any COPY format, and KeyParser over both.
#include <algorithm>
#include <cstring>

#include "lib/common/hash/datum.h"
#include "lib/common/hash/datum_support.h"

namespace segstream {
namespace {

using namespace datum_detail;

// Undoes COPY text escaping (CopyReadAttributesText): \b \f \n \r \t \v, \ooo octal,
// \xH[H] hex, and a backslash before any other byte stands for that byte.
void UnescapeCopyText(std::string_view field, std::string* out) {
  out->clear();
  for (size_t i = 0; i < field.size();) {
    char c = field[i++];
    if (c != '\\' || i == field.size()) {
      out->push_back(c);
      continue;
    }
    c = field[i++];
    if (c >= '0' && c <= '7') {
      int v = c - '0';
      for (int k = 0; k < 2 && i < field.size() && field[i] >= '0' && field[i] <= '7'; ++k) {
        v = v * 8 + (field[i++] - '0');
      }
      out->push_back(static_cast<char>(v & 0xff));
    } else if (c == 'x' && i < field.size() && HexValue(field[i]) >= 0) {
      int v = HexValue(field[i++]);
      if (i < field.size() && HexValue(field[i]) >= 0) v = v * 16 + HexValue(field[i++]);
      out->push_back(static_cast<char>(v));
    } else {
      switch (c) {
        case 'b': c = '\b'; break;
        case 'f': c = '\f'; break;
        case 'n': c = '\n'; break;
        case 'r': c = '\r'; break;
        case 't': c = '\t'; break;
        case 'v': c = '\v'; break;
        default: break;
      }
      out->push_back(c);
    }
  }
}

// Removes CSV quoting (CopyReadAttributesCSV): quotes may open and close anywhere in the
// field and a doubled quote inside quotes is one quote. Returns false if a quote is left open.
bool UnquoteCsv(std::string_view field, std::string* out) {
  out->clear();
  bool in_quotes = false;
  for (size_t i = 0; i < field.size(); ++i) {
    char c = field[i];
    if (c != '"') {
      out->push_back(c);
    } else if (!in_quotes) {
      in_quotes = true;
    } else if (i + 1 < field.size() && field[i + 1] == '"') {
      out->push_back('"');
      ++i;
    } else {
      in_quotes = false;
    }
  }
  return !in_quotes;
}

}  // namespace

bool ParseCopyField(CopyFormat format, PgType type, std::string_view field, DatumBuffer* buffer,
                    Datum* out, std::string* error) {
  switch (format) {
    case CopyFormat::kText:
      if (field == "\\N") {
        *out = Datum::Null(type);
        return true;
      }
      if (field.find('\\') != std::string_view::npos) {
        UnescapeCopyText(field, &buffer->field);
        return ParseTextValue(type, buffer->field, buffer, out, error);
      }
      return ParseTextValue(type, field, buffer, out, error);
    case CopyFormat::kCsv:
      if (field.find('"') == std::string_view::npos) {
        if (field.empty()) {
          *out = Datum::Null(type);
          return true;
        }
        return ParseTextValue(type, field, buffer, out, error);
      }
      if (!UnquoteCsv(field, &buffer->field)) {
        if (error != nullptr) *error = "unterminated CSV quoted field " + Quoted(field);
        return false;
      }
      return ParseTextValue(type, buffer->field, buffer, out, error);
    case CopyFormat::kBinary: {
      if (field.size() < 4) {
        if (error != nullptr) *error = "binary COPY field shorter than its length word";
        return false;
      }
      const int32_t len = static_cast<int32_t>(LoadBe32(field.data()));
      if (len == -1 && field.size() == 4) {
        *out = Datum::Null(type);
        return true;
      }
      if (len < 0 || static_cast<size_t>(len) != field.size() - 4) {
        if (error != nullptr) *error = "binary COPY field length does not match its bytes";
        return false;
      }
      return ParseBinaryValue(type, field.substr(4), buffer, out, error);
    }
  }
  return false;
}

bool FindCopyFields(CopyFormat format, std::string_view row, std::span<const int> columns,
                    std::span<std::string_view> fields, std::string* error) {
  int last = -1;
  for (int c : columns) last = std::max(last, c);
  if (last < 0 || fields.size() < columns.size()) {
    if (error != nullptr) *error = "no key columns to find";
    return false;
  }
  auto store = [&](int index, std::string_view field) {
    for (size_t k = 0; k < columns.size(); ++k) {
      if (columns[k] == index) fields[k] = field;
    }
  };
  auto too_few = [&](int found) {
    if (error != nullptr) {
      *error = "row has " + std::to_string(found) + " fields, key column " +
               std::to_string(last + 1) + " is missing";
    }
    return false;
  };
  const char* const begin = row.data();
  const size_t n = row.size();
  size_t pos = 0;
  switch (format) {
    case CopyFormat::kText:
      for (int index = 0;; ++index) {
        // A tab preceded by an odd number of backslashes is escaped data, not a delimiter.
        size_t end = pos;
        while (true) {
          const void* tab = std::memchr(begin + end, '\t', n - end);
          end = tab == nullptr ? n : static_cast<size_t>(static_cast<const char*>(tab) - begin);
          size_t slashes = 0;
          while (end - slashes > pos && begin[end - slashes - 1] == '\\') ++slashes;
          if (end == n || slashes % 2 == 0) break;
          ++end;
        }
        store(index, row.substr(pos, end - pos));
        if (index == last) return true;
        if (end == n) return too_few(index + 1);
        pos = end + 1;
      }
    case CopyFormat::kCsv:
      for (int index = 0;; ++index) {
        size_t end = pos;
        bool in_quotes = false;
        while (end < n && (in_quotes || begin[end] != ',')) {
          if (begin[end] == '"') in_quotes = !in_quotes;
          ++end;
        }
        store(index, row.substr(pos, end - pos));
        if (index == last) return true;
        if (end == n) return too_few(index + 1);
        pos = end + 1;
      }
    case CopyFormat::kBinary: {
      if (n < 2) return too_few(0);
      const int count = static_cast<int16_t>(LoadBe16(begin));
      if (count <= last) return too_few(std::max(count, 0));
      pos = 2;
      for (int index = 0; index <= last; ++index) {
        if (n - pos < 4) break;
        const int32_t len = static_cast<int32_t>(LoadBe32(begin + pos));
        const size_t size = 4 + (len == -1 ? 0 : static_cast<size_t>(len));
        if (len < -1 || n - pos < size) break;
        store(index, row.substr(pos, size));
        pos += size;
        if (index == last) return true;
      }
      if (error != nullptr) *error = "binary COPY tuple is truncated";
      return false;
    }
  }
  return false;
}

Result<KeyParser> KeyParser::Create(CopyFormat format, std::vector<int> columns,
                                    std::vector<PgType> types) {
  if (columns.empty() || columns.size() != types.size()) {
    return Status::Usage("a distribution key needs one type per key column");
  }
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i] < 0) return Status::Usage("negative key column position");
    for (size_t j = 0; j < i; ++j) {
      if (columns[j] == columns[i]) {
        return Status::Usage("key column " + std::to_string(columns[i] + 1) + " is repeated");
      }
    }
  }
  KeyParser parser;
  parser.format_ = format;
  parser.columns_ = std::move(columns);
  parser.key_.resize(types.size());
  for (size_t i = 0; i < types.size(); ++i) parser.key_[i] = Datum::Null(types[i]);
  parser.fields_.resize(types.size());
  parser.buffers_.resize(types.size());
  return parser;
}

bool KeyParser::Parse(std::string_view row, std::string* error) {
  if (!FindCopyFields(format_, row, columns_, fields_, error)) return false;
  for (size_t i = 0; i < key_.size(); ++i) {
    if (!ParseCopyField(format_, key_[i].type, fields_[i], &buffers_[i], &key_[i], error)) {
      if (error != nullptr) {
        *error = "key column " + std::to_string(columns_[i] + 1) + ": " + *error;
      }
      return false;
    }
  }
  return true;
}

}  // namespace segstream
