// Rollback, caught from outside: a partner's witness holds the last checkpoint it cosigned, and
// a data folder rolled back as a whole (rows, entries, objects, its own newer checkpoints) can
// neither pass `athar verify --checkpoint` with it nor gather that witness's cosignature again.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>

#include "test_support.h"

namespace {

using Outcome = athar::testing::CommandResult;

class WitnessTest : public ::testing::Test {
 protected:
  Outcome run(const std::string& args) {
    return athar::testing::run_command(std::string(ATHAR_BINARY) + " " + args);
  }
  Outcome athar(const std::string& args) {
    return run("--data '" + dir_.file("data") + "' --actor tester " + args);
  }
  std::string witness_dir(const std::string& name) { return dir_.file(name); }
  // The checkpoint a witness holds for the log (what its keeper would hand to a court).
  std::string held_by(const std::string& witness) {
    for (const auto& e : std::filesystem::recursive_directory_iterator(witness_dir(witness))) {
      if (e.path().filename() == "latest.checkpoint") return e.path().string();
    }
    return {};
  }
  void SetUp() override {
    ASSERT_EQ(athar("init").exit_code, 0);
    ASSERT_EQ(
        athar(std::string("import ") + ATHAR_SOURCE_DIR + "/data/demo/scenario.json").exit_code, 0);
    for (const std::string w : {"partner", "court"}) {
      ASSERT_EQ(run("log-witness init --dir '" + witness_dir(w) + "' --name " + w).exit_code, 0);
      const Outcome t = run("log-witness trust --dir '" + witness_dir(w) + "' --log-key '" +
                            dir_.file("data/keys/ledger.vkey") + "'");
      ASSERT_EQ(t.exit_code, 0) << t.output;
    }
  }
  std::string witnesses() {
    return " --witness '" + witness_dir("partner") + "' --witness '" + witness_dir("court") + "'";
  }
  athar::testing::ScratchDir dir_;
};

TEST_F(WitnessTest, RollbackIsCaughtByAWitness) {
  Outcome r = athar("checkpoint" + witnesses());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("\xE2\x80\x94 partner "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\xE2\x80\x94 court "), std::string::npos) << r.output;
  // The adversary keeps a copy of the whole data folder as it is now...
  std::filesystem::copy(dir_.file("data"), dir_.file("data-then"),
                        std::filesystem::copy_options::recursive);
  // ...the work goes on, and is witnessed...
  ASSERT_EQ(athar("site update site-0001 --status tampered --reported-by 'field team'").exit_code,
            0);
  r = athar("checkpoint" + witnesses());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // ...then everything is put back as it was, its own checkpoints included.
  std::filesystem::remove_all(dir_.file("data"));
  std::filesystem::rename(dir_.file("data-then"), dir_.file("data"));
  r = athar("verify");
  EXPECT_EQ(r.exit_code, 0) << "nothing inside the folder can tell: " << r.output;

  r = athar("verify --checkpoint '" + held_by("partner") + "'");
  EXPECT_EQ(r.exit_code, 7) << r.output;
  EXPECT_NE(r.output.find("log rolled back"), std::string::npos) << r.output;
  r = athar("checkpoint" + witnesses());
  EXPECT_EQ(r.exit_code, 7) << r.output;
  EXPECT_NE(r.output.find("rolled back"), std::string::npos) << r.output;
  // One witness is not enough to pass a quorum of two, nor one of one.
  r = athar("checkpoint --witness '" + witness_dir("court") + "' --quorum 1");
  EXPECT_EQ(r.exit_code, 7) << r.output;
}

TEST_F(WitnessTest, WitnessFilesHandedOverWithoutAFolder) {
  Outcome r = athar("checkpoint --witness '" + witness_dir("partner") + "'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ASSERT_EQ(athar("source add --name 'Later list' --kind other").exit_code, 0);
  // The log hands over a checkpoint and the proof from the size the court last cosigned (none
  // yet), then from the size the partner did.
  r = athar("checkpoint");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string note = dir_.write("new.checkpoint", r.output);
  r = run("log-witness cosign --dir '" + witness_dir("court") + "' --checkpoint '" + note + "'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("\xE2\x80\x94 court "), std::string::npos) << r.output;
  r = athar("--json ledger consistency 61");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string proof = dir_.write("proof.json", r.output);
  r = run("log-witness cosign --dir '" + witness_dir("partner") + "' --checkpoint '" + note +
          "' --proof '" + proof + "' --out '" + dir_.file("cosigned") + "'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(athar("verify --checkpoint '" + dir_.file("cosigned") + "'").exit_code, 0);
  // A proof that does not start where the witness stands is refused.
  r = athar("--json ledger consistency 10");
  const std::string wrong = dir_.write("wrong.json", r.output);
  r = run("log-witness cosign --dir '" + witness_dir("partner") + "' --checkpoint '" + note +
          "' --proof '" + wrong + "'");
  EXPECT_EQ(r.exit_code, 3) << r.output;
}

TEST_F(WitnessTest, DeletedCheckpointsAreNamed) {
  ASSERT_EQ(athar("checkpoint").exit_code, 0);
  ASSERT_EQ(athar("checkpoint").exit_code, 0);
  const std::string db = dir_.file("data/athar.db");
  ASSERT_EQ(std::system(("sqlite3 '" + db + "' 'DELETE FROM ledger_checkpoints'").c_str()), 0);
  Outcome r = athar("verify");
  EXPECT_EQ(r.exit_code, 7) << r.output;
  EXPECT_NE(r.output.find("checkpoints 1-2: missing"), std::string::npos) << r.output;
  // Even with the counter wound back, verify says that nothing outside vouches for the log.
  ASSERT_EQ(std::system(("sqlite3 '" + db +
                         "' \"DELETE FROM sqlite_sequence WHERE name = " + "'ledger_checkpoints'\"")
                            .c_str()),
            0);
  r = athar("verify");
  EXPECT_NE(r.output.find("warning: no checkpoint"), std::string::npos) << r.output;
}

}  // namespace
