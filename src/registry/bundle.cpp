#include "registry/bundle.h"

#include <fstream>
#include <map>
#include <set>

#include "core/encoding.h"
#include "core/error.h"
#include "core/json.h"
#include "ledger/merkle.h"
#include "vault/tar.h"

namespace athar::registry {

namespace {

constexpr uint64_t kTextLimit = 64 << 20;  // records, entries, proofs and the manifest

std::string readme(const std::string& origin, uint64_t size) {
  return "Athar evidence bundle\n\n"
         "Ledger " +
         origin + ", checkpoint of " + std::to_string(size) +
         " entries.\n\n"
         "objects/<sha256>        the files, named by the SHA-256 of their bytes\n"
         "records/<id>.json       evidence and custody records, the exact bytes the ledger hashed\n"
         "ledger/<n>.entry        ledger entry n, the exact bytes of the Merkle leaf\n"
         "ledger/<n>.proof.json   its RFC 9162 inclusion proof in the checkpoint's tree\n"
         "checkpoint.txt          the signed checkpoint (C2SP signed note, Ed25519)\n"
         "key.vkey                the ledger's public key; obtain it also from the custodian\n"
         "manifest.json           what is where\n\n"
         "Check it with `athar bundle verify FILE --key KEY`, or by hand as "
         "docs/verify-by-hand.md\n"
         "of Athar describes (sha256sum, openssl and a short script).\n";
}

std::vector<Record> custody_of(const Registry& registry, const std::string& evidence_id) {
  ListQuery q;
  q.limit = 0;
  q.equals.emplace_back("evidence", evidence_id);
  return registry.list(kind_spec(Kind::kCustody), q);
}

}  // namespace

BundleSummary export_bundle(Registry& registry, const vault::ObjectStore& objects,
                            const ledger::SigningKey& key, const std::vector<std::string>& evidence,
                            const std::filesystem::path& out) {
  if (evidence.empty())
    throw core::InputError("bundle", "evidence", "", "name at least one evidence id");
  store::Database& db = registry.database();
  ledger::Ledger& log = registry.ledger();

  // The records, in the order given, each evidence item followed by its custody events.
  std::vector<Record> records;
  std::vector<Record> items;
  for (const std::string& id : evidence) {
    Record e = registry.get(id);
    if (e.spec->kind != Kind::kEvidence) {
      throw core::InputError("bundle", "evidence", id, "is not an evidence id");
    }
    items.push_back(e);
    records.push_back(e);
    for (Record& c : custody_of(registry, e.id())) records.push_back(std::move(c));
  }
  std::set<std::string> ids;
  for (const Record& r : records) ids.insert(r.id());
  const auto entries = log.entries_about(ids);

  // A checkpoint that covers the log as it is now.
  auto checkpoints = ledger::stored_checkpoints(db);
  ledger::StoredCheckpoint checkpoint;
  if (!checkpoints.empty() && checkpoints.back().size == log.size()) {
    checkpoint = checkpoints.back();
  } else {
    store::Transaction tx(db);
    checkpoint = ledger::publish_checkpoint(db, log, key);
    tx.commit();
  }
  const uint64_t n = checkpoint.size;

  std::ofstream file(out, std::ios::binary | std::ios::trunc);
  if (!file) throw core::Unavailable("cannot write " + out.string());
  vault::TarWriter tar(file);
  const std::string origin = ledger::origin(db);
  tar.add_file("README.txt", readme(origin, n));
  tar.add_file("key.vkey", ledger::verifier_key_text(key) + "\n");
  tar.add_file("checkpoint.txt", checkpoint.note);

  core::OrderedJson manifest;
  manifest["format"] = "athar-bundle";
  manifest["version"] = 1;
  manifest["origin"] = origin;
  manifest["checkpoint"] = {{"size", n}, {"root", ledger::to_base64(checkpoint.root)}};
  BundleSummary summary;
  summary.tree_size = n;
  core::OrderedJson manifest_records = core::OrderedJson::array();
  for (const Record& r : records) {
    const std::string canonical = canonical_record(r, registry.history(r.id()));
    tar.add_file("records/" + r.id() + ".json", canonical);
    core::OrderedJson indexes = core::OrderedJson::array();
    auto it = entries.find(r.id());
    if (it == entries.end())
      throw core::Corruption(r.id() + " has no ledger entry; run athar verify");
    for (uint64_t index : it->second) {
      if (index >= n) continue;
      const std::string entry = log.entry(index);
      tar.add_file("ledger/" + std::to_string(index) + ".entry", entry);
      core::OrderedJson proof = core::OrderedJson::array();
      for (const auto& h : log.inclusion_proof(index, n)) proof.push_back(ledger::to_base64(h));
      const core::OrderedJson proof_file = {
          {"index", index},
          {"tree_size", n},
          {"leaf_hash", ledger::to_base64(ledger::leaf_hash(entry))},
          {"proof", proof}};
      tar.add_file("ledger/" + std::to_string(index) + ".proof.json", proof_file.dump(2) + "\n");
      indexes.push_back(index);
      ++summary.entries;
    }
    manifest_records.push_back({{"id", r.id()},
                                {"file", "records/" + r.id() + ".json"},
                                {"sha256", ledger::to_hex(ledger::sha256(canonical))},
                                {"ledger_entries", indexes}});
    ++summary.records;
  }
  core::OrderedJson manifest_objects = core::OrderedJson::array();
  for (const Record& e : items) {
    const std::string& hex = e.get("sha256");
    tar.add_file_from_disk("objects/" + hex, objects.path_of_hex(hex));
    manifest_objects.push_back(
        {{"evidence", e.id()}, {"file", "objects/" + hex}, {"size", std::stoll(e.get("size"))}});
    ++summary.evidence;
  }
  manifest["objects"] = manifest_objects;
  manifest["records"] = manifest_records;
  tar.add_file("manifest.json", manifest.dump(2) + "\n");
  tar.finish();
  return summary;
}

BundleReport verify_bundle(const std::filesystem::path& bundle,
                           const std::optional<std::string>& trusted_key) {
  std::ifstream in(bundle, std::ios::binary);
  if (!in) throw core::NotFound("cannot read " + bundle.string());
  vault::TarReader tar(in);
  std::map<std::string, std::string> texts;           // small files by name
  std::map<std::string, ledger::Hash> object_hashes;  // objects/<hex> -> hash of its bytes
  while (auto entry = tar.next()) {
    if (!entry->regular) continue;
    if (entry->name.rfind("objects/", 0) == 0) {
      ledger::Sha256 h;
      tar.read_content([&](const uint8_t* p, size_t n) { h.update({p, n}); });
      object_hashes[entry->name.substr(8)] = h.finish();
    } else {
      texts[entry->name] = tar.read_content_string(kTextLimit);
    }
  }

  BundleReport report;
  auto need = [&](const std::string& name) -> const std::string& {
    auto it = texts.find(name);
    if (it == texts.end()) throw core::Corruption("the bundle has no " + name);
    return it->second;
  };
  // The key: the bundle's own, checked against the one obtained apart when given.
  const ledger::VerifierKey key = ledger::parse_verifier_key(need("key.vkey"));
  if (trusted_key) {
    report.key_from_bundle = false;
    const ledger::VerifierKey trusted = ledger::parse_verifier_key(*trusted_key);
    if (trusted.public_key != key.public_key || trusted.name != key.name) {
      report.findings.push_back({"key.vkey", "altered", "differs from the key you trust"});
      return report;
    }
  }
  ledger::Checkpoint checkpoint;
  try {
    checkpoint = ledger::open_checkpoint(need("checkpoint.txt"), key);
  } catch (const core::Corruption& e) {
    report.findings.push_back({"checkpoint.txt", "bad signature", e.what()});
    return report;
  }
  report.origin = checkpoint.origin;
  report.tree_size = checkpoint.size;

  // Every entry is in the signed tree; remember what each says of its record.
  std::map<std::string, std::pair<uint64_t, std::string>> last_hash;  // record -> (index, sha256)
  for (const auto& [name, text] : texts) {
    if (name.rfind("ledger/", 0) != 0 || name.size() < 13 ||
        name.substr(name.size() - 6) != ".entry")
      continue;
    ++report.entries;
    const std::string stem = name.substr(7, name.size() - 13);
    const core::Json proof_file =
        core::Json::parse(need("ledger/" + stem + ".proof.json"), nullptr, false);
    if (proof_file.is_discarded() || !proof_file.contains("index") ||
        !proof_file.contains("proof")) {
      report.findings.push_back({name, "altered", "its proof file is not readable"});
      continue;
    }
    const auto index = proof_file["index"].get<uint64_t>();
    std::vector<ledger::Bytes> proof;
    for (const auto& p : proof_file["proof"]) {
      auto bytes = core::base64_decode(p.get<std::string>());
      proof.push_back(bytes ? *bytes : ledger::Bytes{});
    }
    const ledger::Hash leaf = ledger::leaf_hash(text);
    if (std::to_string(index) != stem ||
        !ledger::verify_inclusion(index, checkpoint.size, leaf, proof, checkpoint.root)) {
      report.findings.push_back(
          {name, "altered", "its inclusion proof in the signed checkpoint fails"});
      continue;
    }
    const core::Json entry = core::Json::parse(text, nullptr, false);
    if (entry.is_discarded() || !entry.contains("record") || !entry.contains("sha256")) {
      report.findings.push_back({name, "altered", "not a ledger entry"});
      continue;
    }
    auto& last = last_hash[entry["record"].get<std::string>()];
    if (last.second.empty() || index > last.first)
      last = {index, entry["sha256"].get<std::string>()};
  }

  // Every record is what its last entry vouches for; evidence names its object.
  std::set<std::string> vouched_objects;
  for (const auto& [name, text] : texts) {
    if (name.rfind("records/", 0) != 0) continue;
    ++report.records;
    const std::string id = name.substr(8, name.size() - 8 - 5);
    auto it = last_hash.find(id);
    if (it == last_hash.end()) {
      report.findings.push_back({id, "unexpected", "no ledger entry in the bundle vouches for it"});
      continue;
    }
    if (ledger::to_hex(ledger::sha256(text)) != it->second.second) {
      report.findings.push_back(
          {id, "altered", "differs from ledger entry " + std::to_string(it->second.first)});
      continue;
    }
    const core::Json record = core::Json::parse(text, nullptr, false);
    if (!record.is_discarded() && id.rfind("evidence-", 0) == 0) {
      vouched_objects.insert(record["fields"]["sha256"].get<std::string>());
    }
  }
  for (const std::string& hex : vouched_objects) {
    auto it = object_hashes.find(hex);
    if (it == object_hashes.end()) {
      report.findings.push_back(
          {"object " + hex, "missing", "named by an evidence record, not in the bundle"});
    } else if (ledger::to_hex(it->second) != hex) {
      report.findings.push_back(
          {"object " + hex, "altered", "its bytes no longer hash to its name"});
    }
  }
  for (const auto& [hex, hash] : object_hashes) {
    ++report.objects;
    if (!vouched_objects.count(hex)) {
      report.findings.push_back(
          {"object " + hex, "unexpected", "no evidence record in the bundle names it"});
    }
  }
  return report;
}

}  // namespace athar::registry
