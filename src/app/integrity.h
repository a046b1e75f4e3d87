// `verify`: every record, ledger entry, checkpoint, evidence object, analysis kept beside the
// registry, and account, checked against the ledger in one snapshot.
#pragma once

#include <vector>

#include "app/instance.h"
#include "core/json.h"
#include "registry/verify.h"

namespace athar::app {

struct Verification {
  registry::VerifyReport report;
  core::OrderedJson to_json() const;
};

// `held`: checkpoints kept outside the data folder, which the log must still be consistent with.
Verification verify(Session& session, const std::vector<registry::HeldCheckpoint>& held = {},
                    const core::Progress& progress = {});

}  // namespace athar::app
