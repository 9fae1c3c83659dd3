#include "bot/setup_github.h"

#include <openssl/rand.h>
#include <yaml-cpp/yaml.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>

#include "bot/atomic_file.h"
#include "forges/forge.h"

namespace ddd::bot {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

nlohmann::json yamlToJson(const YAML::Node& n) {
  if (n.IsMap()) {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& kv : n) j[kv.first.as<std::string>()] = yamlToJson(kv.second);
    return j;
  }
  if (n.IsSequence()) {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& v : n) j.push_back(yamlToJson(v));
    return j;
  }
  if (n.IsScalar()) {
    const std::string s = n.as<std::string>();
    if (s == "true") return true;
    if (s == "false") return false;
    return s;
  }
  return nullptr;
}

std::string htmlEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string randomState() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1)
    throw std::runtime_error("no random bytes for the setup's state");
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out += hex[b >> 4];
    out += hex[b & 15];
  }
  return out;
}

std::string queryParam(const std::string& target, const std::string& name) {
  const size_t q = target.find('?');
  if (q == std::string::npos) return "";
  const std::string query = target.substr(q + 1);
  size_t start = 0;
  while (start < query.size()) {
    size_t amp = query.find('&', start);
    if (amp == std::string::npos) amp = query.size();
    const std::string pair = query.substr(start, amp - start);
    if (pair.rfind(name + "=", 0) == 0) return pair.substr(name.size() + 1);
    start = amp + 1;
  }
  return "";
}

}  // namespace

nlohmann::json appManifest(const SetupGithubOptions& o, const std::string& redirectUrl) {
  nlohmann::json m = yamlToJson(YAML::LoadFile(o.manifestFile.string()));
  m["name"] = o.appName;
  m["url"] = o.webhookUrl.substr(0, o.webhookUrl.find("/webhooks/"));
  m["hook_attributes"]["url"] = o.webhookUrl;
  m["redirect_url"] = redirectUrl;
  m["public"] = false;
  return m;
}

std::string manifestFormPage(const nlohmann::json& manifest, const std::string& githubUrl,
                             const std::string& state) {
  return "<!doctype html><html><head><meta charset=\"utf-8\"><title>Register ddd as a GitHub "
         "App</title></head>"
         "<body><h1>Register ddd as a GitHub App</h1>"
         "<p>GitHub will ask you to confirm the App's name and permissions, then send you back "
         "here.</p>"
         "<form action=\"" +
         htmlEscape(githubUrl) + "/settings/apps/new?state=" + htmlEscape(state) +
         "\" method=\"post\"><input type=\"hidden\" name=\"manifest\" value=\"" +
         htmlEscape(manifest.dump()) +
         "\"><button type=\"submit\">Create the GitHub App</button></form></body></html>";
}

StoredApp exchangeManifestCode(forges::HttpClient& http, const std::string& apiUrl,
                               const std::string& code, const std::filesystem::path& outDir) {
  for (char c : code) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') {
      throw forges::ForgeError(
          "the manifest code from GitHub has unexpected characters; start the setup again");
    }
  }
  forges::ClientRequest r;
  r.method = "POST";
  r.url = apiUrl + "/app-manifests/" + code + "/conversions";
  r.headers.set("Accept", "application/vnd.github+json");
  const auto res = http.send(r);
  auto j = nlohmann::json::parse(res.body, nullptr, false);
  if (res.status != 201 || !j.is_object() || !j.contains("id") || !j.contains("pem") ||
      !j.contains("webhook_secret")) {
    throw forges::ForgeError("GitHub did not convert the manifest code (HTTP " +
                             std::to_string(res.status) +
                             "); codes expire after an hour: start the setup again");
  }
  std::filesystem::create_directories(outDir);
  StoredApp app;
  app.appId = j["id"].dump();
  app.slug = j.value("slug", "");
  app.keyFile = outDir / "github-app.pem";
  app.secretFile = outDir / "github-webhook-secret";
  app.idFile = outDir / "github-app-id";
  writeSecretFileAtomically(app.keyFile, j["pem"].get<std::string>());
  writeSecretFileAtomically(app.secretFile, j["webhook_secret"].get<std::string>());
  writeSecretFileAtomically(app.idFile, app.appId + "\n");
  return app;
}

int runSetupGithub(const SetupGithubOptions& o, int timeoutSeconds) {
  net::io_context ioc;
  tcp::acceptor acceptor(ioc,
                         {net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(o.port)});
  const std::string base = "http://127.0.0.1:" + std::to_string(acceptor.local_endpoint().port());
  const std::string state = randomState();
  const auto manifest = appManifest(o, base + "/callback");
  std::cout << "Open " << base << "/ in a browser on this machine to register the GitHub App."
            << std::endl;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeoutSeconds);
  forges::HttpClient client;
  while (std::chrono::steady_clock::now() < deadline) {
    tcp::socket socket(ioc);
    acceptor.accept(socket);
    beast::flat_buffer buffer;
    http::request<http::string_body> req;
    beast::error_code ec;
    http::read(socket, buffer, req, ec);
    if (ec) continue;
    http::response<http::string_body> res{http::status::ok, req.version()};
    res.set(http::field::content_type, "text/html; charset=utf-8");
    const std::string target(req.target());
    bool done = false;
    if (target == "/" || target.rfind("/?", 0) == 0) {
      res.body() = manifestFormPage(manifest, o.githubUrl, state);
    } else if (target.rfind("/callback", 0) == 0) {
      if (queryParam(target, "state") != state) {
        res.result(http::status::bad_request);
        res.body() = "<p>The state does not match this setup; start again.</p>";
      } else {
        try {
          const auto app =
              exchangeManifestCode(client, o.apiUrl, queryParam(target, "code"), o.outDir);
          res.body() = "<p>The GitHub App " + htmlEscape(app.slug) +
                       " is registered. You can close this page.</p>";
          std::cout << "Registered GitHub App " << app.slug << " (id " << app.appId << ").\n"
                    << "DDD_GITHUB_APP_ID=" << app.appId << "\n"
                    << "DDD_GITHUB_PRIVATE_KEY_FILE=" << app.keyFile.string() << "\n"
                    << "DDD_GITHUB_WEBHOOK_SECRET_FILE=" << app.secretFile.string() << "\n"
                    << "Install the App on your repositories from its settings page." << std::endl;
          done = true;
        } catch (const std::exception& e) {
          res.result(http::status::bad_gateway);
          res.body() = "<p>" + htmlEscape(e.what()) + "</p>";
          std::cerr << "ddd: error: " << e.what() << std::endl;
        }
      }
    } else {
      res.result(http::status::not_found);
      res.body() = "<p>Not found.</p>";
    }
    res.prepare_payload();
    http::write(socket, res, ec);
    if (done) return 0;
  }
  std::cerr << "ddd: error: no callback from GitHub within " << timeoutSeconds
            << " s; run the setup again" << std::endl;
  return 3;
}

}  // namespace ddd::bot
