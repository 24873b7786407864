#include "lib/common/stream/schema_archive.h"

#include <cerrno>
#include <cstdio>
#include <memory>
#include <vector>

#include "lib/common/base/base64.h"

namespace segstream {
namespace {

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

}  // namespace

Status WriteArchiveSection(StreamWriter* writer, const std::string& section,
                           const std::string& path, size_t chunk_bytes) {
  FilePtr f(std::fopen(path.c_str(), "rbe"));
  if (!f) return Status::FromErrno(errno, "cannot open the " + section + " archive");
  if (std::fseek(f.get(), 0, SEEK_END) != 0) return Status::FromErrno(errno, "cannot size " + path);
  long size = std::ftell(f.get());
  if (size < 0) return Status::FromErrno(errno, "cannot size " + path);
  std::rewind(f.get());
  size_t total = static_cast<size_t>(size);
  size_t chunks = total == 0 ? 1 : (total + chunk_bytes - 1) / chunk_bytes;
  std::vector<uint8_t> buf;
  for (size_t i = 0; i < chunks; ++i) {
    size_t want = std::min(chunk_bytes, total - i * chunk_bytes);
    buf.resize(want);
    if (want && std::fread(buf.data(), 1, want, f.get()) != want)
      return Status::Io("cannot read the " + section + " archive " + path);
    SqlSection sql;
    sql.section = section;
    sql.sql = "-- pg_dump custom-format archive of the " + section +
              " section; print it with toc --extract-schema";
    sql.extra["format"] = kArchiveFormat;
    sql.extra["archive"] = Base64Encode(buf);
    sql.extra["chunk"] = i;
    sql.extra["chunks"] = chunks;
    sql.extra["archive_bytes"] = total;
    RETURN_IF_ERROR(writer->WriteSql(sql));
  }
  return Status::Ok();
}

bool IsArchiveSection(const SqlSection& sql) {
  auto it = sql.extra.find("format");
  return it != sql.extra.end() && it->is_string() && it->get<std::string>() == kArchiveFormat;
}

Status ArchiveAssembler::Add(const SqlSection& sql, bool* complete) {
  *complete = false;
  const std::string what = "the " + section_ + " archive";
  if (complete_) return Status::Corrupt(what + " appears twice in one stream");
  auto field = [&](const char* key) -> const Json* {
    auto it = sql.extra.find(key);
    return it == sql.extra.end() ? nullptr : &*it;
  };
  const Json* archive = field("archive");
  const Json* chunk = field("chunk");
  const Json* chunks = field("chunks");
  if (!archive || !archive->is_string()) return Status::Corrupt(what + " has no archive text");
  int64_t index = chunk && chunk->is_number_integer() ? chunk->get<int64_t>() : 0;
  int64_t count = chunks && chunks->is_number_integer() ? chunks->get<int64_t>() : 1;
  if (count < 1 || count > (int64_t(1) << 20))
    return Status::Corrupt(what + " claims " + std::to_string(count) + " chunks");
  if (next_chunk_ > 0 && count != chunks_)
    return Status::Corrupt(what + ": chunk count changed from " + std::to_string(chunks_) + " to " +
                           std::to_string(count));
  if (index != next_chunk_)
    return Status::Corrupt(what + ": chunk " + std::to_string(index) + " arrived, expected " +
                           std::to_string(next_chunk_));
  chunks_ = count;
  if (next_chunk_ == 0) {
    ASSIGN_OR_RETURN(file_, TempFile::Create("segstream-" + section_));
  }
  std::vector<uint8_t> bytes;
  Status st = Base64Decode(archive->get_ref<const std::string&>(), &bytes);
  if (!st.ok()) return std::move(st).Prefix(what);
  FilePtr f(std::fopen(file_.path().c_str(), "abe"));
  if (!f) return Status::FromErrno(errno, "cannot write " + file_.path());
  if (!bytes.empty() && std::fwrite(bytes.data(), 1, bytes.size(), f.get()) != bytes.size())
    return Status::FromErrno(errno, "cannot write " + file_.path());
  if (std::fclose(f.release()) != 0)
    return Status::FromErrno(errno, "cannot write " + file_.path());
  bytes_ += bytes.size();
  ++next_chunk_;
  if (next_chunk_ == chunks_) {
    complete_ = true;
    *complete = true;
  }
  return Status::Ok();
}

}  // namespace segstream
