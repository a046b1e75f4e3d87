// A crash at any moment loses nothing acknowledged: `athar evidence add` of 500 files is killed
// with SIGKILL at 20 random moments; after each, `athar verify` passes and every file the
// command reported as stored is present, with its records, and so in the ledger.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
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
  auto r = athar::testing::run_command(command);
  *exit_code = r.exit_code;
  return std::move(r.output);
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
  // An uninterrupted intake first: every file acknowledged. Its duration spreads the kills.
  const auto started = std::chrono::steady_clock::now();
  const std::string full = add_and_kill(make_files(0, 500), -1, std::chrono::microseconds(0));
  const auto duration = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - started);
  ASSERT_EQ(std::count(full.begin(), full.end(), '\n'), 500) << full;

  // Kill at a random moment of the intake, so that kills land while files are checked, objects
  // written and renamed, and records committed. A multi-file intake is all or none: after each
  // kill either all 500 files are recorded (and acknowledged, if the lines got out) or none.
  // The window follows the machine: an intake that finished before its kill (the machine got
  // faster than when the first intake was timed, as when other work ends) narrows it by a fifth.
  std::mt19937_64 rng(20261129);
  int64_t window_us = duration.count() * 11 / 10;
  int interrupted = 0;
  size_t custody_before = listed_ids("custody").size();
  for (int round = 1; round <= 20; ++round) {
    const std::string out = add_and_kill(
        make_files(round, 500), 0,
        std::chrono::microseconds(std::uniform_int_distribution<int64_t>(0, window_us)(rng)));
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

    const std::string verify =
        run(std::string(ATHAR_BINARY) + " --data '" + data() + "' verify", &code);
    ASSERT_EQ(code, 0) << "round " << round << ":\n" << verify;
    const auto evidence = listed_ids("evidence");
    const auto custody = listed_ids("custody");
    const size_t added = custody.size() - custody_before;
    ASSERT_TRUE(added == 0 || added == 500) << "round " << round << ": " << added << " of 500";
    if (added == 0) ++interrupted;
    if (std::count(out.begin(), out.end(), '\n') == 500) window_us = window_us * 4 / 5;
    for (const auto& [e, c] : acknowledged) {
      ASSERT_TRUE(evidence.count(e)) << "round " << round << ": acknowledged " << e << " is gone";
      ASSERT_TRUE(custody.count(c)) << "round " << round << ": acknowledged " << c << " is gone";
    }
    custody_before = custody.size();
  }
  EXPECT_GE(interrupted, 10) << "the kills should land mid-intake";
}

// A FIFO, a device or a symbolic link among the files refuses the whole intake, before any byte
// is stored.
TEST_F(CrashTest, IntakeRefusesWhatIsNotARegularFile) {
  int code = 0;
  const std::string athar = std::string(ATHAR_BINARY) + " --data '" + data() + "' ";
  run(athar + "init", &code);
  ASSERT_EQ(code, 0);
  const auto files = make_files(1, 3);
  const std::string fifo = dir_.file("pipe");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const std::string link = dir_.file("link.bin");
  std::filesystem::create_symlink(files[0], link);
  const std::string add = athar + "evidence add --collected-by team --collected-at 2025-01-05 ";
  std::string out = run(add + files[1] + " " + fifo + " " + files[2], &code);
  EXPECT_EQ(code, 3) << out;
  EXPECT_NE(out.find("FIFO"), std::string::npos) << out;
  out = run(add + files[1] + " /dev/null", &code);
  EXPECT_EQ(code, 3) << out;
  EXPECT_NE(out.find("device"), std::string::npos) << out;
  out = run(add + files[1] + " " + link, &code);
  EXPECT_EQ(code, 3) << out;
  EXPECT_NE(out.find("--follow-symlinks"), std::string::npos) << out;
  out = run(add + files[1] + " " + dir_.file("no-such-file"), &code);
  EXPECT_EQ(code, 4) << out;
  EXPECT_TRUE(listed_ids("evidence").empty()) << "nothing is stored when one file is refused";
  // Told to, it stores what the link points to.
  out = run(add + "--follow-symlinks " + files[1] + " " + link, &code);
  EXPECT_EQ(code, 0) << out;
  EXPECT_EQ(listed_ids("evidence").size(), 2u);
}

// The vault holds only its own regular files: a link swapped in for an object (to a copy kept
// outside, which the adversary can later change at will), a FIFO or a hard link is named.
TEST_F(CrashTest, VerifyNamesWhatTheVaultDoesNotOwn) {
  int code = 0;
  const std::string athar = std::string(ATHAR_BINARY) + " --data '" + data() + "' ";
  run(athar + "init", &code);
  ASSERT_EQ(code, 0);
  const auto files = make_files(1, 3);
  run(athar + "evidence add --collected-by team --collected-at 2025-01-05 " + files[0] + " " +
          files[1] + " " + files[2],
      &code);
  ASSERT_EQ(code, 0);
  const std::string before = run(athar + "verify", &code);
  ASSERT_EQ(code, 0) << before;
  std::vector<std::filesystem::path> objects;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(data() + "/objects")) {
    if (entry.is_regular_file() && entry.path().parent_path().filename() != "tmp")
      objects.push_back(entry.path());
  }
  ASSERT_EQ(objects.size(), 3u);
  // 1: replaced by a symbolic link to an identical copy outside the vault.
  const std::string outside = dir_.file("outside-copy");
  std::filesystem::copy_file(objects[0], outside);
  std::filesystem::remove(objects[0]);
  std::filesystem::create_symlink(outside, objects[0]);
  std::string out = run(athar + "verify", &code);
  EXPECT_EQ(code, 7) << out;
  EXPECT_NE(out.find("symbolic link to " + outside), std::string::npos) << out;
  // 2: a hard link from outside.
  std::filesystem::create_hard_link(objects[1], dir_.file("outside-link"));
  out = run(athar + "verify", &code);
  EXPECT_NE(out.find("2 hard links"), std::string::npos) << out;
  // 3: a FIFO in place of an object (verify must not block on it).
  std::filesystem::permissions(objects[2].parent_path(), std::filesystem::perms::owner_all);
  std::filesystem::remove(objects[2]);
  ASSERT_EQ(::mkfifo(objects[2].c_str(), 0600), 0);
  out = run("timeout 60 " + athar + "verify", &code);
  EXPECT_EQ(code, 7) << out;
  EXPECT_NE(out.find("FIFO"), std::string::npos) << out;
}

}  // namespace
