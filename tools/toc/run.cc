#include <unistd.h>

#include "tools/toc/commands.h"
#include "tools/toc/listing.h"
#include "tools/toc/render.h"

namespace segstream::toc {

Status InContext(Status status, const std::string& name) {
  if (status.ok()) return status;
  return std::move(status).Prefix(name);
}

Status List(const Input& in, const TocOptions& options, BufferedSink* out) {
  ASSIGN_OR_RETURN(Listing listing, ReadListing(in.fd, in.name, !options.scan));
  std::string text = options.json ? RenderJson(listing).dump(2) + "\n"
                                  : RenderText(listing, RenderOptions{options.human});
  RETURN_IF_ERROR(out->Write(text.data(), text.size()));
  return out->Flush();
}

Status Run(const TocOptions& options) {
  if (!options.extract.empty() && (options.verify || options.json))
    return Status::Usage("--extract cannot be combined with --verify or --json")
        .WithHint("--extract verifies what it reads; its exit status says whether it was intact");
  if ((options.list_schema || options.extract_schema) &&
      (options.verify || options.json || !options.extract.empty() ||
       (options.list_schema && options.extract_schema)))
    return Status::Usage(
        "--list-schema and --extract-schema go alone (not with each other, "
        "--verify, --json or --extract)");
  bool from_stdin = options.input.empty() || options.input == "-";
  if (from_stdin && ::isatty(0))
    return Status::Usage("no input: stdin is a terminal")
        .WithHint("name a stream file, or pipe one in: toc backup.sgs");
  ASSIGN_OR_RETURN(UniqueFd in_fd, OpenInput(options.input));
  PendingOutput pending;
  ASSIGN_OR_RETURN(UniqueFd out_fd, OpenOutput(options.output, &pending));
  Input in{in_fd.get(), InputName(options.input)};
  BufferedSink out(out_fd.get(), OutputName(options.output));
  Status st = (options.list_schema || options.extract_schema) ? Schema(in, options, &out)
              : !options.extract.empty()                      ? Extract(in, options, &out)
              : options.verify                                ? Verify(in, options, &out)
                                                              : List(in, options, &out);
  RETURN_IF_ERROR(st);
  RETURN_IF_ERROR(out_fd.Close(OutputName(options.output)));
  return pending.Commit();
}

}  // namespace segstream::toc
