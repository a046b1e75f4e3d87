// Accounts, sign-in and credentials (../shared/DESIGN.md, "Security model").
//
// Passwords are kept as Argon2id hashes (libsodium). Signing in gives a login session: a random
// bearer token (sent back as an HttpOnly cookie by the server) and a CSRF token that every write
// made with it must carry. Scripts use API tokens instead. Only SHA-256 hashes of tokens are
// stored. An optional second factor is a TOTP code (RFC 6238: HMAC-SHA1, 30 s, 6 digits).
//
// Every change to an account and every credential issued is a ledger entry, and a row that its
// newest entry does not vouch for (a role raised in the database by hand) is refused at sign-in
// and at each use (Corruption), and named by `athar verify` (verify_accounts).
//
// Failed sign-ins are counted per account and per client address; after 5 failures of an
// account (20 of an address, which an office may share), each try must wait 2^(n-5) seconds
// (2^(n-20); at most 15 minutes) after the last failure, and is refused unchecked before.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "app/instance.h"
#include "core/error.h"
#include "core/json.h"
#include "registry/verify.h"

namespace athar::app {

// Sign-in refused unchecked while too many recent tries failed (HTTP 429).
class Throttled : public core::Unavailable {
 public:
  Throttled(const std::string& message, int64_t retry_after)
      : core::Unavailable(message), retry_after_seconds(retry_after) {}
  int64_t retry_after_seconds;
};

struct Account {
  std::string name;
  Role role = Role::kViewer;
  bool disabled = false;
  bool second_factor = false;
  std::string created_at, created_by;
  core::OrderedJson to_json() const;
};

struct NewAccount {
  Account account;
  std::string one_time_password;  // shown once; never stored in clear
  core::OrderedJson to_json() const;
};

// Names: 1-64 of a-z, 0-9, '.', '_', '-'. `password` empty: a random one is made.
NewAccount add_account(Session& session, std::string_view name, Role role,
                       std::string password = {});
std::vector<Account> list_accounts(Session& session);
Account set_role(Session& session, std::string_view name, Role role);
// Disabling also ends the account's sessions and revokes its API tokens.
Account set_disabled(Session& session, std::string_view name, bool disabled);
// One's own password (admins may set anyone's); at least 12 characters.
void set_password(Session& session, std::string_view name, std::string_view password);
// Turns on the second factor for the session's own account; returns the base32 secret to enter
// in an authenticator app.
std::string enable_second_factor(Session& session);

struct Credential {
  std::string token;  // the bearer token: shown once
  std::string csrf;   // login sessions only
  Actor actor;
  int64_t expires_at = 0;             // Unix seconds; 0: until revoked
  core::OrderedJson to_json() const;  // without the token (the server sets it as a cookie)
};

struct SignIn {
  std::string name, password, totp_code;
  std::string client;  // the caller's address, throttled as the account is
};
// Unavailable while throttled; Forbidden for a wrong name, password or code, or a disabled
// account (one message for all, so that names cannot be probed).
Credential sign_in(Instance& instance, const SignIn& request);
// An API token for the session's own account (`label` says what it is for).
Credential create_api_token(Session& session, std::string_view label);

struct Authenticated {
  Actor actor;
  bool login_session = false;
  std::string csrf;  // what a write must carry (login sessions)
};
// Credentials authenticate() found vouched for by the ledger, with their rows and their
// account's as they were then: a later request whose two rows read the same is not checked
// against the ledger again (a row changed since, through Athar or behind its back, is).
struct CredentialCache {
  struct Entry;
  std::mutex mutex;
  std::unordered_map<std::string, std::shared_ptr<const Entry>> by_token_hash;
};
// The account behind a bearer token: NotFound when unknown or expired, Forbidden when disabled,
// Corruption when its row or the account's is not what the ledger vouches for.
Authenticated authenticate(Instance& instance, std::string_view token);
void sign_out(Instance& instance, std::string_view token);

// RFC 6238 with HMAC-SHA1: the code for `secret` (raw bytes) at time step `step`.
std::string totp_code(const std::vector<uint8_t>& secret, uint64_t step, int digits = 6);
std::string base32_encode(const std::vector<uint8_t>& bytes);
std::optional<std::vector<uint8_t>> base32_decode(std::string_view text);

// Adds a finding for every account or credential row that its newest ledger entry does not
// vouch for, or that has none (`athar verify`).
void verify_accounts(store::Database& db, registry::VerifyReport& report);

}  // namespace athar::app
