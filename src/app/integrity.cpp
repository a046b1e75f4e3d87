#include "app/integrity.h"

#include "app/accounts.h"
#include "ledger/checkpoint.h"
#include "matching/estimate_store.h"
#include "matching/kinship_store.h"
#include "matching/person_linkage.h"
#include "vault/object_store.h"

namespace athar::app {

core::OrderedJson Verification::to_json() const {
  core::OrderedJson findings = core::OrderedJson::array();
  for (const auto& f : report.findings) {
    findings.push_back({{"subject", f.subject}, {"change", f.change}, {"detail", f.detail}});
  }
  return {{"ok", report.ok()},
          {"entries", report.entries},
          {"records", report.records},
          {"checkpoints", report.checkpoints},
          {"held_checkpoints", report.held_checkpoints},
          {"objects", report.objects},
          {"unreferenced_objects", report.unreferenced_objects},
          {"leftover_files", report.leftover_files},
          {"findings", std::move(findings)},
          {"warnings", report.warnings}};
}

Verification verify(Session& session, const std::vector<registry::HeldCheckpoint>& held,
                    const core::Progress& progress) {
  session.require(Permission::kReadLedger, "verify the registry");
  Instance& instance = session.instance();
  registry::Registry& reg = session.registry();
  const auto key = ledger::load_verifier_key(instance.keys_dir());
  const vault::ObjectStore objects(instance.objects_path());
  // Every check below reads one snapshot, whatever other processes write meanwhile.
  store::ReadTransaction snapshot(reg.database());
  Verification out;
  out.report = registry::verify_registry(reg, key, &objects, held, progress.part(0, 0.95));
  progress(0.95, "analyses and accounts");
  // Analysts' linkage decisions, kinship profiles and estimates are kept beside the registry,
  // with ledger entries too; so are accounts.
  for (auto& [subject, detail] : matching::check_decisions(reg))
    out.report.findings.push_back({subject, "altered", detail});
  for (auto& [subject, detail] : matching::check_kinship(reg))
    out.report.findings.push_back({subject, "altered", detail});
  for (auto& [subject, detail] : matching::check_estimates(reg))
    out.report.findings.push_back({subject, "altered", detail});
  verify_accounts(reg.database(), out.report);
  return out;
}

}  // namespace athar::app
