// Helpers for tests that build streams in memory: a pipe-free sink and source over a
// temporary file, so tests exercise the same fd-based I/O the tools use.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "lib/common/io/byte_io.h"
#include "lib/common/stream/stream_writer.h"

namespace segstream::testing {

// A temporary file, removed on destruction.
class TempFile {
 public:
  TempFile();
  ~TempFile();
  const std::string& path() const { return path_; }
  std::vector<uint8_t> Read() const;
  void Write(const std::vector<uint8_t>& bytes) const;

 private:
  std::string path_;
};

struct TestTable {
  std::string schema = "public";
  std::string name;
  std::vector<std::string> rows;  // each ends in '\n' as COPY text would
};

// Encodes tables into one stream (tables written one after another unless `interleave`).
std::vector<uint8_t> BuildStream(const std::vector<TestTable>& tables, WriterOptions options = {},
                                 bool interleave = false);

// The shared test vectors' directory: $SEGSTREAM_TESTDATA, else ../shared/testdata.
std::string TestDataPath(const std::string& file);
// RFC 4180 records: comma-separated, "" quoting, quoted fields may hold commas and newlines.
std::vector<std::vector<std::string>> ParseCsv(const std::string& text);

}  // namespace segstream::testing
