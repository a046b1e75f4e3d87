// Sealing of sensitive fields: what encryption at rest costs per value, to set beside the
// import rate. Seals and opens N witness-identity-sized values (about 60 bytes of Arabic and
// Latin text) on one thread.
//
//   field_cipher_bench [N]      (default 1,000,000)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "registry/field_cipher.h"

int main(int argc, char** argv) {
  const long n = argc > 1 ? std::atol(argv[1]) : 1000000;
  const auto dir = std::filesystem::temp_directory_path() / "athar-field-cipher-bench";
  std::filesystem::remove_all(dir);
  athar::registry::FieldCipher::create(dir);
  const auto cipher = athar::registry::FieldCipher::load(dir);
  std::filesystem::remove_all(dir);
  const std::string identity = "محمد أحمد الحسن — Mohammad Ahmad al-Hasan, driver";
  using Clock = std::chrono::steady_clock;
  std::string sealed;
  size_t bytes = 0;
  auto start = Clock::now();
  for (long i = 0; i < n; ++i) {
    sealed = cipher.seal("witnesses", "identity", identity);
    bytes += sealed.size();
  }
  const double seal_s = std::chrono::duration<double>(Clock::now() - start).count();
  start = Clock::now();
  for (long i = 0; i < n; ++i) bytes += cipher.open("witnesses", "identity", sealed).size();
  const double open_s = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf(
      "%ld values of %zu bytes: seal %.3f s (%.2f us each, %.0f/s), open %.3f s "
      "(%.2f us each); sealed form %zu bytes (checksum %zu)\n",
      n, identity.size(), seal_s, 1e6 * seal_s / static_cast<double>(n),
      static_cast<double>(n) / seal_s, open_s, 1e6 * open_s / static_cast<double>(n), sealed.size(),
      bytes);
}
