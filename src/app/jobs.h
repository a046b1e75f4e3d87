// Long work (verify, imports, linkage, screening, estimation, bundle export) runs in the
// background: started by one session, polled for progress, cancelled, its result kept until the
// Jobs object ends. The engines report through `reporter()`, which throws Cancelled at their next
// report once the job is cancelled; a cancelled job's result, if it finished anyway, is discarded.
//
//   std::string id = instance.jobs().start(actor, "verify", [&](JobControl& job) {
//     return app::verify(session, {}, job.reporter()).to_json(); });
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "app/instance.h"
#include "core/error.h"
#include "core/json.h"
#include "core/progress.h"

namespace athar::app {

class JobControl {
 public:
  void progress(double fraction, std::string phase);
  bool cancelled() const { return cancel_.load(); }
  // Throws Cancelled when the job was asked to stop.
  void check_cancelled() const;
  // For the engines (core/progress.h): what they tell becomes the job's progress, and once the
  // job is cancelled it throws Cancelled at their next report.
  core::Progress reporter();
  // A file the job made (a bundle), for its owner to download when it is done.
  void set_file(std::filesystem::path file, std::string media_type);

 private:
  friend class Jobs;
  std::atomic<bool> cancel_{false};
  mutable std::mutex mutex_;
  double fraction_ = 0;
  std::string phase_;
  std::filesystem::path file_;
  std::string media_type_;
};

class Cancelled : public core::Error {
 public:
  Cancelled() : core::Error("cancelled") {}
  core::ErrorKind kind() const override { return core::ErrorKind::kConflict; }
};

struct JobStatus {
  std::string id, kind, owner;
  std::string state;  // running, done, failed, cancelled
  double progress = 0;
  std::string phase;
  core::OrderedJson result;    // when done
  core::OrderedJson error;     // when failed: the error's JSON view
  std::filesystem::path file;  // when done, a file to download (GET /api/jobs/ID/file)
  std::string media_type;
  core::OrderedJson to_json() const;
};

class Jobs {
 public:
  using Work = std::function<core::OrderedJson(JobControl&)>;
  Jobs() = default;
  ~Jobs();  // asks every running job to stop and waits for it
  Jobs(const Jobs&) = delete;
  Jobs& operator=(const Jobs&) = delete;

  std::string start(const Actor& owner, std::string kind, Work work);
  // NotFound for an unknown id, or a job of someone else (unless an admin asks).
  JobStatus status(const Actor& asking, const std::string& id) const;
  JobStatus cancel(const Actor& asking, const std::string& id);

 private:
  struct Job;
  std::shared_ptr<Job> find(const Actor& asking, const std::string& id) const;
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Job>> jobs_;
  uint64_t next_ = 1;
};

}  // namespace athar::app
