// docs/verify-by-hand.md works as written: its `sh` blocks, run literally in one bash with its
// two Python scripts saved beside the bundle, pass on a genuine bundle and fail on tampered ones.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "core/json.h"
#include "test_support.h"

namespace {

using Outcome = athar::testing::CommandResult;

Outcome shell(const std::string& command) { return athar::testing::run_command(command); }

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class VerifyByHand : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string doc = read(std::string(ATHAR_SOURCE_DIR) + "/docs/verify-by-hand.md");
    // Fenced blocks: ```sh ones are the commands, ```python ones the scripts (named on their
    // first line).
    std::istringstream lines(doc);
    std::string line, language, block;
    bool inside = false;
    while (std::getline(lines, line)) {
      if (line.rfind("```", 0) == 0) {
        if (!inside) {
          language = line.substr(3);
          block.clear();
        } else if (language == "sh") {
          script_ += block;
        } else if (language == "python") {
          const std::string name = block.substr(2, block.find_first_of(": ", 2) - 2);
          scripts_[name] = block;
        }
        inside = !inside;
        continue;
      }
      if (inside) block += line + "\n";
    }
    ASSERT_FALSE(script_.empty());
    ASSERT_TRUE(scripts_.count("check_bundle.py") && scripts_.count("check_consistency.py"));

    // A ledger with an earlier checkpoint kept apart, then evidence with two custody events.
    ASSERT_EQ(athar("init").exit_code, 0);
    ASSERT_EQ(
        athar(std::string("import ") + ATHAR_SOURCE_DIR + "/data/demo/scenario.json").exit_code, 0);
    Outcome r = athar("checkpoint");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    old_checkpoint_ = r.output;
    r = athar("evidence add --collected-by 'field team 3' --collected-at 2025-01-05T10:30Z " +
              dir_.write("site-photo.jpg", "bytes of a photograph of the trench") + " " +
              dir_.write("notes.txt", "field notes, grave 3"));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    r = athar(
        "custody add --evidence evidence-000001 --action transfer --by-whom 'field team 3' "
        "--at 2025-01-07T08:00Z --to-whom 'regional archive'");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    r = athar("--json checkpoint");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    new_size_ = athar::core::Json::parse(r.output)["size"].get<uint64_t>();
    r = athar("bundle export --evidence evidence-000001 --evidence evidence-000002 --out " +
              dir_.file("bundle.tar"));
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }

  Outcome athar(const std::string& args) {
    return shell(std::string(ATHAR_BINARY) + " --data '" + dir_.file("data") +
                 "' --actor field-team-3 " + args);
  }

  // Lays out a fresh folder as the page asks (bundle.tar, the key obtained apart, the scripts,
  // the earlier checkpoint and the proof), lets `tamper` change it, runs the page's commands.
  Outcome run_page(const std::string& name, const std::string& tamper = "") {
    const std::string folder = dir_.file(name);
    std::filesystem::create_directories(folder);
    std::filesystem::copy_file(dir_.file("bundle.tar"), folder + "/bundle.tar");
    std::filesystem::copy_file(dir_.file("data/keys/ledger.vkey"), folder + "/ledger.vkey");
    for (const auto& [file, text] : scripts_) std::ofstream(folder + "/" + file) << text;
    std::ofstream(folder + "/old-checkpoint.txt") << old_checkpoint_;
    const std::string old_size = old_checkpoint_.substr(
        old_checkpoint_.find('\n') + 1, old_checkpoint_.find('\n', old_checkpoint_.find('\n') + 1) -
                                            old_checkpoint_.find('\n') - 1);
    const Outcome proof =
        athar("--json ledger consistency " + old_size + " --size " + std::to_string(new_size_));
    EXPECT_EQ(proof.exit_code, 0) << proof.output;
    std::ofstream(folder + "/consistency.json") << proof.output;
    if (!tamper.empty()) {
      const Outcome t = shell("cd '" + folder + "' && " + tamper);
      EXPECT_EQ(t.exit_code, 0) << tamper << "\n" << t.output;
    }
    std::ofstream(folder + "/page.sh") << script_;
    return shell("cd '" + folder + "' && bash page.sh");
  }

  athar::testing::ScratchDir dir_;
  std::string script_, old_checkpoint_;
  std::map<std::string, std::string> scripts_;
  uint64_t new_size_ = 0;
};

// Replaces bytes inside one member of bundle.tar, keeping its length (tar headers stay valid,
// the member's checksum is of the header only).
std::string edit_member(const std::string& from, const std::string& to) {
  return "python3 -c \"import sys; b=open('bundle.tar','rb').read(); "
         "assert b.count(b'" +
         from +
         "')>=1; "
         "open('bundle.tar','wb').write(b.replace(b'" +
         from + "', b'" + to + "', 1))\"";
}

TEST_F(VerifyByHand, GenuineBundlePasses) {
  const Outcome r = run_page("genuine");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("Signature Verified Successfully"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("bundle complete and consistent"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("extends the checkpoint"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("all checks passed"), std::string::npos) << r.output;
}

TEST_F(VerifyByHand, TamperedBundlesFail) {
  const std::pair<const char*, std::string> cases[] = {
      {"object", edit_member("bytes of a photograph", "bytes of a photogrAph")},
      {"record", edit_member("regional archive", "regional archivE")},
      {"entry",
       edit_member("\\\"actor\\\":\\\"field-team-3\\\"", "\\\"actor\\\":\\\"field-team-4\\\"")},
      {"manifest", edit_member("\\\"version\\\": 2", "\\\"version\\\": 3")},
      {"dropped-custody",
       "tar --delete -f bundle.tar records/custody-000003.json "
       "state/custody-000003.proof.json"},
      {"other-key",
       "cp ledger.vkey x && sed -i 's/+[^+]*$/+AXzVtHkL0lVvWDeLmBBbqv9KzPpM1nE6hQmEdCXcQvHw/' "
       "ledger.vkey"},
      {"checkpoint-size",
       "python3 -c \"b=open('bundle.tar','rb').read(); i=b.index(b'checkpoint.txt\\x00'); "
       "j=b.index(b'\\n', i+512)+1; d=b[j]; "
       "open('bundle.tar','wb').write(b[:j]+bytes([d^1])+b[j+1:])\""},
      {"rolled-back-proof",
       "echo '{\"size1\": 1, \"size2\": 2, \"proof\": []}' > consistency.json"},
  };
  for (const auto& [name, tamper] : cases) {
    const Outcome r = run_page(name, tamper);
    EXPECT_NE(r.exit_code, 0) << name << " passed the page:\n" << r.output;
    EXPECT_EQ(r.output.find("all checks passed"), std::string::npos) << name << "\n" << r.output;
  }
}

}  // namespace
