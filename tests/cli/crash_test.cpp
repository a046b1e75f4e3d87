// A crash at any moment loses nothing acknowledged: `athar evidence add` of 500 files is killed
// with SIGKILL at 20 random moments; after each, `athar verify` passes and every file the
// command reported as stored is present, with its records, and so in the ledger.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "core/json.h"
#include "test_support.h"

namespace {

std::string run(const std::string& command, int* exit_code) {
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  std::string out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
  const int status = pclose(pipe);
  *exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

class CrashTest : public ::testing::Test {
 protected:
  std::string data() const { return dir_.file("data"); }

  // Writes `count` files of distinct content for round `round`; returns their paths.
  std::vector<std::string> make_files(int round, int count) {
    std::vector<std::string> paths;
    std::mt19937 rng(static_cast<unsigned>(round));
    const auto folder = dir_.path() / ("round-" + std::to_string(round));
    std::filesystem::create_directories(folder);
    for (int i = 0; i < count; ++i) {
      std::string content = "round " + std::to_string(round) + " file " + std::to_string(i) + "\n";
      content.resize(1000 + rng() % 4000, static_cast<char>('a' + rng() % 26));
      const auto path = folder / ("f" + std::to_string(i) + ".bin");
      std::ofstream(path, std::ios::binary) << content;
      paths.push_back(path.string());
    }
    return paths;
  }

  // Starts `athar evidence add` on `files`; once it has acknowledged `after_lines` files, waits
  // `delay` more and kills it (after_lines < 0: lets it finish). Returns what it printed.
  // Counting acknowledgements rather than time makes the kills land mid-intake however loaded
  // the machine is.
  std::string add_and_kill(const std::vector<std::string>& files, int after_lines,
                           std::chrono::microseconds delay) {
    const std::string out_path = dir_.file("stdout.txt");
    std::vector<std::string> args = {
        ATHAR_BINARY, "--data",         data(), "--actor",        "crash-test",       "evidence",
        "add",        "--collected-by", "team", "--collected-at", "2025-01-05T10:30Z"};
    args.insert(args.end(), files.begin(), files.end());
    const pid_t pid = fork();
    if (pid == 0) {
      const int fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(fd, 1);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    int status = 0;
    if (after_lines >= 0) {
      while (lines_in(out_path) < after_lines && waitpid(pid, &status, WNOHANG) == 0) {
        std::this_thread::sleep_for(std::chrono::microseconds(200));
      }
      std::this_thread::sleep_for(delay);
      kill(pid, SIGKILL);
    }
    waitpid(pid, &status, 0);
    std::ifstream in(out_path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

  static int lines_in(const std::string& path) {
    std::ifstream in(path);
    return static_cast<int>(
        std::count(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>(), '\n'));
  }

  std::set<std::string> listed_ids(const std::string& kind) {
    int code = 0;
    const std::string out = run(
        std::string(ATHAR_BINARY) + " --data '" + data() + "' --json " + kind + " list --limit 0",
        &code);
    EXPECT_EQ(code, 0) << out;
    std::set<std::string> ids;
    for (const auto& r : athar::core::Json::parse(out)) ids.insert(r["id"].get<std::string>());
    return ids;
  }

  athar::testing::ScratchDir dir_;
};

TEST_F(CrashTest, KilledIntakeLosesNothingAcknowledged) {
  int code = 0;
  run(std::string(ATHAR_BINARY) + " --data '" + data() + "' init", &code);
  ASSERT_EQ(code, 0);
  // An uninterrupted intake first: every file acknowledged.
  const std::string full = add_and_kill(make_files(0, 500), -1, std::chrono::microseconds(0));
  ASSERT_EQ(std::count(full.begin(), full.end(), '\n'), 500) << full;

  // Kill after a random number of acknowledged files plus a random few milliseconds, so that
  // kills land while objects are written, renamed and committed.
  std::mt19937_64 rng(20261129);
  std::uniform_int_distribution<int> after(0, 480);
  std::uniform_int_distribution<int> extra_us(0, 4000);
  int interrupted = 0;
  for (int round = 1; round <= 20; ++round) {
    const std::string out =
        add_and_kill(make_files(round, 500), after(rng), std::chrono::microseconds(extra_us(rng)));
    // Acknowledged: complete lines only.
    std::vector<std::pair<std::string, std::string>> acknowledged;  // evidence, custody
    std::istringstream lines(out);
    std::string line;
    while (std::getline(lines, line)) {
      if (lines.eof()) break;  // a last line without its newline was not acknowledged
      std::istringstream words(line);
      std::string stored, evidence, custody;
      words >> stored >> evidence >> custody;
      ASSERT_EQ(stored, "stored") << line;
      acknowledged.emplace_back(evidence, custody);
    }
    if (acknowledged.size() < 500) ++interrupted;

    const std::string verify =
        run(std::string(ATHAR_BINARY) + " --data '" + data() + "' verify", &code);
    ASSERT_EQ(code, 0) << "round " << round << ":\n" << verify;
    const auto evidence = listed_ids("evidence");
    const auto custody = listed_ids("custody");
    for (const auto& [e, c] : acknowledged) {
      ASSERT_TRUE(evidence.count(e)) << "round " << round << ": acknowledged " << e << " is gone";
      ASSERT_TRUE(custody.count(c)) << "round " << round << ": acknowledged " << c << " is gone";
    }
  }
  EXPECT_GE(interrupted, 15) << "the kills should land mid-intake";
}

}  // namespace
