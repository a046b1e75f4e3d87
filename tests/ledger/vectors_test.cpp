// The public RFC 6962 test vectors (tests/ledger/vectors, from transparency-dev/merkle): every
// good proof verifies and every tampered one is rejected.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/encoding.h"
#include "core/json.h"
#include "ledger/merkle.h"

namespace athar::ledger {
namespace {

const std::filesystem::path kVectors =
    std::filesystem::path(ATHAR_SOURCE_DIR) / "tests/ledger/vectors";

Bytes decode(const core::Json& value) {
  if (value.is_null()) return {};
  auto bytes = core::base64_decode(value.get<std::string>());
  EXPECT_TRUE(bytes) << value;
  return bytes ? *bytes : Bytes{};
}

std::vector<Bytes> decode_proof(const core::Json& value) {
  std::vector<Bytes> out;
  if (value.is_null()) return out;
  for (const auto& p : value) out.push_back(decode(p));
  return out;
}

std::vector<std::filesystem::path> cases(const std::string& kind) {
  std::vector<std::filesystem::path> out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(kVectors / kind)) {
    if (e.path().extension() == ".json") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

core::Json load(const std::filesystem::path& path) {
  std::ifstream in(path);
  return core::Json::parse(in);
}

TEST(MerkleVectors, Inclusion) {
  const auto files = cases("inclusion");
  ASSERT_GE(files.size(), 60u);
  int good = 0, bad = 0;
  for (const auto& path : files) {
    const core::Json v = load(path);
    const bool ok =
        verify_inclusion(v["leafIdx"].get<uint64_t>(), v["treeSize"].get<uint64_t>(),
                         decode(v["leafHash"]), decode_proof(v["proof"]), decode(v["root"]));
    EXPECT_EQ(ok, !v["wantErr"].get<bool>()) << path;
    (ok ? good : bad)++;
  }
  EXPECT_GT(good, 0);
  EXPECT_GT(bad, 0);
}

TEST(MerkleVectors, Consistency) {
  const auto files = cases("consistency");
  ASSERT_GE(files.size(), 60u);
  int good = 0, bad = 0;
  for (const auto& path : files) {
    const core::Json v = load(path);
    const bool ok =
        verify_consistency(v["size1"].get<uint64_t>(), v["size2"].get<uint64_t>(),
                           decode(v["root1"]), decode(v["root2"]), decode_proof(v["proof"]));
    EXPECT_EQ(ok, !v["wantErr"].get<bool>()) << path;
    (ok ? good : bad)++;
  }
  EXPECT_GT(good, 0);
  EXPECT_GT(bad, 0);
}

}  // namespace
}  // namespace athar::ledger
