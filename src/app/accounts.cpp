#include "app/accounts.h"

#include <openssl/hmac.h>
#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "core/date.h"
#include "core/encoding.h"
#include "core/error.h"
#include "ledger/hash.h"

namespace athar::app {

namespace {

// Failures before waits begin: per account, and (higher, since an office shares one address)
// per client.
constexpr int kFreeAccountFailures = 5;
constexpr int kFreeClientFailures = 20;
constexpr int64_t kMaxWaitSeconds = 900;
// The first wait once the free failures are spent, doubling with each further failure: long
// enough to matter to a guesser (a wait of one second ends within the clock's own second).
constexpr int64_t kFirstWaitSeconds = 30;
constexpr int64_t kLoginSessionSeconds = 12 * 3600;
constexpr size_t kMinPasswordLength = 12;
constexpr uint64_t kTotpStepSeconds = 30;

int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string random_token(size_t bytes) {
  std::vector<uint8_t> random(bytes);
  randombytes_buf(random.data(), random.size());
  return core::hex_encode(random);
}

std::string token_hash(std::string_view token) { return ledger::to_hex(ledger::sha256(token)); }

// Resets a cached statement however the scope is left, so that no read stays open.
struct ResetOnExit {
  store::Statement& statement;
  ~ResetOnExit() { statement.reset(); }
};

struct AccountRow {
  Account account;
  std::string password_hash, totp_secret;
};

// What the ledger vouches for: every column that grants or proves anything.
std::string account_text(const AccountRow& row) {
  core::Json j = {{"name", row.account.name},
                  {"role", std::string(role_name(row.account.role))},
                  {"password_hash", row.password_hash},
                  {"totp_secret", row.totp_secret},
                  {"disabled", row.account.disabled ? "1" : "0"}};
  return j.dump();
}

struct CredentialRow {
  std::string hash, account, kind, label, csrf, created_at;
  int64_t expires_at = 0;
};

std::string credential_text(const CredentialRow& row) {
  core::Json j = {{"token_hash", row.hash},
                  {"account", row.account},
                  {"kind", row.kind},
                  {"label", row.label},
                  {"csrf", row.csrf},
                  {"created_at", row.created_at},
                  {"expires_at", std::to_string(row.expires_at)}};
  return j.dump();
}

std::string account_subject(std::string_view name) { return "account:" + std::string(name); }
std::string credential_subject(std::string_view hash) { return "credential:" + std::string(hash); }

// The sha256 the newest ledger entry about `subject` records, if any.
std::optional<std::string> vouched_hash(store::Database& db, std::string_view subject) {
  store::Statement& q = db.cached(
      "SELECT e.entry FROM ledger_heads h JOIN ledger_entries e ON e.idx = h.idx "
      "WHERE h.subject = ?");
  ResetOnExit reset{q};
  q.bind(1, subject);
  if (!q.step()) return std::nullopt;
  const core::Json entry = core::Json::parse(q.text(0), nullptr, false);
  if (!entry.is_object() || entry.value("record", "") != subject) return std::string();
  return entry.value("sha256", "");
}

void check_vouched(store::Database& db, std::string_view subject, const std::string& text) {
  const auto vouched = vouched_hash(db, subject);
  if (!vouched || *vouched != ledger::to_hex(ledger::sha256(text))) {
    throw core::Corruption(std::string(subject) +
                           " is not what the ledger vouches for: it was changed outside Athar, "
                           "so it is refused. `athar verify` names what changed");
  }
}

Role parse_stored_role(std::string_view name, std::string_view account) {
  const auto role = parse_role(name);
  if (!role) throw core::Corruption("account " + std::string(account) + " has an unknown role");
  return *role;
}

std::optional<AccountRow> read_account(store::Database& db, std::string_view name) {
  store::Statement& q = db.cached(
      "SELECT name, role, password_hash, COALESCE(totp_secret, ''), disabled, created_at, "
      "created_by FROM accounts WHERE name = ?");
  ResetOnExit reset{q};
  q.bind(1, name);
  if (!q.step()) return std::nullopt;
  AccountRow row;
  row.account.name = q.string(0);
  row.account.role = parse_stored_role(q.text(1), row.account.name);
  row.password_hash = q.string(2);
  row.totp_secret = q.string(3);
  row.account.second_factor = !row.totp_secret.empty();
  row.account.disabled = q.int64(4) != 0;
  row.account.created_at = q.string(5);
  row.account.created_by = q.string(6);
  return row;
}

AccountRow vouched_account(store::Database& db, std::string_view name) {
  auto row = read_account(db, name);
  if (!row) throw core::NotFound("no account named " + std::string(name));
  check_vouched(db, account_subject(name), account_text(*row));
  return *row;
}

// Writes the row and its ledger entry; inside the caller's transaction.
void write_account(registry::Registry& reg, const AccountRow& row, std::string_view op,
                   bool is_new) {
  store::Database& db = reg.database();
  auto write = db.prepare(
      is_new ? "INSERT INTO accounts(role, password_hash, totp_secret, disabled, created_at, "
               "created_by, name) VALUES(?,?,?,?,?,?,?)"
             : "UPDATE accounts SET role = ?, password_hash = ?, totp_secret = ?, disabled = ?, "
               "created_at = ?, created_by = ? WHERE name = ?");
  write->bind(1, role_name(row.account.role));
  write->bind(2, row.password_hash);
  write->bind_text_or_null(3, row.totp_secret);
  write->bind(4, row.account.disabled ? 1 : 0);
  write->bind(5, row.account.created_at);
  write->bind(6, row.account.created_by);
  write->bind(7, row.account.name);
  write->run();
  reg.append_ledger_entry(op, account_subject(row.account.name), ledger::sha256(account_text(row)));
}

std::string hash_password(std::string_view password) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw core::Unavailable("not enough memory to hash a password");
  }
  return out;
}

bool password_matches(const std::string& stored, std::string_view password) {
  return crypto_pwhash_str_verify(stored.c_str(), password.data(), password.size()) == 0;
}

void check_password_strength(std::string_view name, std::string_view password) {
  if (password.size() < kMinPasswordLength) {
    throw core::InputError(
        "account " + std::string(name), "password", "",
        "must be at least " + std::to_string(kMinPasswordLength) + " characters");
  }
}

void check_name(std::string_view name) {
  const bool ok =
      !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
      });
  if (!ok) {
    throw core::InputError("new account", "name", std::string(name),
                           "1 to 64 of a-z, 0-9, '.', '_' and '-'");
  }
}

// A password people can type: 4 groups of 5 from an alphabet without look-alikes.
std::string random_password() {
  static constexpr std::string_view kAlphabet = "abcdefghjkmnpqrstuvwxyz23456789";
  std::string out;
  for (int i = 0; i < 20; ++i) {
    if (i && i % 5 == 0) out += '-';
    out += kAlphabet[randombytes_uniform(static_cast<uint32_t>(kAlphabet.size()))];
  }
  return out;
}

// Seconds the throttle still makes `key` wait (0: may try now).
int64_t throttle_wait(store::Database& db, const std::string& key, int64_t now, int free_failures) {
  store::Statement& q =
      db.cached("SELECT failures, last_failure FROM login_failures WHERE key = ?");
  ResetOnExit reset{q};
  q.bind(1, key);
  if (!q.step()) return 0;
  const int64_t failures = q.int64(0), last = q.int64(1);
  if (failures < free_failures) return 0;
  const int64_t wait = std::min<int64_t>(
      kMaxWaitSeconds, kFirstWaitSeconds << std::min<int64_t>(failures - free_failures, 20));
  return std::max<int64_t>(0, last + wait - now);
}

void record_failure(store::Database& db, const std::string& key, int64_t now) {
  auto q = db.prepare(
      "INSERT INTO login_failures(key, failures, last_failure) VALUES(?, 1, ?) "
      "ON CONFLICT(key) DO UPDATE SET failures = login_failures.failures + 1, last_failure = "
      "excluded.last_failure");
  q->bind(1, key);
  q->bind(2, now);
  q->run();
}

void clear_failures(store::Database& db, const std::string& key) {
  auto q = db.prepare("DELETE FROM login_failures WHERE key = ?");
  q->bind(1, key);
  q->run();
}

bool totp_matches(const std::vector<uint8_t>& secret, std::string_view code, int64_t now) {
  if (code.size() != 6) return false;
  const auto step = static_cast<uint64_t>(now) / kTotpStepSeconds;
  bool ok = false;
  // One step either side allows for clocks that differ by up to 30 s.
  for (uint64_t s : {step - 1, step, step + 1}) {
    const std::string expected = totp_code(secret, s);
    ok |= sodium_memcmp(expected.data(), code.data(), 6) == 0;
  }
  return ok;
}

Credential issue(registry::Registry& reg, const Account& account, std::string_view kind,
                 std::string_view label, int64_t expires_at) {
  Credential out;
  out.token = "athar_" + random_token(32);
  CredentialRow row;
  row.hash = token_hash(out.token);
  row.account = account.name;
  row.kind = std::string(kind);
  row.label = std::string(label);
  if (kind == "session") row.csrf = random_token(16);
  row.created_at = core::utc_timestamp_now();
  row.expires_at = expires_at;
  auto insert = reg.database().prepare(
      "INSERT INTO account_credentials(token_hash, account, kind, label, csrf, created_at, "
      "expires_at) VALUES(?,?,?,?,?,?,?)");
  insert->bind(1, row.hash);
  insert->bind(2, row.account);
  insert->bind(3, row.kind);
  insert->bind(4, row.label);
  insert->bind(5, row.csrf);
  insert->bind(6, row.created_at);
  insert->bind(7, row.expires_at);
  insert->run();
  reg.append_ledger_entry(kind == "session" ? "account.sign-in" : "account.token",
                          credential_subject(row.hash), ledger::sha256(credential_text(row)));
  out.csrf = row.csrf;
  out.actor = {account.name, account.role};
  out.expires_at = expires_at;
  return out;
}

}  // namespace

core::OrderedJson Account::to_json() const {
  return {{"name", name},
          {"role", std::string(role_name(role))},
          {"disabled", disabled},
          {"second_factor", second_factor},
          {"created_at", created_at},
          {"created_by", created_by}};
}

core::OrderedJson NewAccount::to_json() const {
  core::OrderedJson j = account.to_json();
  j["one_time_password"] = one_time_password;
  return j;
}

core::OrderedJson Credential::to_json() const {
  core::OrderedJson j = {{"name", actor.name}, {"role", std::string(role_name(actor.role))}};
  if (!csrf.empty()) j["csrf"] = csrf;
  if (expires_at) j["expires_at"] = expires_at;
  return j;
}

NewAccount add_account(Session& session, std::string_view name, Role role, std::string password) {
  session.require(Permission::kManageAccounts, "add accounts");
  check_name(name);
  NewAccount out;
  out.one_time_password = password.empty() ? random_password() : std::move(password);
  check_password_strength(name, out.one_time_password);
  AccountRow row;
  row.account.name = std::string(name);
  row.account.role = role;
  row.account.created_at = core::utc_timestamp_now();
  row.account.created_by = session.actor().name;
  row.password_hash = hash_password(out.one_time_password);
  registry::Registry& reg = session.registry();
  registry::Registry::Transaction tx(reg);
  if (read_account(reg.database(), name)) {
    throw core::Conflict("an account named " + std::string(name) + " exists");
  }
  write_account(reg, row, "account.add", true);
  tx.commit();
  out.account = row.account;
  return out;
}

std::vector<Account> list_accounts(Session& session) {
  session.require(Permission::kManageAccounts, "list accounts");
  auto q = session.database().prepare(
      "SELECT name, role, totp_secret IS NOT NULL, disabled, created_at, created_by FROM "
      "accounts ORDER BY name");
  std::vector<Account> out;
  while (q->step()) {
    Account a;
    a.name = q->string(0);
    a.role = parse_stored_role(q->text(1), a.name);
    a.second_factor = q->int64(2) != 0;
    a.disabled = q->int64(3) != 0;
    a.created_at = q->string(4);
    a.created_by = q->string(5);
    out.push_back(std::move(a));
  }
  return out;
}

namespace {
// Reads the vouched row, lets `change` alter it, writes it back with its ledger entry.
template <class Change>
Account change_account(Session& session, std::string_view name, std::string_view op,
                       Change&& change) {
  registry::Registry& reg = session.registry();
  registry::Registry::Transaction tx(reg);
  AccountRow row = vouched_account(reg.database(), name);
  change(row);
  write_account(reg, row, op, false);
  if (row.account.disabled) {
    auto end = reg.database().prepare("DELETE FROM account_credentials WHERE account = ?");
    end->bind(1, row.account.name);
    end->run();
  }
  tx.commit();
  return row.account;
}
}  // namespace

Account set_role(Session& session, std::string_view name, Role role) {
  session.require(Permission::kManageAccounts, "change roles");
  return change_account(session, name, "account.role",
                        [&](AccountRow& row) { row.account.role = role; });
}

Account set_disabled(Session& session, std::string_view name, bool disabled) {
  session.require(Permission::kManageAccounts, "disable accounts");
  if (disabled && name == session.actor().name) {
    throw core::InputError("account " + std::string(name), "disabled", "true",
                           "an admin cannot disable their own account");
  }
  return change_account(session, name, disabled ? "account.disable" : "account.enable",
                        [&](AccountRow& row) { row.account.disabled = disabled; });
}

void set_password(Session& session, std::string_view name, std::string_view password) {
  if (name != session.actor().name) {
    session.require(Permission::kManageAccounts, "set another account's password");
  }
  check_password_strength(name, password);
  const std::string hash = hash_password(password);
  change_account(session, name, "account.password",
                 [&](AccountRow& row) { row.password_hash = hash; });
}

std::string enable_second_factor(Session& session) {
  const registry::FieldCipher* cipher = session.instance().field_cipher();
  if (!cipher) {
    throw core::Unavailable(
        "the field key (keys/fields.key) is not here: a second factor's "
        "secret cannot be kept");
  }
  std::vector<uint8_t> secret(20);
  randombytes_buf(secret.data(), secret.size());
  const std::string text = base32_encode(secret);
  const std::string sealed = cipher->seal("accounts", "totp_secret", text);
  change_account(session, session.actor().name, "account.second-factor",
                 [&](AccountRow& row) { row.totp_secret = sealed; });
  return text;
}

Credential sign_in(Instance& instance, const SignIn& request) {
  // Computed once: an unknown name costs what a wrong password does.
  static const std::string kDecoy = hash_password(random_token(16));
  Instance::Lease lease = instance.acquire(request.name.empty() ? "sign-in" : request.name);
  registry::Registry& reg = *lease->registry;
  store::Database& db = reg.database();
  const int64_t now = now_seconds();
  const std::string account_key = "account:" + request.name;
  const std::string client_key = "client:" + request.client;
  {
    registry::Registry::Transaction tx(reg);
    const int64_t wait = std::max(
        throttle_wait(db, account_key, now, kFreeAccountFailures),
        request.client.empty() ? 0 : throttle_wait(db, client_key, now, kFreeClientFailures));
    if (wait > 0) {
      throw Throttled("too many failed sign-ins: try again in " + std::to_string(wait) + " s",
                      wait);
    }
  }
  const auto row = read_account(db, request.name);
  bool ok = password_matches(row ? row->password_hash : kDecoy, request.password) && row &&
            !row->account.disabled;
  if (ok && !row->totp_secret.empty()) {
    const registry::FieldCipher* cipher = instance.field_cipher();
    if (!cipher)
      throw core::Unavailable("the field key is not here: the second factor cannot be checked");
    const auto secret = base32_decode(cipher->open("accounts", "totp_secret", row->totp_secret));
    ok = secret && totp_matches(*secret, request.totp_code, now);
  }
  registry::Registry::Transaction tx(reg);
  if (!ok) {
    record_failure(db, account_key, now);
    if (!request.client.empty()) record_failure(db, client_key, now);
    tx.commit();
    throw core::Forbidden("sign-in refused: wrong name, password or code, or a disabled account");
  }
  const AccountRow vouched = vouched_account(db, request.name);
  clear_failures(db, account_key);
  if (!request.client.empty()) clear_failures(db, client_key);
  Credential out =
      issue(reg, vouched.account, "session", request.client, now + kLoginSessionSeconds);
  tx.commit();
  return out;
}

Credential create_api_token(Session& session, std::string_view label) {
  session.require(Permission::kSignedIn, "create API tokens");
  registry::Registry& reg = session.registry();
  registry::Registry::Transaction tx(reg);
  const AccountRow row = vouched_account(reg.database(), session.actor().name);
  Credential out = issue(reg, row.account, "api", label, 0);
  tx.commit();
  return out;
}

struct CredentialCache::Entry {
  CredentialRow credential;
  AccountRow account;
  Authenticated result;
};

namespace {

bool same_credential(const CredentialRow& a, const CredentialRow& b) {
  return a.hash == b.hash && a.account == b.account && a.kind == b.kind && a.label == b.label &&
         a.csrf == b.csrf && a.created_at == b.created_at && a.expires_at == b.expires_at;
}

// Every column account_text() vouches for.
bool same_account(const AccountRow& a, const AccountRow& b) {
  return a.account.name == b.account.name && a.account.role == b.account.role &&
         a.account.disabled == b.account.disabled && a.password_hash == b.password_hash &&
         a.totp_secret == b.totp_secret;
}

}  // namespace

Authenticated authenticate(Instance& instance, std::string_view token) {
  Instance::Lease lease = instance.acquire("authenticate");
  store::Database& db = *lease->db;
  const std::string hash = token_hash(token);
  CredentialRow row;
  {
    store::Statement& q = db.cached(
        "SELECT account, kind, label, csrf, created_at, expires_at FROM account_credentials "
        "WHERE token_hash = ?");
    ResetOnExit reset{q};
    q.bind(1, hash);
    if (!q.step()) throw core::NotFound("unknown or expired credential");
    row.hash = hash;
    row.account = q.string(0);
    row.kind = q.string(1);
    row.label = q.string(2);
    row.csrf = q.string(3);
    row.created_at = q.string(4);
    row.expires_at = q.int64(5);
  }
  if (row.expires_at != 0 && row.expires_at <= now_seconds()) {
    throw core::NotFound("unknown or expired credential");
  }
  CredentialCache& cache = instance.credential_cache();
  std::shared_ptr<const CredentialCache::Entry> known;
  {
    std::lock_guard lock(cache.mutex);
    if (auto it = cache.by_token_hash.find(hash); it != cache.by_token_hash.end())
      known = it->second;
  }
  if (known && same_credential(known->credential, row)) {
    // Both rows as they were when the ledger vouched for them: no need to ask it again.
    const auto account = read_account(db, row.account);
    if (account && same_account(known->account, *account)) return known->result;
  }
  check_vouched(db, credential_subject(hash), credential_text(row));
  const AccountRow account = vouched_account(db, row.account);
  if (account.account.disabled) throw core::Forbidden("account " + row.account + " is disabled");
  Authenticated out;
  out.actor = {account.account.name, account.account.role};
  out.login_session = row.kind == "session";
  out.csrf = row.csrf;
  auto entry = std::make_shared<CredentialCache::Entry>(CredentialCache::Entry{row, account, out});
  std::lock_guard lock(cache.mutex);
  if (cache.by_token_hash.size() >= 100000) cache.by_token_hash.clear();  // bounded
  cache.by_token_hash[hash] = std::move(entry);
  return out;
}

void sign_out(Instance& instance, std::string_view token) {
  Instance::Lease lease = instance.acquire("sign-out");
  store::Transaction tx(*lease->db);
  auto q = lease->db->prepare("DELETE FROM account_credentials WHERE token_hash = ?");
  q->bind(1, token_hash(token));
  q->run();
  tx.commit();
}

std::string totp_code(const std::vector<uint8_t>& secret, uint64_t step, int digits) {
  uint8_t counter[8];
  for (int i = 7; i >= 0; --i) {
    counter[i] = static_cast<uint8_t>(step & 0xff);
    step >>= 8;
  }
  uint8_t mac[EVP_MAX_MD_SIZE];
  unsigned mac_size = 0;
  HMAC(EVP_sha1(), secret.data(), static_cast<int>(secret.size()), counter, sizeof counter, mac,
       &mac_size);
  const unsigned offset = mac[mac_size - 1] & 0x0f;
  const uint32_t binary = (static_cast<uint32_t>(mac[offset] & 0x7f) << 24) |
                          (static_cast<uint32_t>(mac[offset + 1]) << 16) |
                          (static_cast<uint32_t>(mac[offset + 2]) << 8) | mac[offset + 3];
  uint32_t modulus = 1;
  for (int i = 0; i < digits; ++i) modulus *= 10;
  std::string out = std::to_string(binary % modulus);
  return std::string(static_cast<size_t>(digits) - out.size(), '0') + out;
}

std::string base32_encode(const std::vector<uint8_t>& bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (uint8_t b : bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += kAlphabet[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (5 - bits)) & 31];
  return out;
}

std::optional<std::vector<uint8_t>> base32_decode(std::string_view text) {
  std::vector<uint8_t> out;
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    if (c == '=' || c == ' ') continue;
    int value;
    if (c >= 'A' && c <= 'Z') {
      value = c - 'A';
    } else if (c >= 'a' && c <= 'z') {
      value = c - 'a';
    } else if (c >= '2' && c <= '7') {
      value = c - '2' + 26;
    } else {
      return std::nullopt;
    }
    buffer = (buffer << 5) | static_cast<uint32_t>(value);
    bits += 5;
    if (bits >= 8) {
      out.push_back(static_cast<uint8_t>((buffer >> (bits - 8)) & 0xff));
      bits -= 8;
    }
  }
  return out;
}

void verify_accounts(store::Database& db, registry::VerifyReport& report) {
  auto accounts = db.prepare("SELECT name FROM accounts ORDER BY name");
  std::vector<std::string> names;
  while (accounts->step()) names.push_back(accounts->string(0));
  for (const std::string& name : names) {
    const auto row = read_account(db, name);
    const auto vouched = vouched_hash(db, account_subject(name));
    if (!vouched) {
      report.findings.push_back({account_subject(name), "unexpected",
                                 "no ledger entry adds this account: it was made outside Athar"});
    } else if (*vouched != ledger::to_hex(ledger::sha256(account_text(*row)))) {
      report.findings.push_back({account_subject(name), "altered",
                                 "differs from its newest ledger entry (role, password or "
                                 "second factor changed outside Athar)"});
    }
  }
  auto credentials = db.prepare(
      "SELECT token_hash, account, kind, label, csrf, created_at, expires_at FROM "
      "account_credentials ORDER BY token_hash");
  while (credentials->step()) {
    CredentialRow row{credentials->string(0), credentials->string(1), credentials->string(2),
                      credentials->string(3), credentials->string(4), credentials->string(5),
                      credentials->int64(6)};
    const auto vouched = vouched_hash(db, credential_subject(row.hash));
    if (!vouched || *vouched != ledger::to_hex(ledger::sha256(credential_text(row)))) {
      report.findings.push_back({"credential of " + row.account, vouched ? "altered" : "unexpected",
                                 "a sign-in or API token the ledger does not vouch for"});
    }
  }
}

}  // namespace athar::app
