#include "vault/object_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "core/encoding.h"
#include "core/error.h"
#include "test_support.h"

namespace athar::vault {
namespace {

TEST(ObjectStore, StoresBytesUnderTheirSha256ReadOnly) {
  testing::ScratchDir dir;
  ObjectStore store(dir.path() / "objects");
  const auto file = dir.write("a.txt", "abc");
  const StoredObject o = store.put_file(file);
  EXPECT_EQ(ledger::to_hex(o.sha256),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(o.size, 3u);
  EXPECT_FALSE(o.already_present);
  const auto path =
      dir.path() / "objects/ba/7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  EXPECT_EQ(store.path_of(o.sha256), path);
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0444u);
  EXPECT_EQ(hash_file(path), o.sha256);
  // The same bytes again: one object.
  const StoredObject again = store.put_file(dir.write("copy.txt", "abc"));
  EXPECT_TRUE(again.already_present);
  EXPECT_TRUE(std::filesystem::is_empty(dir.path() / "objects/tmp"));
}

TEST(ObjectStore, LargeFilesHashAsAWhole) {
  testing::ScratchDir dir;
  ObjectStore store(dir.path() / "objects");
  std::string big(3 * (1 << 20) + 17, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 31 % 251);
  const StoredObject o = store.put_file(dir.write("big.bin", big));
  EXPECT_EQ(o.sha256, ledger::sha256(big));
  EXPECT_EQ(o.size, big.size());
}

TEST(ObjectStore, CheckFindsAlteredObjectsAndLeftovers) {
  testing::ScratchDir dir;
  ObjectStore store(dir.path() / "objects");
  const StoredObject a = store.put_file(dir.write("a", "first"));
  store.put_file(dir.write("b", "second"));
  ObjectCheck check = store.check();
  EXPECT_EQ(check.intact.size(), 2u);
  EXPECT_TRUE(check.altered.empty());
  const auto path = store.path_of(a.sha256);
  std::filesystem::permissions(path, std::filesystem::perms::owner_write,
                               std::filesystem::perm_options::add);
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(2);
    f.put('X');
  }
  std::ofstream(dir.path() / "objects/tmp/ingest-abc123") << "half";
  check = store.check();
  ASSERT_EQ(check.altered.size(), 1u);
  EXPECT_EQ(check.altered[0], ledger::to_hex(a.sha256));
  EXPECT_EQ(check.intact.size(), 1u);
  EXPECT_EQ(check.stray.size(), 1u);
}

TEST(ObjectStore, RefusesWhatIsNotARegularFile) {
  testing::ScratchDir dir;
  ObjectStore store(dir.path() / "objects");
  EXPECT_THROW(store.put_file(dir.path()), core::InputError);
  EXPECT_THROW(store.put_file(dir.path() / "missing"), core::NotFound);  // exit 4, not 8
  ASSERT_EQ(::mkfifo(dir.file("pipe").c_str(), 0600), 0);
  EXPECT_THROW(store.put_file(dir.file("pipe")), core::InputError);  // and does not block
  EXPECT_THROW(store.put_file("/dev/zero"), core::InputError);
  const std::string real = dir.write("real.txt", "bytes");
  std::filesystem::create_symlink(real, dir.file("link"));
  EXPECT_THROW(store.put_file(dir.file("link")), core::InputError);
  EXPECT_EQ(store.put_file(dir.file("link"), true).size, 5u);
}

}  // namespace
}  // namespace athar::vault
