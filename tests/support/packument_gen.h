#pragma once
// Generated npm packuments of real shape, for the packument readers' tests and benchmark:
// every version's whole manifest (description, scripts, dependencies, dist, maintainers,
// engines, sometimes a deprecation, a repository, a readme), `time`, `dist-tags`, the
// package's repository and readme; with `odd`, also what real registries rarely write but
// JSON allows: escapes of every kind (surrogate pairs included), raw UTF-8, numbers of
// every form, nested junk, repeated keys, values of unexpected types, whitespace.
// Header-only (the benchmark programs do not link the test support library).

#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

namespace ddd::testing {

class PackumentGenerator {
 public:
  explicit PackumentGenerator(uint32_t seed, bool odd) : rng_(seed), odd_(odd) {}

  std::string make(int versions, size_t readmeBytes) {
    std::string v, times = "\"created\":\"2015-01-01T00:00:00.000Z\"";
    std::vector<std::string> names;
    for (int i = 0; i < versions; ++i) {
      std::string name = std::to_string(i / 100) + "." + std::to_string(i / 10 % 10) + "." +
                         std::to_string(i % 10);
      if (pick(9) == 0) name += "-beta." + std::to_string(pick(5));
      if (odd_ && pick(25) == 0 && !names.empty()) name = names[pick(names.size())];  // repeated
      names.push_back(name);
      if (i) v += sep();
      v += key(name) + manifest(name);
      times += sep() + key(name) + timeValue(i);
    }
    const std::string latest = names.empty() ? "0.0.0" : names[pick(names.size())];
    std::string doc = "{" + key("_id") + "\"pkg\"," + key("name") + "\"pkg\"," +
                      key("readme") + text(readmeBytes) + "," + key("dist-tags") + "{" +
                      key("latest") + str(latest) + "," + key("next") + str(names.empty() ? "x" : names.back()) +
                      (odd_ && pick(3) == 0 ? "," + key("beta") + junk(2) : std::string()) + "}," +
                      key("versions") + "{" + v + "}," + key("time") + "{" + times + "}";
    if (pick(2) == 0) doc += "," + key("repository") + repository();
    if (pick(2) == 0) doc += "," + key("homepage") + (odd_ && pick(4) == 0 ? junk(1) : str("https://pkg.test/" + word()));
    doc += "," + key("users") + "{" + key("a") + "true," + key("b") + "false}";
    if (odd_ && pick(4) == 0) doc += "," + key(pick(2) ? "time" : "dist-tags") + junk(2);  // repeated
    if (odd_ && pick(6) == 0) doc += "," + key("versions") + junk(2);
    doc += "}";
    return doc;
  }

  // Bytes to splice into a document: JSON's significant characters and a few that are not.
  std::string noise() {
    static const std::string pieces[] = {"{", "}", "[", "]", ",", ":", "\"", "\\", "\\u",
                                         "\\ud800", "\\udc00", "0", "-", "1e999", "e", ".",
                                         "true", "nul", "\xEF\xBB\xBF", "\xC3", "\xE2\x82",
                                         "\x80", std::string(1, '\0'), "\x01", " ",
                                         "\"versions\":", "\"time\":{}"};
    return pieces[pick(sizeof pieces / sizeof *pieces)];
  }

  size_t pick(size_t n) { return n ? std::uniform_int_distribution<size_t>(0, n - 1)(rng_) : 0; }

 private:
  std::mt19937 rng_;
  bool odd_;

  std::string ws() {
    if (!odd_ || pick(3)) return "";
    static const char* const spaces[] = {" ", "\n  ", "\t", "\r\n", "  "};
    return spaces[pick(5)];
  }
  std::string sep() { return ws() + "," + ws(); }
  std::string key(const std::string& k) { return ws() + str(k, false) + ws() + ":" + ws(); }
  // A JSON string of `s`, its letters sometimes written as \u escapes (odd documents).
  std::string str(const std::string& s, bool mayEscape = true) {
    std::string out = "\"";
    for (char c : s) {
      if (odd_ && mayEscape && pick(40) == 0 && c >= 'a' && c <= 'z') {
        char hex[8];
        std::snprintf(hex, sizeof hex, "\\u%04x", c);
        out += hex;
      } else if (c == '"' || c == '\\') {
        out += '\\';
        out += c;
      } else {
        out += c;
      }
    }
    return out + "\"";
  }
  std::string word() {
    static const char* const words[] = {"lint", "fast", "caf\xC3\xA9", "\xE2\x9C\x93", "core",
                                        "plugin", "\xF0\x9F\x98\x80", "util"};
    return words[pick(8)];
  }
  // A string of about `n` bytes of prose with escapes and UTF-8.
  std::string text(size_t n) {
    std::string out = "\"";
    while (out.size() < n) {
      switch (pick(12)) {
        case 0:
          out += "\\n\\n## Usage\\n";
          break;
        case 1:
          out += "\\\"quoted\\\" \\\\ path\\/x \\t";
          break;
        case 2:
          out += odd_ ? "\\u00e9\\ud83d\\ude00\\u2713\\u0000" : "\\u00e9";
          break;
        case 3:
          out += "caf\xC3\xA9 \xE2\x9C\x93 \xF0\x9F\x98\x80 ";
          break;
        default:
          out += word() + " the quick brown fox jumps over the lazy dog ";
      }
    }
    return out + "\"";
  }
  std::string number() {
    static const char* const numbers[] = {"0", "-0", "12", "123456", "-7", "1.5", "2e10",
                                          "-3.25E-4", "18446744073709551616", "1e300",
                                          "0.000001", "9223372036854775807"};
    return numbers[pick(odd_ ? 12 : 4)];
  }
  // Any value, nested up to `depth` levels.
  std::string junk(int depth) {
    switch (pick(depth > 0 ? 7 : 5)) {
      case 0:
        return number();
      case 1:
        return pick(2) ? "true" : "false";
      case 2:
        return "null";
      case 3:
      case 4:
        return str(word() + "-" + std::to_string(pick(100)));
      case 5: {
        std::string out = "[" + ws();
        const size_t n = pick(4);
        for (size_t i = 0; i < n; ++i) out += (i ? sep() : "") + junk(depth - 1);
        return out + ws() + "]";
      }
      default: {
        std::string out = "{" + ws();
        const size_t n = pick(4);
        static const char* const keys[] = {"url", "node", "integrity", "versions", "x", "deprecated"};
        for (size_t i = 0; i < n; ++i) out += (i ? sep() : "") + key(keys[pick(6)]) + junk(depth - 1);
        return out + ws() + "}";
      }
    }
  }
  std::string repository() {
    const std::string url = "git+https://github.com/o/" + std::string(pick(2) ? "pkg" : "p\\u006bg") + ".git";
    switch (pick(odd_ ? 4 : 2)) {
      case 0:
        return "\"github:o/pkg\"";
      case 1:
        return "{" + key("type") + "\"git\"," + key("url") + "\"" + url + "\"}";
      case 2:
        return "{" + key("url") + junk(1) + "," + key("directory") + "\"packages/a\"}";
      default:
        return junk(2);
    }
  }
  std::string timeValue(int i) {
    if (odd_ && pick(20) == 0) return pick(2) ? junk(1) : str("not a date");
    return str("20" + std::to_string(10 + i % 15) + "-0" + std::to_string(1 + i % 9) + "-1" +
               std::to_string(i % 10) + "T10:00:0" + std::to_string(i % 10) + ".000Z");
  }
  std::string field(const std::string& name, const std::string& value) {
    std::string out(1, ',');  // appended, not "," + ...: GCC 12's false -Wrestrict
    out.append(ws()).append(key(name)).append(value);
    return out;
  }
  std::string manifest(const std::string& name) {
    if (odd_ && pick(30) == 0) return junk(2);
    std::string m = "{" + key("name") + "\"pkg\"" + field("version", str(name)) +
                    field("description", text(40 + pick(120))) +
                    field("main", "\"lib/index.js\"") +
                    field("scripts", "{" + key("test") + "\"mocha\"," + key("lint") + "\"eslint .\"}") +
                    field("dependencies", "{" + key("dep-" + word()) + "\"^1.0.0\"," +
                                              key("other") + "\"~2.3.4\"," + key("@s/x") + "\"*\"}") +
                    field("devDependencies", "{" + key("mocha") + "\"^10.0.0\"}") +
                    field("license", "\"MIT\"") +
                    field("maintainers", "[{" + key("name") + "\"a\"," + key("email") +
                                             "\"a@pkg.test\"}]") +
                    field("_npmVersion", "\"10.2.3\"") + field("_nodeVersion", "\"20.1.0\"") +
                    field("gitHead", "\"0123456789abcdef0123456789abcdef01234567\"") +
                    field("dist", "{" + key("shasum") + "\"da39a3ee5e6b4b0d3255bfef95601890afd80709\"," +
                                      key("tarball") + "\"https://r.test/pkg/-/pkg-" + name + ".tgz\"," +
                                      key("fileCount") + number() + "," + key("unpackedSize") +
                                      number() + "," + key("integrity") +
                                      (odd_ && pick(15) == 0 ? junk(1) : "\"sha512-" + std::to_string(pick(1u << 30)) + "==\"") +
                                      (odd_ && pick(10) == 0 ? "," + key("integrity") + "\"sha512-again\"" : "") +
                                      "}");
    if (pick(4) == 0) m += field("engines", "{" + key("node") + (odd_ && pick(6) == 0 ? junk(1) : "\">=14\"") + "}");
    if (pick(6) == 0) {
      const size_t k = pick(odd_ ? 6 : 2);
      m += field("deprecated", k == 0 ? text(30) : k == 1 ? "\"\"" : k == 2 ? "true" : k == 3 ? "false" : junk(1));
    }
    if (pick(8) == 0) m += field("repository", repository());
    if (odd_ && pick(5) == 0) m += field("junk", junk(4));
    if (pick(7) == 0) m += field("scripts", "{" + key(pick(2) ? "postinstall" : "build") + "\"node i.js\"}");
    if (pick(5) == 0) m += field("bin", "{" + key("pkg") + "\"cli.js\"}");
    if (odd_ && pick(4) == 0) {
      static const char* const lockish[] = {"os", "cpu", "funding", "bin", "peerDependencies",
                                            "optionalDependencies", "engines", "license"};
      m += field(lockish[pick(8)], pick(3) ? junk(3) : pick(2) ? "{}" : "null");
    }
    return m + ws() + "}";
  }
};

}  // namespace ddd::testing
