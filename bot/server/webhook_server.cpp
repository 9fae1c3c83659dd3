#include "bot/server/webhook_server.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <condition_variable>
#include <ctime>

#include "bot/commands.h"
#include "forges/http/call_metrics.h"
#include "forges/webhooks/events.h"
#include "forges/webhooks/filtered_json.h"
#include "forges/webhooks/verify.h"

namespace ddd::bot {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

// Room for a typical delivery (GitHub's are 5-30 KB) in one read.
constexpr size_t kReadBufferBytes = 32 * 1024;

// Group commit: the longest a delivery waits for others to share its commit, and the most
// deliveries one commit waits for.
constexpr std::chrono::microseconds kGatherWait{500};
constexpr size_t kMaxGroup = 64;

constexpr double kBuckets[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1.0};

std::string jsonMessage(const std::string& key, const std::string& value) {
  return nlohmann::json{{key, value}}.dump() + "\n";
}

}  // namespace

std::string gitlabJobPayload(const std::string& eventUuid, const std::string& body) {
  // Spliced as text, never parsed again: `body` is stored byte for byte, but for a UTF-8
  // byte order mark (JSON parsers skip it only at the start of a text) and what follows a
  // NUL byte (where nlohmann's parser sees the end of a text).
  std::string_view json =
      std::string_view(body).substr(body.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0);
  json = json.substr(0, json.find('\0'));
  // The header is the sender's bytes: invalid UTF-8 is replaced, never thrown on.
  return "{\"eventUuid\":" +
         nlohmann::json(eventUuid).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
         ",\"payload\":" +
         std::string(json) + "}";
}

namespace {
// "name{labels}" in a per-thread buffer: counting a delivery allocates nothing once the
// buffer has grown.
std::string_view counterKey(const std::string& name, const std::string& labels) {
  thread_local std::string key;
  key.assign(name).append("{").append(labels).append("}");
  return key;
}
}  // namespace

void Metrics::add(const std::string& name, const std::string& labels, uint64_t n) {
  const std::string_view key = counterKey(name, labels);
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = counters_.find(key);
  if (it == counters_.end()) it = counters_.emplace(std::string(key), 0).first;
  it->second += n;
}

uint64_t Metrics::get(const std::string& name, const std::string& labels) const {
  const std::string_view key = counterKey(name, labels);
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = counters_.find(key);
  return it == counters_.end() ? 0 : it->second;
}

void Metrics::observeSeconds(double s) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (size_t i = 0; i < std::size(kBuckets); ++i) {
    if (s <= kBuckets[i]) ++buckets_[i];
  }
  ++observations_;
  sum_ += s;
}

std::string Metrics::render(int64_t queueDepth) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::string out;
  std::string lastName;
  for (const auto& [key, value] : counters_) {
    const std::string name = key.substr(0, key.find('{'));
    if (name != lastName) {
      out += "# TYPE " + name + " counter\n";
      lastName = name;
    }
    // A counter without labels is shown without braces.
    out += key.ends_with("{}") ? key.substr(0, key.size() - 2) : key;
    out += " " + std::to_string(value) + "\n";
  }
  out += "# TYPE ddd_webhook_handling_seconds histogram\n";
  for (size_t i = 0; i < std::size(kBuckets); ++i) {
    char le[32];
    std::snprintf(le, sizeof le, "%g", kBuckets[i]);
    out += "ddd_webhook_handling_seconds_bucket{le=\"" + std::string(le) + "\"} " +
           std::to_string(buckets_[i]) + "\n";
  }
  out += "ddd_webhook_handling_seconds_bucket{le=\"+Inf\"} " + std::to_string(observations_) + "\n";
  char sum[64];
  std::snprintf(sum, sizeof sum, "%.6f", sum_);
  out += "ddd_webhook_handling_seconds_sum " + std::string(sum) + "\n";
  out += "ddd_webhook_handling_seconds_count " + std::to_string(observations_) + "\n";
  out += "# TYPE ddd_queue_depth gauge\nddd_queue_depth " + std::to_string(queueDepth) + "\n";
  // Calls to GitHub's and GitLab's APIs and their rate-limit waits (this process's).
  out += forges::renderHttpCallMetrics();
  return out;
}

bool isRelevantGithubEvent(const std::string& event, const std::string& action) {
  if (event == "issue_comment") return action == "created";
  if (event == "issues") return action == "edited";
  if (event == "pull_request")
    return action == "closed" || action == "synchronize" || action == "reopened";
  if (event == "pull_request_review") return action == "submitted";
  if (event == "check_suite" || event == "check_run") return action == "completed";
  return event == "status" || event == "push" || event == "installation" ||
         event == "installation_repositories";
}

bool isRelevantGitlabEvent(const forges::ForgeEvent& e) {
  // Edited notes (an "update" action), system notes and token bot users' notes are never
  // commands: answered 200, not stored.
  if (e.kind == "note") return e.action == "created" && !e.senderIsBot;
  // System hooks: a project created, deleted, renamed or moved joins or leaves the
  // schedule; their pushes read as Push Hooks; the rest (users, groups, keys) is ignored.
  return e.kind == "merge_request" || e.kind == "pipeline" || e.kind == "push" ||
         e.kind == "issue" || e.kind == "project_create" || e.kind == "project_destroy" ||
         e.kind == "project_rename" || e.kind == "project_transfer";
}

struct WebhookServer::Impl {
  ServerConfig config;
  bool webhooks = true;  // false: health and metrics only (worker, scheduler)
  std::shared_ptr<JobStore> store;
  std::mutex storeMutex;
  std::shared_ptr<Metrics> metrics;
  net::io_context ioc;
  tcp::acceptor acceptor{ioc};
  std::vector<std::thread> threads;
  std::atomic<int> inFlight{0};
  std::atomic<bool> stopping{false};

  using Response = http::response<http::string_body>;
  // What an answer needs of its request.
  struct ReplyTo {
    unsigned version = 11;
    bool keepAlive = true;
  };
  using Done = std::function<void(Response)>;

  // Group commit: deliveries that arrive while a transaction commits are stored together
  // in the next one; each is answered once its transaction is committed.
  struct Pending {
    NewJob job;
    ReplyTo to;
    std::string labels;
    Done done;
  };
  std::mutex pendingMutex;
  std::condition_variable pendingCv;
  std::vector<Pending> pending;
  bool committerStop = false;
  std::thread committer;
  // Connections open now: at most this many deliveries can be waiting for one commit.
  std::atomic<size_t> openSessions{0};
  // While the committer gathers a group: the size that ends the wait (0: not gathering).
  size_t gatherTarget = 0;

  // Queues a delivery for the next commit. The committer is woken for the first one, and
  // while it gathers, for the one that completes its group: not for every delivery.
  void submit(Pending p) {
    bool wake = false;
    {
      std::lock_guard<std::mutex> lock(pendingMutex);
      pending.push_back(std::move(p));
      wake = pending.size() == 1 || (gatherTarget != 0 && pending.size() >= gatherTarget);
    }
    if (wake) pendingCv.notify_one();
  }

  void commitLoop() {
    std::unique_lock<std::mutex> lock(pendingMutex);
    size_t lastGroup = 0;
    while (true) {
      pendingCv.wait(lock, [&] { return committerStop || !pending.empty(); });
      if (pending.empty() && committerStop) return;
      // A commit costs one fsync however many jobs it holds (~100 µs of CPU and ~0.2 ms on
      // a virtual disk). When the last group had several deliveries, others are likely on
      // their way from the other connections: wait for them, a bounded time, so one fsync
      // serves them all. A lone connection is never kept waiting.
      const size_t target = std::min(openSessions.load(), kMaxGroup);
      if (lastGroup > 1 && target > pending.size() && !committerStop) {
        gatherTarget = target;
        pendingCv.wait_for(lock, kGatherWait,
                           [&] { return committerStop || pending.size() >= gatherTarget; });
        gatherTarget = 0;
      }
      lastGroup = pending.size();
      std::vector<Pending> batch;
      batch.swap(pending);
      lock.unlock();
      std::vector<NewJob> jobs;
      jobs.reserve(batch.size());
      for (auto& p : batch) jobs.push_back(std::move(p.job));
      metrics->add("ddd_webhook_commits_total", "");
      std::vector<bool> stored;
      bool failed = false;
      try {
        std::lock_guard<std::mutex> storeLock(storeMutex);
        stored = store->enqueueMany(jobs);
      } catch (const std::exception&) {
        failed = true;
      }
      for (size_t i = 0; i < batch.size(); ++i) {
        auto& p = batch[i];
        if (failed) {
          metrics->add("ddd_webhook_store_errors_total", p.labels);
          p.done(reply(p.to, http::status::service_unavailable,
                       jsonMessage("error", "the job could not be stored; deliver again later")));
        } else if (!stored[i]) {
          metrics->add("ddd_webhook_deliveries_deduplicated_total", p.labels);
          static const std::string kDuplicate = jsonMessage("status", "duplicate");
          p.done(reply(p.to, http::status::ok, kDuplicate));
        } else {
          static const std::string kQueued = jsonMessage("status", "queued");
          p.done(reply(p.to, http::status::accepted, kQueued));
        }
      }
      lock.lock();
    }
  }

  Response reply(const ReplyTo& to, http::status status, std::string body,
                 const char* type = "application/json") {
    Response res{status, to.version};
    res.set(http::field::server, "ddd");
    res.set(http::field::content_type, type);
    res.keep_alive(to.keepAlive);
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
  }

  // Answers through `done`, now or once the job is committed.
  Response reply(const http::request<http::string_body>& req, http::status status,
                 std::string body, const char* type = "application/json") {
    return reply(ReplyTo{req.version(), req.keep_alive()}, status, std::move(body), type);
  }

  void handleWebhook(const http::request<http::string_body>& req, const std::string& forge,
                     Done done) {
    const ReplyTo to{req.version(), req.keep_alive()};
    const std::string& body = req.body();
    std::string event, delivery, eventUuid;
    bool verified = false;
    bool configured = true;
    if (forge == "github") {
      event = std::string(req["X-GitHub-Event"]);
      delivery = std::string(req["X-GitHub-Delivery"]);
      configured = !config.githubWebhookSecret.empty();
      verified =
          configured && forges::verifyGithubSignature(config.githubWebhookSecret, body,
                                                      std::string(req["X-Hub-Signature-256"]));
    } else {
      event = std::string(req["X-Gitlab-Event"]);
      eventUuid = std::string(req["X-Gitlab-Event-UUID"]);
      delivery = std::string(req["Idempotency-Key"]);
      if (delivery.empty()) delivery = eventUuid;
      configured = !config.gitlabWebhookToken.empty();
      verified = configured && forges::verifyGitlabToken(config.gitlabWebhookToken,
                                                         std::string(req["X-Gitlab-Token"]));
    }
    const std::string labels =
        "forge=\"" + forge + "\",event=\"" + (event.empty() ? "unknown" : event) + "\"";
    metrics->add("ddd_webhook_deliveries_received_total", labels);
    if (!verified) {
      metrics->add("ddd_webhook_deliveries_rejected_total", labels + ",reason=\"unauthorized\"");
      {
        done(reply(
            req, http::status::unauthorized,
            jsonMessage("error", !configured
                                     ? "webhooks from " + forge +
                                           " are not accepted: no secret is configured on this ddd"
                                     : "the delivery's signature or token does not match")));
        return;
      }
    }
    metrics->add("ddd_webhook_deliveries_verified_total", labels);
    // The whole body is checked to be JSON, but only the fields events are made of are
    // kept: a delivery is several kilobytes and this runs for every one.
    std::string document;  // the kept members as JSON text: the stored job
    const std::optional<nlohmann::json> parsed =
        forges::parseFilteredJson(
            body, forge == "github" ? forges::githubEventKeys() : forges::gitlabEventKeys(),
            &document);
    if (!parsed || !parsed->is_object()) {
      metrics->add("ddd_webhook_deliveries_rejected_total", labels + ",reason=\"malformed\"");
      {
        done(reply(req, http::status::bad_request,
                   jsonMessage("error", "the body is not a JSON object")));
        return;
      }
    }
    if (forge == "github" && event == "ping") {
      done(reply(req, http::status::ok, jsonMessage("status", "pong")));
      return;
    }
    const nlohmann::json& payload = *parsed;
    forges::ForgeEvent e;
    try {
      e = forge == "github" ? forges::normalizeGithub(event, payload, delivery)
                            : forges::normalizeGitlab(event, payload, delivery);
    } catch (const std::exception& ex) {
      {
        done(reply(req, http::status::bad_request, jsonMessage("error", ex.what())));
        return;
      }
    }
    const bool relevant =
        forge == "github" ? isRelevantGithubEvent(event, e.action) : isRelevantGitlabEvent(e);
    if (!relevant) {
      metrics->add("ddd_webhook_deliveries_ignored_total", labels);
      {
        done(reply(req, http::status::ok, jsonMessage("status", "ignored")));
        return;
      }
    }
    // A comment that gives no command (most comments; the worker decides the same way) is
    // nothing for a worker: answered 200 with the reason, not stored.
    if (e.kind == "issue_comment" || e.kind == "note") {
      if (const char* none = commandsIn(e).none) {
        metrics->add("ddd_webhook_deliveries_ignored_total", labels);
        done(reply(req, http::status::ok,
                   nlohmann::json{{"status", "ignored"}, {"reason", none}}.dump() + "\n"));
        return;
      }
    }
    const std::string key =
        forge + ":" + (delivery.empty() ? "sha256:" + forges::sha256Hex(body) : delivery);
    // The job is the document the event is made of (its forge's event keys), not the whole
    // delivery: a twentieth to a tenth of its size, which is most of what storing it costs.
    Pending p{NewJob{forge + "." + e.kind, forges::queueKey(e),
                     forge == "gitlab" ? gitlabJobPayload(eventUuid, document)
                                       : std::move(document),
                     key, static_cast<int64_t>(std::time(nullptr))},
              to, labels, std::move(done)};
    submit(std::move(p));
  }

  void handle(const http::request<http::string_body>& req, Done done) {
    const std::string target(req.target().substr(0, req.target().find('?')));
    if (target == "/healthz" && req.method() == http::verb::get) {
      done(reply(req, http::status::ok, "ok\n", "text/plain"));
      return;
    }
    if (target == "/readyz" && req.method() == http::verb::get) {
      bool ok = false;
      {
        std::lock_guard<std::mutex> lock(storeMutex);
        ok = store->reachable();
      }
      {
        done(reply(req, ok ? http::status::ok : http::status::service_unavailable,
                   ok ? "ready\n" : "store unreachable\n", "text/plain"));
        return;
      }
    }
    if (target == "/metrics" && req.method() == http::verb::get) {
      int64_t depth = 0;
      {
        std::lock_guard<std::mutex> lock(storeMutex);
        depth = store->depth();
      }
      done(reply(req, http::status::ok, metrics->render(depth), "text/plain; version=0.0.4"));
      return;
    }
    if (target == "/webhooks/github" || target == "/webhooks/gitlab") {
      if (!webhooks) {
        done(reply(req, http::status::not_found,
                   jsonMessage("error",
                               "this ddd process does not receive webhooks (it runs without "
                               "the receiver role): point the forge at the receiver")));
        return;
      }
      if (req.method() != http::verb::post) {
        done(reply(req, http::status::method_not_allowed, jsonMessage("error", "use POST")));
        return;
      }
      handleWebhook(req, target == "/webhooks/github" ? "github" : "gitlab", std::move(done));
      return;
    }
    {
      done(reply(req, http::status::not_found, jsonMessage("error", "not found")));
      return;
    }
  }
};

namespace {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, WebhookServer::Impl& server)
      : stream_(std::move(socket)), server_(server) {
    // Beast reads as much as the buffer has room for, at least 512 bytes; a buffer that is
    // emptied after every request never grows, and a 13 KB delivery took 26 reads.
    buffer_.reserve(kReadBufferBytes);
    ++server_.openSessions;
  }
  ~Session() { --server_.openSessions; }
  void start() { read(); }

 private:
  void read() {
    parser_.emplace();
    parser_->body_limit(server_.config.maxBodyBytes);
    parser_->header_limit(64 * 1024);
    stream_.expires_after(std::chrono::seconds(30));
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->onRead(ec); });
  }

  void onRead(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == net::error::operation_aborted) {
      close();
      return;
    }
    if (ec == http::error::body_limit) {
      server_.metrics->add("ddd_webhook_deliveries_rejected_total", "reason=\"too_large\"");
      http::request<http::string_body> req;
      req.version(11);
      respond(server_.reply(
                  req, http::status::payload_too_large,
                  jsonMessage("error", "the body is larger than " +
                                           std::to_string(server_.config.maxBodyBytes) + " bytes")),
              true);
      return;
    }
    if (ec) {
      close();
      return;
    }
    ++server_.inFlight;
    const auto started = std::chrono::steady_clock::now();
    auto req = std::make_shared<http::request<http::string_body>>(parser_->release());
    const bool webhook = req->target().starts_with("/webhooks/");
    server_.handle(*req, [self = shared_from_this(), req, started,
                          webhook](WebhookServer::Impl::Response res) {
      // Back on this connection's strand to write the answer.
      net::post(self->stream_.get_executor(), [self, req, started, webhook,
                                               res = std::move(res)]() mutable {
        if (webhook) {
          self->server_.metrics->observeSeconds(
              std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
        }
        --self->server_.inFlight;
        self->respond(std::move(res), !req->keep_alive() || self->server_.stopping);
      });
    });
  }

  void respond(WebhookServer::Impl::Response res, bool closeAfter) {
    res_ = std::make_shared<WebhookServer::Impl::Response>(std::move(res));
    if (closeAfter) res_->keep_alive(false);
    http::async_write(stream_, *res_,
                      [self = shared_from_this(), closeAfter](beast::error_code ec, size_t) {
                        if (ec || closeAfter) {
                          self->close();
                        } else {
                          self->read();
                        }
                      });
  }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  beast::tcp_stream stream_;
  WebhookServer::Impl& server_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<WebhookServer::Impl::Response> res_;
};

void acceptLoop(WebhookServer::Impl& impl) {
  impl.acceptor.async_accept(net::make_strand(impl.ioc),
                             [&impl](beast::error_code ec, tcp::socket socket) {
                               if (impl.stopping) return;
                               if (!ec) std::make_shared<Session>(std::move(socket), impl)->start();
                               acceptLoop(impl);
                             });
}

}  // namespace

WebhookServer::WebhookServer(ServerConfig config, std::shared_ptr<JobStore> store,
                             std::shared_ptr<Metrics> metrics, bool webhooks)
    : impl_(std::make_unique<Impl>()) {
  impl_->webhooks = webhooks;
  impl_->config = std::move(config);
  impl_->store = std::move(store);
  impl_->metrics = std::move(metrics);
}

WebhookServer::~WebhookServer() { stop(0); }

void WebhookServer::start(int threads) {
  beast::error_code ec;
  const auto address = net::ip::make_address(impl_->config.listenHost, ec);
  if (ec)
    throw std::runtime_error("cannot listen on " + impl_->config.listenHost +
                             ": not an IP address");
  tcp::endpoint ep(address, impl_->config.listenPort);
  impl_->acceptor.open(ep.protocol());
  impl_->acceptor.set_option(net::socket_base::reuse_address(true));
  impl_->acceptor.bind(ep, ec);
  if (ec) {
    throw std::runtime_error("cannot listen on " + impl_->config.listenHost + ":" +
                             std::to_string(impl_->config.listenPort) + ": " + ec.message());
  }
  impl_->acceptor.listen(net::socket_base::max_listen_connections);
  port_ = impl_->acceptor.local_endpoint().port();
  acceptLoop(*impl_);
  impl_->committer = std::thread([this] { impl_->commitLoop(); });
  for (int i = 0; i < std::max(1, threads); ++i)
    impl_->threads.emplace_back([this] { impl_->ioc.run(); });
}

void WebhookServer::stop(int graceMs) {
  if (impl_->threads.empty()) return;
  impl_->stopping = true;
  net::post(impl_->ioc, [this] {
    beast::error_code ec;
    impl_->acceptor.close(ec);
  });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(graceMs);
  while (impl_->inFlight > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  {
    std::lock_guard<std::mutex> lock(impl_->pendingMutex);
    impl_->committerStop = true;
  }
  impl_->pendingCv.notify_all();
  if (impl_->committer.joinable()) impl_->committer.join();
  impl_->ioc.stop();
  for (auto& t : impl_->threads) t.join();
  impl_->threads.clear();
}

}  // namespace ddd::bot
