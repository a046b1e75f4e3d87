// Ledger benchmarks: durable appends in group commits, and proof latency on a large log.
//
//   ledger_bench appends DIR                 entries/s at 1, 10, 100 and 1000 entries per commit
//   ledger_bench proofs DIR ENTRIES [N]      builds (or reuses) a log of ENTRIES entries, then
//                                            times N random inclusion and consistency proofs
//
// Each proof is timed alone, after the process opened the log (it reads O(log n) stored
// hashes, never the whole log); medians and maxima are printed.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "ledger/log.h"
#include "store/migrations.h"

namespace {

using Clock = std::chrono::steady_clock;
using athar::ledger::Ledger;
namespace store = athar::store;

// An entry of the size the registry writes (about 170 bytes).
std::string entry(uint64_t i) {
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "{\"actor\":\"bench\",\"at\":\"2026-11-29T00:00:00Z\",\"op\":\"registry.add\","
                "\"record\":\"person-%06llu\",\"sha256\":\"%064llx\"}",
                static_cast<unsigned long long>(i),
                static_cast<unsigned long long>(i * 2654435761u));
  return buf;
}

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

std::unique_ptr<store::Database> open(const std::filesystem::path& path) {
  auto db = store::open_sqlite(path.string(), store::OpenMode::kCreate);
  store::migrate(*db, store::registry_migrations());
  return db;
}

int appends(const std::filesystem::path& dir) {
  std::printf("durable appends (synchronous=FULL, one commit per batch)\n");
  for (int batch : {1, 10, 100, 1000}) {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    auto db = open(dir / "appends.db");
    Ledger ledger(*db);
    const int total = batch == 1 ? 2000 : batch == 10 ? 20000 : 200000;
    const auto start = Clock::now();
    for (int done = 0; done < total; done += batch) {
      store::Transaction tx(*db);
      for (int i = 0; i < batch; ++i) ledger.append(entry(ledger.size()), "bench");
      tx.commit();
    }
    const double s = seconds_since(start);
    std::printf("  batch %5d: %7d entries in %6.2f s = %9.0f entries/s\n", batch, total, s,
                total / s);
  }
  return 0;
}

struct Stats {
  double median_us, p99_us, max_us;
};

Stats stats(std::vector<double> us) {
  std::sort(us.begin(), us.end());
  return {us[us.size() / 2], us[us.size() * 99 / 100], us.back()};
}

int proofs(const std::filesystem::path& dir, uint64_t entries, int samples) {
  std::filesystem::create_directories(dir);
  auto db = open(dir / "proofs.db");
  {
    Ledger ledger(*db);
    if (ledger.size() < entries) {
      const auto start = Clock::now();
      const uint64_t from = ledger.size();
      while (ledger.size() < entries) {
        store::Transaction tx(*db);
        for (int i = 0; i < 100000 && ledger.size() < entries; ++i)
          ledger.append(entry(ledger.size()), "bench");
        tx.commit();
      }
      const double s = seconds_since(start);
      std::printf("built a log of %llu entries: %.1f s (%.0f entries/s)\n",
                  static_cast<unsigned long long>(entries), s, (entries - from) / s);
    }
  }
  const auto open_start = Clock::now();
  Ledger ledger(*db);
  std::printf("opened the log of %llu entries in %.3f ms\n",
              static_cast<unsigned long long>(ledger.size()), seconds_since(open_start) * 1e3);
  const uint64_t n = ledger.size();
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<uint64_t> any(0, n - 1), size1(1, n);
  std::vector<double> inclusion_us, consistency_us;
  size_t hashes = 0;
  for (int i = 0; i < samples; ++i) {
    const uint64_t index = any(rng);
    auto t = Clock::now();
    hashes += ledger.inclusion_proof(index, n).size();
    inclusion_us.push_back(seconds_since(t) * 1e6);
    const uint64_t m = size1(rng);
    t = Clock::now();
    hashes += ledger.consistency_proof(m, n).size();
    consistency_us.push_back(seconds_since(t) * 1e6);
  }
  const Stats a = stats(inclusion_us), b = stats(consistency_us);
  std::printf("%d random inclusion proofs:   median %.0f us, p99 %.0f us, max %.0f us\n", samples,
              a.median_us, a.p99_us, a.max_us);
  std::printf("%d random consistency proofs: median %.0f us, p99 %.0f us, max %.0f us\n", samples,
              b.median_us, b.p99_us, b.max_us);
  std::printf("(%zu proof hashes in all)\n", hashes);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "appends" && argc == 3) return appends(argv[2]);
  if (mode == "proofs" && argc >= 4) {
    return proofs(argv[2], std::stoull(argv[3]), argc > 4 ? std::stoi(argv[4]) : 1000);
  }
  std::fprintf(stderr, "usage: ledger_bench appends DIR | ledger_bench proofs DIR ENTRIES [N]\n");
  return 2;
}
