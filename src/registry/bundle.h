// Evidence bundles for courts and outside experts (docs/bundle-format.md): one tar archive with
// the files, their evidence and custody records in the canonical form the ledger hashed, the
// ledger entries about them with inclusion proofs against a signed checkpoint, and the public
// key. `verify_bundle` needs nothing but the archive (and, ideally, the key obtained apart).
//
//   export_bundle(registry, objects, key, {"evidence-000003"}, "bundle.tar");
//   BundleReport r = verify_bundle("bundle.tar", std::nullopt);
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/progress.h"
#include "ledger/checkpoint.h"
#include "registry/registry.h"
#include "registry/verify.h"
#include "vault/object_store.h"

namespace athar::registry {

struct BundleSummary {
  uint64_t tree_size = 0;
  size_t evidence = 0, records = 0, entries = 0;
};

// Signs a checkpoint of the current log if the newest kept one is older, then writes the bundle.
// A failed or cancelled write leaves no partial file at `out`.
BundleSummary export_bundle(Registry& registry, const vault::ObjectStore& objects,
                            const ledger::SigningKey& key, const std::vector<std::string>& evidence,
                            const std::filesystem::path& out, const core::Progress& progress = {});

struct BundleReport {
  std::string origin;
  uint64_t tree_size = 0;
  size_t objects = 0, records = 0, entries = 0;
  bool key_from_bundle = true;  // no key was given to check the bundle's own against
  std::vector<Finding> findings;
  bool ok() const { return findings.empty(); }
};

// `trusted_key`: the verifier key text obtained apart from the bundle; the bundle's own key
// must then equal it.
BundleReport verify_bundle(const std::filesystem::path& bundle,
                           const std::optional<std::string>& trusted_key);

}  // namespace athar::registry
