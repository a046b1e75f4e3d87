#include "ledger/checkpoint.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "core/error.h"
#include "ledger/merkle.h"
#include "test_support.h"

namespace athar::ledger {
namespace {

TEST(Checkpoint, SignedNoteHasTheC2spForm) {
  const SigningKey key = generate_signing_key("athar/test-log");
  const Checkpoint c{"athar/test-log", 42, leaf_hash("x")};
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
  const std::string note = sign_checkpoint({"athar/test-log", 42, leaf_hash("x")}, key);
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

}  // namespace
}  // namespace athar::ledger
