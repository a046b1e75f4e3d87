// Canonical JSON for hashing: objects with keys in byte order, no whitespace, strings escaped
// only where JSON requires (", \, and U+0000..U+001F, with the short forms \b \t \n \f \r and
// otherwise \u00xx). For documents whose values are strings this is RFC 8785 (JCS), and it is
// byte for byte what nlohmann::json::dump() writes for them.
//
//   CanonicalJsonWriter w;
//   w.begin_object(); w.key("id"); w.string("site-0001"); w.end_object();
//   w.text();   // {"id":"site-0001"}
#pragma once

#include <string>
#include <string_view>

namespace athar::core {

// Appends `text` as a JSON string literal.
void append_json_string(std::string& out, std::string_view text);

// A minimal streaming writer; the caller emits keys in byte order.
class CanonicalJsonWriter {
 public:
  void clear() {
    out_.clear();
    first_ = true;
  }
  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }
  void key(std::string_view name) {
    separate();
    append_json_string(out_, name);
    out_.push_back(':');
    first_ = true;
  }
  void string(std::string_view value) {
    separate();
    append_json_string(out_, value);
  }
  const std::string& text() const { return out_; }

 private:
  void open(char c) {
    separate();
    out_.push_back(c);
    first_ = true;
  }
  void close(char c) {
    out_.push_back(c);
    first_ = false;
  }
  void separate() {
    if (!first_) out_.push_back(',');
    first_ = false;
  }
  std::string out_;
  bool first_ = true;
};

}  // namespace athar::core
