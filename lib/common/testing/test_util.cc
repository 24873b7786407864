#include "lib/common/testing/test_util.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>

namespace segstream::testing {

TempFile::TempFile() {
  char tmpl[] = "/tmp/segstream-test-XXXXXX";
  int fd = ::mkstemp(tmpl);
  ::close(fd);
  path_ = tmpl;
}

TempFile::~TempFile() { ::unlink(path_.c_str()); }

std::vector<uint8_t> TempFile::Read() const {
  std::ifstream in(path_, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

void TempFile::Write(const std::vector<uint8_t>& bytes) const {
  std::ofstream out(path_, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

namespace {

// A helper that fails quietly would let a test pass on a stream it never built.
void Check(const Status& st, const char* what) {
  if (!st.ok()) ADD_FAILURE() << "BuildStream: " << what << ": " << st.ToString();
}

}  // namespace

std::vector<uint8_t> BuildStream(const std::vector<TestTable>& tables, WriterOptions options,
                                 bool interleave) {
  TempFile file;
  {
    int fd = ::open(file.path().c_str(), O_WRONLY | O_TRUNC);
    BufferedSink sink(fd, file.path());
    StreamWriter writer(&sink, options);
    StreamInfo info;
    info.producer = "unit-test";
    info.database = "testdb";
    info.encoding = "UTF8";
    Check(writer.Begin(info), "Begin");
    std::vector<std::unique_ptr<TableWriter>> writers;
    auto add_rows = [](TableWriter* w, const TestTable& t, size_t from, size_t to) {
      for (size_t i = from; i < to && i < t.rows.size(); ++i)
        Check(w->AddRow(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(t.rows[i].data()),
                                                 t.rows[i].size())),
              "AddRow");
    };
    for (const auto& t : tables) {
      TableInfo ti;
      ti.schema = t.schema;
      ti.name = t.name;
      ti.columns = {{"line", "text", false}};
      auto table = writer.NewTable(ti);
      Check(table.status(), "NewTable");
      if (!table.ok()) return {};
      writers.push_back(std::move(table.value()));
      if (!interleave) {
        add_rows(writers.back().get(), t, 0, t.rows.size());
        Check(writers.back()->Finish(), "table Finish");
      }
    }
    if (interleave) {
      size_t longest = 0;
      for (const auto& t : tables) longest = std::max(longest, t.rows.size());
      for (size_t at = 0; at < longest; at += 7)
        for (size_t i = 0; i < tables.size(); ++i)
          add_rows(writers[i].get(), tables[i], at, at + 7);
      for (auto& w : writers) Check(w->Finish(), "table Finish");
    }
    Check(writer.Finish(), "Finish");
    Check(sink.Flush(), "Flush");
    ::close(fd);
  }
  return file.Read();
}

std::string TestDataPath(const std::string& file) {
  const char* dir = std::getenv("SEGSTREAM_TESTDATA");
  return std::string(dir != nullptr ? dir : "../shared/testdata") + "/" + file;
}

std::vector<std::vector<std::string>> ParseCsv(const std::string& text) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  bool in_quotes = false, any = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_quotes) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        in_quotes = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      in_quotes = any = true;
    } else if (c == ',') {
      record.push_back(field);
      field.clear();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      record.push_back(field);
      records.push_back(record);
      record.clear();
      field.clear();
      any = false;
    } else {
      field += c;
      any = true;
    }
  }
  if (any || !field.empty() || !record.empty()) {
    record.push_back(field);
    records.push_back(record);
  }
  return records;
}

}  // namespace segstream::testing
