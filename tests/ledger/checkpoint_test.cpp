#include "ledger/checkpoint.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "core/encoding.h"
#include "core/error.h"
#include "ledger/merkle.h"
#include "test_support.h"

namespace athar::ledger {
namespace {

TEST(Checkpoint, SignedNoteHasTheC2spForm) {
  const SigningKey key = generate_signing_key("athar/test-log");
  const Checkpoint c{"athar/test-log", 42, leaf_hash("x"), {}};
  const std::string note = sign_checkpoint(c, key);
  EXPECT_EQ(note.rfind(
                "athar/test-log\n42\n" + to_base64(c.root) + "\n\n\xE2\x80\x94 athar/test-log ", 0),
            0u)
      << note;
  EXPECT_EQ(note.back(), '\n');
  const VerifierKey vkey = parse_verifier_key(verifier_key_text(key));
  EXPECT_EQ(open_checkpoint(note, vkey), c);
}

TEST(Checkpoint, AlteredNotesAndOtherKeysAreRejected) {
  const SigningKey key = generate_signing_key("athar/test-log");
  const VerifierKey vkey = parse_verifier_key(verifier_key_text(key));
  const std::string note = sign_checkpoint({"athar/test-log", 42, leaf_hash("x"), {}}, key);
  std::string bigger = note;
  bigger.replace(bigger.find("42"), 2, "43");
  EXPECT_THROW(open_checkpoint(bigger, vkey), core::Corruption);
  std::string bent_signature = note;
  bent_signature[bent_signature.size() - 5] ^= 1;
  EXPECT_THROW(open_checkpoint(bent_signature, vkey), core::Corruption);
  const SigningKey other = generate_signing_key("athar/test-log");
  EXPECT_THROW(open_checkpoint(note, parse_verifier_key(verifier_key_text(other))),
               core::Corruption);
  EXPECT_THROW(open_checkpoint("athar/test-log\n42\n", vkey), core::Corruption);
}

TEST(Checkpoint, VerifierKeyIsCheckedAgainstItsId) {
  const SigningKey key = generate_signing_key("athar/k");
  std::string text = verifier_key_text(key);
  EXPECT_NO_THROW(parse_verifier_key(text));
  text[text.find('+') + 1] = text[text.find('+') + 1] == '0' ? '1' : '0';
  EXPECT_THROW(parse_verifier_key(text), core::InputError);
  EXPECT_THROW(parse_verifier_key("name-only"), core::InputError);
}

TEST(Checkpoint, KeysAreSavedPrivatelyAndLoadBack) {
  testing::ScratchDir dir;
  const SigningKey key = generate_signing_key("athar/k");
  save_signing_key(key, dir.path() / "keys");
  struct stat st {};
  ASSERT_EQ(stat((dir.path() / "keys/ledger.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const SigningKey loaded = load_signing_key(dir.path() / "keys");
  EXPECT_EQ(loaded.secret, key.secret);
  EXPECT_EQ(loaded.public_key, key.public_key);
  EXPECT_EQ(load_verifier_key(dir.path() / "keys").public_key, key.public_key);
  EXPECT_THROW(save_signing_key(key, dir.path() / "keys"), core::Conflict);
}

// C2SP tlog-cosignature: the witness's line verifies, carries its timestamp, and fails for
// another body, another timestamp or another key; the log's own signature still opens.
TEST(Checkpoint, CosignaturesVerifyAndAreBoundToBodyAndTime) {
  const SigningKey log = generate_signing_key("athar/log");
  const SigningKey witness = generate_signing_key("partner/witness");
  const Checkpoint c{"athar/log", 7, sha256("root"), {}};
  const std::string note = sign_checkpoint(c, log) + cosignature_line(c, witness, 1764460800);
  const VerifierKey witness_key =
      parse_verifier_key(verifier_key_text(witness, kCosignatureAlgorithm));
  EXPECT_EQ(witness_key.algorithm, kCosignatureAlgorithm);
  EXPECT_EQ(cosigned_at(note, witness_key), 1764460800u);
  EXPECT_EQ(open_checkpoint(note, parse_verifier_key(verifier_key_text(log))), c);
  // The same line under another body (size 8) does not verify.
  const Checkpoint other{"athar/log", 8, c.root, {}};
  const std::string moved = sign_checkpoint(other, log) + cosignature_line(c, witness, 1764460800);
  EXPECT_THROW(cosigned_at(moved, witness_key), core::Corruption);
  // A timestamp changed under the same signature does not verify.
  const size_t space = note.rfind(' ');
  auto stamped = *core::base64_decode(note.substr(space + 1, note.size() - space - 2));
  stamped[11] ^= 1;
  const std::string retimed = note.substr(0, space + 1) + core::base64_encode(stamped) + "\n";
  EXPECT_THROW(cosigned_at(retimed, witness_key), core::Corruption);
  // No line by another witness: none.
  const SigningKey stranger = generate_signing_key("stranger");
  EXPECT_EQ(
      cosigned_at(note, parse_verifier_key(verifier_key_text(stranger, kCosignatureAlgorithm))),
      std::nullopt);
  // A witness's key cannot open a checkpoint as if it were the log's.
  EXPECT_THROW(open_checkpoint(note, witness_key), core::InputError);
}

}  // namespace
}  // namespace athar::ledger
