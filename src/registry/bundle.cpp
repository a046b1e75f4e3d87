#include "registry/bundle.h"

#include <cstdlib>
#include <fstream>
#include <map>
#include <set>

#include "core/encoding.h"
#include "core/error.h"
#include "core/json.h"
#include "ledger/log.h"
#include "ledger/merkle.h"
#include "ledger/state.h"
#include "vault/tar.h"

namespace athar::registry {

namespace {

constexpr uint64_t kTextLimit = 64 << 20;  // records, entries, proofs and the manifest

constexpr int kBundleVersion = 2;

std::string readme(const std::string& origin, uint64_t size) {
  return "Athar evidence bundle\n\n"
         "Ledger " +
         origin + ", checkpoint of " + std::to_string(size) +
         " entries.\n\n"
         "objects/<sha256>        the files, named by the SHA-256 of their bytes\n"
         "records/<id>.json       evidence and custody records, the exact bytes the ledger hashed\n"
         "ledger/<n>.entry        ledger entry n, the exact bytes of the Merkle leaf\n"
         "ledger/<n>.proof.json   its RFC 9162 inclusion proof in the checkpoint's tree\n"
         "state/<id>.proof.json   the record's newest entry, proved in the signed state map\n"
         "checkpoint.txt          the signed checkpoint (C2SP signed note, Ed25519)\n"
         "key.vkey                the ledger's public key; obtain it also from the custodian\n"
         "manifest.json           what is where (derived from the rest; checked)\n\n"
         "Check it with `athar bundle verify FILE --key KEY`, or by hand as "
         "docs/verify-by-hand.md\n"
         "of Athar describes (sha256sum, openssl and a short script).\n";
}

std::vector<Record> custody_of(const Registry& registry, const std::string& evidence_id) {
  ListQuery q;
  q.limit = 0;
  q.include_retracted = true;  // a bundle holds every event of the chain, retracted ones marked
  q.equals.emplace_back("evidence", evidence_id);
  return registry.list(kind_spec(Kind::kCustody), q);
}

// The manifest is derived from the other members, so that a verifier can rebuild it and refuse
// an edited one: records and objects in order of id, each record with the entries about it.
std::string manifest_text(const std::string& origin, uint64_t size, const ledger::Hash& root,
                          const std::map<std::string, std::string>& records,
                          const std::map<std::string, std::vector<uint64_t>>& entries_of,
                          const std::map<std::string, std::pair<std::string, int64_t>>& objects) {
  core::OrderedJson manifest;
  manifest["format"] = "athar-bundle";
  manifest["version"] = kBundleVersion;
  manifest["origin"] = origin;
  manifest["checkpoint"] = {{"size", size}, {"root", ledger::to_base64(root)}};
  core::OrderedJson object_list = core::OrderedJson::array();
  for (const auto& [evidence, object] : objects) {
    object_list.push_back(
        {{"evidence", evidence}, {"file", "objects/" + object.first}, {"size", object.second}});
  }
  core::OrderedJson record_list = core::OrderedJson::array();
  for (const auto& [id, canonical] : records) {
    core::OrderedJson indexes = core::OrderedJson::array();
    if (auto it = entries_of.find(id); it != entries_of.end()) {
      for (uint64_t i : it->second) indexes.push_back(i);
    }
    record_list.push_back({{"id", id},
                           {"file", "records/" + id + ".json"},
                           {"sha256", ledger::to_hex(ledger::sha256(canonical))},
                           {"ledger_entries", indexes}});
  }
  manifest["objects"] = object_list;
  manifest["records"] = record_list;
  return manifest.dump(2) + "\n";
}

core::OrderedJson proof_json(const std::vector<ledger::Hash>& proof) {
  core::OrderedJson out = core::OrderedJson::array();
  for (const auto& h : proof) out.push_back(ledger::to_base64(h));
  return out;
}

}  // namespace

BundleSummary export_bundle(Registry& registry, const vault::ObjectStore& objects,
                            const ledger::SigningKey& key, const std::vector<std::string>& evidence,
                            const std::filesystem::path& out, const core::Progress& progress) {
  if (evidence.empty())
    throw core::InputError("bundle", "evidence", "", "name at least one evidence id");
  progress(0, "reading records and proofs");
  store::Database& db = registry.database();
  ledger::Ledger& log = registry.ledger();

  // Everything but the objects' bytes is read under the writer lock, so that the checkpoint, the
  // state map and the entries describe one moment of the log.
  std::map<std::string, std::string> records;                    // id -> canonical form
  std::map<std::string, std::vector<uint64_t>> entries_of;       // id -> its entries
  std::map<std::string, std::pair<std::string, int64_t>> items;  // evidence -> (sha256, size)
  std::map<std::string, std::string> texts;                      // other members by name
  ledger::StoredCheckpoint checkpoint;
  std::string origin;
  {
    Registry::Transaction tx(registry);
    std::set<std::string> ids;
    for (const std::string& id : evidence) {
      Record e = registry.get(id);
      if (e.spec->kind != Kind::kEvidence) {
        throw core::InputError("bundle", "evidence", id, "is not an evidence id");
      }
      items[e.id()] = {e.get("sha256"), std::stoll(e.get("size"))};
      ids.insert(e.id());
      records[e.id()] = canonical_record(e, registry.history(e.id()));
      for (const Record& c : custody_of(registry, e.id())) {
        ids.insert(c.id());
        records[c.id()] = canonical_record(c, registry.history(c.id()));
      }
    }
    // A checkpoint of the log as it is now, committing to the state map.
    const auto kept = ledger::stored_checkpoints(db);
    const ledger::VerifierKey vkey = ledger::parse_verifier_key(ledger::verifier_key_text(key));
    if (!kept.empty() && kept.back().size == log.size() &&
        ledger::state_commitment(ledger::open_checkpoint(kept.back().note, vkey))) {
      checkpoint = kept.back();
    } else {
      checkpoint = registry.checkpoint(key);
    }
    origin = ledger::origin(db);
    const uint64_t n = checkpoint.size;
    entries_of = log.entries_about(ids);
    const ledger::StateTree state = registry.state();
    for (const std::string& id : ids) {
      const auto it = entries_of.find(id);
      const auto position = state.position(id);
      if (it == entries_of.end() || !position) {
        throw core::Corruption(id + " has no ledger entry; run athar verify");
      }
      for (uint64_t index : it->second) {
        const std::string entry = log.entry(index);
        texts["ledger/" + std::to_string(index) + ".entry"] = entry;
        const core::OrderedJson proof = {{"index", index},
                                         {"tree_size", n},
                                         {"leaf_hash", ledger::to_base64(ledger::leaf_hash(entry))},
                                         {"proof", proof_json(log.inclusion_proof(index, n))}};
        texts["ledger/" + std::to_string(index) + ".proof.json"] = proof.dump(2) + "\n";
      }
      const core::OrderedJson state_proof = {
          {"subject", id},
          {"entry", state.entries[*position]},
          {"index", *position},
          {"state_size", state.size()},
          {"proof", proof_json(ledger::inclusion_proof(state.tree, *position, state.size()))}};
      texts["state/" + id + ".proof.json"] = state_proof.dump(2) + "\n";
    }
    tx.commit();
  }

  std::ofstream file(out, std::ios::binary | std::ios::trunc);
  if (!file) throw core::Unavailable("cannot write " + out.string());
  struct RemoveUnlessFinished {
    const std::filesystem::path& path;
    bool finished = false;
    ~RemoveUnlessFinished() {
      std::error_code ignored;
      if (!finished) std::filesystem::remove(path, ignored);
    }
  } partial{out};
  int64_t total_bytes = 0, written_bytes = 0;
  for (const auto& [id, object] : items) total_bytes += object.second;
  vault::TarWriter tar(file);
  tar.add_file("README.txt", readme(origin, checkpoint.size));
  tar.add_file("key.vkey", ledger::verifier_key_text(key) + "\n");
  tar.add_file("checkpoint.txt", checkpoint.note);
  BundleSummary summary;
  summary.tree_size = checkpoint.size;
  for (const auto& [id, canonical] : records) {
    tar.add_file("records/" + id + ".json", canonical);
    ++summary.records;
  }
  for (const auto& [name, text] : texts) {
    tar.add_file(name, text);
    if (name.size() > 6 && name.substr(name.size() - 6) == ".entry") ++summary.entries;
  }
  for (const auto& [id, object] : items) {
    progress(0.1 + 0.9 * static_cast<double>(written_bytes) /
                       static_cast<double>(std::max<int64_t>(total_bytes, 1)),
             "evidence files");
    tar.add_file_from_disk("objects/" + object.first, objects.path_of_hex(object.first));
    written_bytes += object.second;
    ++summary.evidence;
  }
  tar.add_file("manifest.json",
               manifest_text(origin, checkpoint.size, checkpoint.root, records, entries_of, items));
  tar.finish();
  file.close();
  if (!file) throw core::Unavailable("cannot write " + out.string());
  partial.finished = true;
  return summary;
}

namespace {

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::optional<ledger::Bytes> decode_hash(const core::Json& j) {
  if (!j.is_string()) return std::nullopt;
  auto bytes = core::base64_decode(j.get<std::string>());
  if (!bytes || bytes->size() != 32) return std::nullopt;
  return bytes;
}

std::optional<std::vector<ledger::Bytes>> decode_proof(const core::Json& file) {
  if (!file.is_object() || !file.contains("proof") || !file["proof"].is_array())
    return std::nullopt;
  std::vector<ledger::Bytes> proof;
  for (const auto& p : file["proof"]) {
    auto bytes = decode_hash(p);
    if (!bytes) return std::nullopt;
    proof.push_back(std::move(*bytes));
  }
  return proof;
}

std::optional<uint64_t> number(const core::Json& file, const char* key) {
  if (!file.is_object() || !file.contains(key) || !file[key].is_number_unsigned()) {
    return std::nullopt;
  }
  return file[key].get<uint64_t>();
}

}  // namespace

BundleReport verify_bundle(const std::filesystem::path& bundle,
                           const std::optional<std::string>& trusted_key) {
  std::ifstream in(bundle, std::ios::binary);
  if (!in) core::throw_cannot_open(bundle.string(), "bundle");
  vault::TarReader tar(in);
  BundleReport report;
  std::map<std::string, std::string> texts;           // small files by name
  std::map<std::string, ledger::Hash> object_hashes;  // objects/<hex> -> hash of its bytes
  std::map<std::string, uint64_t> object_sizes;
  while (auto entry = tar.next()) {
    if (!entry->regular) {
      report.findings.push_back({entry->name, "unexpected", "not a plain file"});
      continue;
    }
    if (entry->name.rfind("objects/", 0) == 0) {
      ledger::Sha256 h;
      tar.read_content([&](const uint8_t* p, size_t n) { h.update({p, n}); });
      object_hashes[entry->name.substr(8)] = h.finish();
      object_sizes[entry->name.substr(8)] = entry->size;
    } else if (!texts.emplace(entry->name, tar.read_content_string(kTextLimit)).second) {
      report.findings.push_back({entry->name, "unexpected", "appears twice in the archive"});
    }
  }

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
  if (checkpoint.origin != key.name) {
    report.findings.push_back({"checkpoint.txt", "altered",
                               "its origin " + checkpoint.origin + " is not the key's name"});
  }
  std::optional<ledger::StateCommitment> state;
  try {
    state = ledger::state_commitment(checkpoint);
  } catch (const core::Corruption& e) {
    report.findings.push_back({"checkpoint.txt", "altered", e.what()});
  }
  if (!state) {
    report.findings.push_back({"checkpoint.txt", "missing",
                               "it commits to no state map, so the bundle cannot show that it "
                               "holds each record's latest version (made by an older Athar?)"});
  }

  // Every entry is in the signed tree.
  std::map<uint64_t, core::Json> entries;  // index -> parsed entry
  std::map<std::string, std::vector<uint64_t>> entries_of;
  for (const auto& [name, text] : texts) {
    if (name.rfind("ledger/", 0) != 0 || !ends_with(name, ".entry")) continue;
    ++report.entries;
    const std::string stem = name.substr(7, name.size() - 13);
    const auto proof_text = texts.find("ledger/" + stem + ".proof.json");
    const core::Json proof_file = proof_text == texts.end()
                                      ? core::Json()
                                      : core::Json::parse(proof_text->second, nullptr, false);
    const auto index = number(proof_file, "index");
    const auto proof = decode_proof(proof_file);
    if (!index || !proof || std::to_string(*index) != stem) {
      report.findings.push_back({name, "altered", "its proof file is missing or not readable"});
      continue;
    }
    if (!ledger::verify_inclusion(*index, checkpoint.size, ledger::leaf_hash(text), *proof,
                                  checkpoint.root)) {
      report.findings.push_back(
          {name, "altered", "its inclusion proof in the signed checkpoint fails"});
      continue;
    }
    core::Json entry = core::Json::parse(text, nullptr, false);
    if (!entry.is_object() || !entry.contains("record") || !entry["record"].is_string() ||
        !entry.contains("sha256") || !entry["sha256"].is_string()) {
      report.findings.push_back({name, "altered", "not a ledger entry"});
      continue;
    }
    entries_of[entry["record"].get<std::string>()].push_back(*index);
    entries[*index] = std::move(entry);
  }

  // Each record is its latest version as of the checkpoint: the state map names its newest
  // entry, that entry is here and vouches for the record, and every earlier entry of its chain
  // is here too. Custody events named in an evidence item's chain must all be here.
  std::map<std::string, std::string> records;
  std::set<std::string> vouched_objects, chained;
  std::map<std::string, std::pair<std::string, uint64_t>> custody_named;  // id -> (evidence, entry)
  std::map<std::string, std::pair<std::string, int64_t>> items;
  for (const auto& [name, text] : texts) {
    if (name.rfind("records/", 0) != 0 || !ends_with(name, ".json")) continue;
    ++report.records;
    const std::string id = name.substr(8, name.size() - 8 - 5);
    records[id] = text;
    const auto state_text = texts.find("state/" + id + ".proof.json");
    if (state_text == texts.end()) {
      report.findings.push_back({id, "missing",
                                 "no state proof: nothing shows this is its latest "
                                 "version"});
      continue;
    }
    const core::Json state_file = core::Json::parse(state_text->second, nullptr, false);
    const auto head = number(state_file, "entry");
    const auto position = number(state_file, "index");
    const auto state_size = number(state_file, "state_size");
    const auto state_proof = decode_proof(state_file);
    if (!head || !position || !state_size || !state_proof ||
        state_file.value("subject", "") != id) {
      report.findings.push_back({"state/" + id + ".proof.json", "altered", "not a state proof"});
      continue;
    }
    if (state && (*state_size != state->count ||
                  !ledger::verify_inclusion(*position, *state_size,
                                            ledger::leaf_hash(ledger::state_leaf(id, *head)),
                                            *state_proof, state->root))) {
      report.findings.push_back(
          {"state/" + id + ".proof.json", "altered", "its proof in the signed state map fails"});
      continue;
    }
    const auto newest = entries.find(*head);
    if (newest == entries.end()) {
      report.findings.push_back({id, "missing",
                                 "its latest entry (" + std::to_string(*head) +
                                     ") is not in the bundle: an older version was shipped?"});
      continue;
    }
    if (newest->second["record"] != id ||
        newest->second["sha256"].get<std::string>() != ledger::to_hex(ledger::sha256(text))) {
      report.findings.push_back(
          {id, "altered",
           "is not the version its latest entry (" + std::to_string(*head) + ") vouches for"});
      continue;
    }
    // Walk the chain back to the add.
    for (auto at = newest; at != entries.end();) {
      chained.insert("ledger/" + std::to_string(at->first) + ".entry");
      const core::Json& e = at->second;
      if (e.value("op", "") == "registry.custody" && e.contains("custody") &&
          e["custody"].is_string()) {
        custody_named[e["custody"].get<std::string>()] = {id, at->first};
      }
      if (!e.contains("prev")) break;
      const std::string prev = e["prev"].is_string() ? e["prev"].get<std::string>() : "";
      const auto found = entries.find(std::strtoull(prev.c_str(), nullptr, 10));
      if (prev.empty() || found == entries.end() || found->second["record"] != id) {
        report.findings.push_back({id, "missing",
                                   "entry " + prev + " of its chain (before " +
                                       std::to_string(at->first) + ") is not in the bundle"});
        break;
      }
      at = found;
    }
    const core::Json record = core::Json::parse(text, nullptr, false);
    if (id.rfind("evidence-", 0) == 0 && record.is_object() && record.contains("fields")) {
      const auto& fields = record["fields"];
      const std::string hex = fields.value("sha256", "");
      vouched_objects.insert(hex);
      items[id] = {hex, std::strtoll(fields.value("size", "0").c_str(), nullptr, 10)};
    }
  }
  for (const auto& [custody, named_by] : custody_named) {
    if (!records.count(custody)) {
      report.findings.push_back({custody, "missing",
                                 "entry " + std::to_string(named_by.second) + " of " +
                                     named_by.first +
                                     " records this custody event; the bundle leaves it out"});
    }
  }
  for (const auto& [index, entry] : entries) {
    const std::string name = "ledger/" + std::to_string(index) + ".entry";
    if (!chained.count(name) && records.count(entry["record"].get<std::string>()) == 0) {
      report.findings.push_back({name, "unexpected", "about no record of the bundle"});
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

  // Members nothing above accounts for, and the derived files rebuilt and compared.
  for (const auto& [name, text] : texts) {
    const bool known = name == "README.txt" || name == "key.vkey" || name == "checkpoint.txt" ||
                       name == "manifest.json" ||
                       (name.rfind("records/", 0) == 0 && ends_with(name, ".json")) ||
                       (name.rfind("ledger/", 0) == 0 &&
                        (ends_with(name, ".entry") || ends_with(name, ".proof.json"))) ||
                       (name.rfind("state/", 0) == 0 && ends_with(name, ".proof.json") &&
                        records.count(name.substr(6, name.size() - 6 - 11)));
    if (!known) report.findings.push_back({name, "unexpected", "not part of an Athar bundle"});
  }
  std::map<std::string, std::vector<uint64_t>> listed;
  for (const auto& [id, indexes] : entries_of) {
    if (records.count(id)) listed[id] = indexes;
  }
  const auto manifest = texts.find("manifest.json");
  if (manifest == texts.end() ||
      manifest->second != manifest_text(checkpoint.origin, checkpoint.size, checkpoint.root,
                                        records, listed, items)) {
    report.findings.push_back(
        {"manifest.json", "altered", "does not describe the bundle's contents exactly"});
  }
  const auto readme_file = texts.find("README.txt");
  if (readme_file != texts.end() &&
      readme_file->second != readme(checkpoint.origin, checkpoint.size)) {
    report.findings.push_back({"README.txt", "altered", "differs from what Athar writes"});
  }
  return report;
}

}  // namespace athar::registry
