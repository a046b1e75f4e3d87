#include "ledger/state.h"

#include <algorithm>
#include <charconv>

#include "core/canonical_json.h"
#include "core/encoding.h"
#include "core/error.h"
#include "core/text.h"

namespace athar::ledger {

namespace {
constexpr std::string_view kStatePrefix = "athar-state ";
}

std::string state_leaf(std::string_view subject, uint64_t entry) {
  core::CanonicalJsonWriter w;
  w.begin_object();
  w.key("entry");
  w.string(std::to_string(entry));
  w.key("subject");
  w.string(subject);
  w.end_object();
  return w.text();
}

Hash StateTree::root() const { return root_hash(tree, size()); }

std::optional<uint64_t> StateTree::position(std::string_view subject) const {
  const auto it = std::lower_bound(subjects.begin(), subjects.end(), subject,
                                   [](const std::string& a, std::string_view b) { return a < b; });
  if (it == subjects.end() || *it != subject) return std::nullopt;
  return static_cast<uint64_t>(it - subjects.begin());
}

StateTree build_state(std::vector<std::string> subjects, std::vector<uint64_t> entries) {
  StateTree state;
  state.subjects = std::move(subjects);
  state.entries = std::move(entries);
  for (size_t i = 0; i < state.subjects.size(); ++i) {
    state.tree.append(leaf_hash(state_leaf(state.subjects[i], state.entries[i])));
  }
  return state;
}

StateTree build_state(std::vector<std::pair<std::string, uint64_t>> heads) {
  std::sort(heads.begin(), heads.end());
  std::vector<std::string> subjects;
  std::vector<uint64_t> entries;
  subjects.reserve(heads.size());
  entries.reserve(heads.size());
  for (auto& [subject, entry] : heads) {
    subjects.push_back(std::move(subject));
    entries.push_back(entry);
  }
  return build_state(std::move(subjects), std::move(entries));
}

std::string state_extension(const StateTree& state) {
  return std::string(kStatePrefix) + std::to_string(state.size()) + " " + to_base64(state.root());
}

std::optional<StateCommitment> state_commitment(const Checkpoint& checkpoint) {
  for (const std::string& line : checkpoint.extensions) {
    if (line.rfind(kStatePrefix, 0) != 0) continue;
    const auto parts = core::split(std::string_view(line).substr(kStatePrefix.size()), ' ');
    StateCommitment c;
    const auto root = parts.size() == 2 ? core::base64_decode(parts[1]) : std::nullopt;
    const auto [end, ec] =
        parts.empty()
            ? std::from_chars_result{nullptr, std::errc::invalid_argument}
            : std::from_chars(parts[0].data(), parts[0].data() + parts[0].size(), c.count);
    if (!root || root->size() != 32 || ec != std::errc() ||
        end != parts[0].data() + parts[0].size()) {
      throw core::Corruption("checkpoint: malformed state line '" + line + "'");
    }
    std::copy(root->begin(), root->end(), c.root.begin());
    return c;
  }
  return std::nullopt;
}

}  // namespace athar::ledger
