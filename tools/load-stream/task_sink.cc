#include "tools/load-stream/task_sink.h"

namespace segstream::load {

Result<std::unique_ptr<DispatcherSink>> DispatcherSink::Start(const LoadOptions& options,
                                                              const ConnOptions& conn_options,
                                                              Progress* progress) {
  std::unique_ptr<DispatcherSink> sink(new DispatcherSink(options));
  for (int i = 0; i < options.jobs; ++i) {
    ASSIGN_OR_RETURN(PgConnPtr conn, Connect(conn_options));
    sink->loaders_.push_back(
        std::make_unique<TableLoader>(i, std::move(conn), &sink->dispatcher_, options, progress));
  }
  for (auto& l : sink->loaders_) sink->threads_.Start(l.get());
  return sink;
}

void DispatcherSink::Finish(bool input_failed, const Status& stop) {
  if (input_failed) dispatcher_.InputFailed();
  if (!stop.ok()) dispatcher_.SetFatal(stop);
  dispatcher_.WaitAllDone();
  threads_.Join();
}

std::vector<const Task*> DispatcherSink::started() {
  std::vector<const Task*> tasks;
  for (Task* t : dispatcher_.tasks()) tasks.push_back(t);
  return tasks;
}

std::vector<const Task*> DispatcherSink::tasks() {
  // Those that failed before reaching a job come last.
  std::vector<const Task*> tasks = started();
  for (const auto& t : failed_) tasks.push_back(t.get());
  return tasks;
}

Task* DryRunSink::Add(std::unique_ptr<Task> task) {
  tasks_.push_back(std::move(task));
  return tasks_.back().get();
}

Status DryRunSink::Rows(Task*, std::span<const uint8_t> rows, uint32_t row_count) {
  progress_->Add(rows.size(), row_count);
  return Status::Ok();
}

Status DryRunSink::End(Task* task, const TableTrailer& trailer) {
  task->ended = true;
  task->trailer = trailer;
  task->rows = trailer.totals.rows;
  task->bytes = trailer.totals.bytes;
  return Status::Ok();
}

std::vector<const Task*> DryRunSink::tasks() {
  std::vector<const Task*> tasks;
  for (const auto& t : tasks_) tasks.push_back(t.get());
  return tasks;
}

}  // namespace segstream::load
