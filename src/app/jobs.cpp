#include "app/jobs.h"

#include <algorithm>

namespace athar::app {

void JobControl::progress(double fraction, std::string phase) {
  std::lock_guard lock(mutex_);
  fraction_ = fraction;
  phase_ = std::move(phase);
}

core::Progress JobControl::reporter() {
  return core::Progress([this](double fraction, std::string_view phase) {
    check_cancelled();
    std::lock_guard lock(mutex_);
    // Parts of a job may report out of order (a phase's start after a fast part's end): the bar
    // never moves back.
    fraction_ = std::max(fraction_, fraction);
    phase_.assign(phase);
  });
}

void JobControl::set_file(std::filesystem::path file, std::string media_type) {
  std::lock_guard lock(mutex_);
  file_ = std::move(file);
  media_type_ = std::move(media_type);
}

void JobControl::check_cancelled() const {
  if (cancelled()) throw Cancelled();
}

struct Jobs::Job {
  std::string id, kind;
  Actor owner;
  JobControl control;
  mutable std::mutex mutex;
  std::string state = "running";
  core::OrderedJson result, error;
  std::thread thread;
};

core::OrderedJson JobStatus::to_json() const {
  core::OrderedJson j = {{"id", id},       {"kind", kind},         {"owner", owner},
                         {"state", state}, {"progress", progress}, {"phase", phase}};
  if (state == "done") j["result"] = result;
  if (state == "done" && !file.empty()) j["download"] = "/api/jobs/" + id + "/file";
  if (state == "failed") j["error"] = error;
  return j;
}

Jobs::~Jobs() {
  std::map<std::string, std::shared_ptr<Job>> jobs;
  {
    std::lock_guard lock(mutex_);
    jobs.swap(jobs_);
  }
  for (auto& [id, job] : jobs) job->control.cancel_ = true;
  for (auto& [id, job] : jobs)
    if (job->thread.joinable()) job->thread.join();
}

std::string Jobs::start(const Actor& owner, std::string kind, Work work) {
  auto job = std::make_shared<Job>();
  job->kind = std::move(kind);
  job->owner = owner;
  {
    std::lock_guard lock(mutex_);
    // A finished job's thread is joined here, so that a long-running server does not keep
    // every ended thread's stack; its state and result stay readable.
    for (auto& [id, old] : jobs_) {
      std::lock_guard old_lock(old->mutex);
      if (old->state != "running" && old->thread.joinable()) old->thread.join();
    }
    job->id = "job-" + std::to_string(next_++);
    jobs_[job->id] = job;
  }
  job->thread = std::thread([job, work = std::move(work)] {
    core::OrderedJson result, error;
    std::string state;
    try {
      result = work(job->control);
      state = job->control.cancelled() ? "cancelled" : "done";
    } catch (const Cancelled&) {
      state = "cancelled";
    } catch (const core::Error& e) {
      state = "failed";
      error = e.to_json();
    } catch (const std::exception& e) {
      state = "failed";
      error = {{"error", "internal"}, {"message", e.what()}};
    }
    std::lock_guard lock(job->mutex);
    job->state = state;
    if (state == "done") {
      job->result = std::move(result);
      job->control.progress(1.0, "done");
    }
    job->error = std::move(error);
  });
  return job->id;
}

std::shared_ptr<Jobs::Job> Jobs::find(const Actor& asking, const std::string& id) const {
  std::lock_guard lock(mutex_);
  auto it = jobs_.find(id);
  if (it == jobs_.end() || (it->second->owner.name != asking.name && asking.role != Role::kAdmin))
    throw core::NotFound("no job " + id);
  return it->second;
}

JobStatus Jobs::status(const Actor& asking, const std::string& id) const {
  const auto job = find(asking, id);
  JobStatus out;
  out.id = job->id;
  out.kind = job->kind;
  out.owner = job->owner.name;
  {
    std::lock_guard lock(job->control.mutex_);
    out.progress = job->control.fraction_;
    out.phase = job->control.phase_;
    out.file = job->control.file_;
    out.media_type = job->control.media_type_;
  }
  std::lock_guard lock(job->mutex);
  out.state = job->state;
  out.result = job->result;
  out.error = job->error;
  return out;
}

JobStatus Jobs::cancel(const Actor& asking, const std::string& id) {
  find(asking, id)->control.cancel_ = true;
  return status(asking, id);
}

}  // namespace athar::app
