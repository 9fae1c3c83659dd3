// The HTTP client over real loopback sockets: keep-alive reuse, HEAD answers (a length,
// no body), a closed idle
// connection retried, timeouts on a stalling server, truncated and oversized bodies,
// redirects keeping credentials on their host, the rate-limit rules (waits recorded,
// never slept), Link pagination and redacted logs.
#include "forges/http/client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <condition_variable>
#include <iterator>
#include <memory>
#include <thread>
#include <vector>

#include "forges/http/call_metrics.h"
#include "tests/support/fake_http_server.h"

namespace ddd::forges {
namespace {

using ddd::testing::FakeHttpServer;
using Resp = FakeHttpServer::Response;
using namespace std::chrono;

struct Recorder {
  std::vector<milliseconds> waits;
  std::vector<std::string> logs;
  HttpClientOptions options() {
    HttpClientOptions o;
    o.sleep = [this](milliseconds d) { waits.push_back(d); };
    o.now = [] { return int64_t{1700000000}; };
    o.log = [this](const std::string& line) { logs.push_back(line); };
    return o;
  }
};

ClientRequest get(const std::string& url) {
  ClientRequest r;
  r.url = url;
  return r;
}

TEST(HttpClient, ReusesKeepAliveConnections) {
  FakeHttpServer server([](const auto& r) { return Resp{200, {}, "hello " + r.target}; });
  HttpClient client;
  for (int i = 0; i < 3; ++i) {
    auto res = client.send(get(server.url() + "/p" + std::to_string(i) + "?q=1"));
    EXPECT_EQ(res.status, 200);
    EXPECT_EQ(res.body, "hello /p" + std::to_string(i) + "?q=1");
  }
  EXPECT_EQ(server.connections(), 1);
  EXPECT_EQ(client.connectionsOpened(), 1u);
  EXPECT_EQ(server.requests()[0].header("Host"), "127.0.0.1:" + std::to_string(server.port()));
}

TEST(HttpClient, HeadAnswersDeclareALengthButHaveNoBody) {
  // As registries answer HEAD /v2/<name>/manifests/<tag>: the GET's headers, no body.
  FakeHttpServer server([](const auto& r) {
    return Resp{200, {{"Docker-Content-Digest", "sha256:" + std::string(64, 'a')}},
                r.method == "HEAD" ? std::string(1609, 'm') : "manifest"};
  });
  HttpClientOptions o;
  o.ioTimeout = milliseconds(3000);
  HttpClient client(o);
  ClientRequest head = get(server.url() + "/v2/x/manifests/1");
  head.method = "HEAD";
  const auto start = steady_clock::now();
  auto res = client.send(head);
  EXPECT_LT(steady_clock::now() - start, milliseconds(2000));  // no wait for 1609 bytes
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "");
  EXPECT_EQ(res.headers.get("Content-Length"), "1609");
  EXPECT_EQ(res.headers.get("docker-content-digest"), "sha256:" + std::string(64, 'a'));
  EXPECT_EQ(client.send(get(server.url() + "/v2/x/manifests/1")).body, "manifest");
  EXPECT_EQ(server.connections(), 1);  // the connection stayed usable
}

TEST(HttpClient, RetriesOnceWhenAnIdleConnectionWasClosed) {
  FakeHttpServer server([](const auto&) {
    Resp r{200, {}, "ok"};
    r.closeAfter = true;  // closes without saying so
    return r;
  });
  HttpClient client;
  EXPECT_EQ(client.send(get(server.url() + "/a")).body, "ok");
  EXPECT_EQ(client.send(get(server.url() + "/b")).body, "ok");
  EXPECT_EQ(server.connections(), 2);
}

TEST(HttpClient, AStallingServerTimesOut) {
  FakeHttpServer server([](const auto&) {
    Resp r{200, {}, "late"};
    r.stall = seconds(3);
    return r;
  });
  HttpClientOptions o;
  o.ioTimeout = milliseconds(300);
  HttpClient client(o);
  const auto start = steady_clock::now();
  try {
    client.send(get(server.url() + "/slow?token=SECRET"));
    FAIL();
  } catch (const HttpError& e) {
    EXPECT_NE(std::string(e.what()).find("stalled"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("SECRET"), std::string::npos) << e.what();
  }
  EXPECT_LT(steady_clock::now() - start, seconds(2));
}

TEST(HttpClient, TruncatedAndOversizedBodiesAreErrors) {
  FakeHttpServer server([](const auto& r) {
    if (r.target == "/cut") {
      Resp x{200, {{"Content-Length", "100"}}, std::string(100, 'x')};
      x.truncateAt = 10;
      return x;
    }
    return Resp{200, {}, std::string(2 << 20, 'y')};
  });
  HttpClientOptions o;
  o.maxBodyBytes = 1 << 20;
  HttpClient client(o);
  EXPECT_THROW(
      {
        try {
          client.send(get(server.url() + "/cut"));
        } catch (const HttpError& e) {
          EXPECT_NE(std::string(e.what()).find("cut short"), std::string::npos) << e.what();
          throw;
        }
      },
      HttpError);
  try {
    client.send(get(server.url() + "/big"));
    FAIL();
  } catch (const HttpError& e) {
    EXPECT_NE(std::string(e.what()).find("larger than 1048576 bytes"), std::string::npos)
        << e.what();
  }
}

TEST(HttpClient, RedirectsKeepCredentialsOnTheirHost) {
  std::string otherUrl;
  FakeHttpServer other([](const auto&) { return Resp{200, {}, "moved here"}; });
  otherUrl = "http://localhost:" + std::to_string(other.port());
  FakeHttpServer server([&](const auto& r) {
    if (r.target == "/old") return Resp{301, {{"Location", "/new"}}, ""};
    if (r.target == "/new") return Resp{302, {{"Location", otherUrl + "/final"}}, ""};
    return Resp{404, {}, ""};
  });
  HttpClient client;
  ClientRequest req = get(server.url() + "/old");
  req.headers.set("Authorization", "Bearer TOKEN");
  auto res = client.send(req);
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "moved here");
  EXPECT_EQ(res.url, otherUrl + "/final");
  EXPECT_EQ(server.requests()[1].header("Authorization"), "Bearer TOKEN");  // same host
  EXPECT_EQ(other.requests()[0].header("Authorization"), "");               // another host
}

TEST(HttpClient, TooManyRedirectsIsAnError) {
  FakeHttpServer server([](const auto&) { return Resp{302, {{"Location", "/again"}}, ""}; });
  HttpClient client;
  EXPECT_THROW(client.send(get(server.url() + "/again")), HttpError);
}

TEST(HttpClient, RateLimitRulesWaitWhatTheyShould) {
  int calls = 0;
  std::vector<Resp> script = {
      {429, {{"Retry-After", "7"}}, ""},
      {403,
       {{"x-ratelimit-remaining", "0"}, {"x-ratelimit-reset", "1700000030"}},
       "API rate limit exceeded"},
      {403, {}, "You have exceeded a secondary rate limit"},
      {503, {}, ""},
      {200, {}, "finally"},
  };
  FakeHttpServer server(
      [&](const auto&) { return script[std::min<size_t>(calls++, script.size() - 1)]; });
  Recorder rec;
  auto o = rec.options();
  o.maxRetries = 5;
  HttpClient client(o);
  auto res = client.send(get(server.url() + "/repos/o/r"));
  EXPECT_EQ(res.body, "finally");
  ASSERT_EQ(rec.waits.size(), 4u);
  EXPECT_EQ(rec.waits[0], seconds(7));
  EXPECT_EQ(rec.waits[1], seconds(31));  // until the reset, plus one
  EXPECT_EQ(rec.waits[2], seconds(60));  // no hint: at least a minute
  EXPECT_EQ(rec.waits[3], seconds(8));   // a server error: backoff by attempt (2^3)
}

// A named client's answers and rate-limit waits are counted per host for /metrics (the
// server error's retry is a call, not a rate-limit wait); unnamed clients are not counted.
TEST(HttpClient, NamedClientsCountCallsAndRateLimitWaitsPerHost) {
  int calls = 0;
  std::vector<Resp> script = {
      {429, {{"Retry-After", "7"}}, ""},
      {403, {}, "You have exceeded a secondary rate limit"},
      {503, {}, ""},
      {200, {}, "finally"},
  };
  FakeHttpServer server(
      [&](const auto&) { return script[std::min<size_t>(calls++, script.size() - 1)]; });
  Recorder rec;
  auto o = rec.options();
  o.maxRetries = 5;
  o.metricsName = "test_forge";
  HttpClient client(o);
  EXPECT_EQ(client.send(get(server.url() + "/repos/o/r")).body, "finally");
  HttpClient unnamed(rec.options());
  EXPECT_EQ(unnamed.send(get(server.url() + "/repos/o/r")).body, "finally");
  const std::string text = renderHttpCallMetrics();
  EXPECT_NE(text.find("# TYPE ddd_test_forge_calls_total counter\n"
                      "ddd_test_forge_calls_total{host=\"127.0.0.1\"} 4\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("ddd_test_forge_rate_limit_waits_total{host=\"127.0.0.1\"} 2\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("ddd_test_forge_rate_limit_wait_seconds_total{host=\"127.0.0.1\"} 67\n"),
            std::string::npos)
      << text;
}

TEST(HttpClient, ServerErrorsAreNotRetriedForPostAndPermissionErrorsAreAnswers) {
  int calls = 0;
  FakeHttpServer server([&](const auto& r) {
    ++calls;
    return r.method == "POST" ? Resp{502, {}, ""}
                              : Resp{403, {}, "Resource not accessible by integration"};
  });
  Recorder rec;
  HttpClient client(rec.options());
  ClientRequest post = get(server.url() + "/x");
  post.method = "POST";
  post.body = "{}";
  EXPECT_EQ(client.send(post).status, 502);
  EXPECT_EQ(client.send(get(server.url() + "/y")).status, 403);
  EXPECT_EQ(calls, 2);
  EXPECT_TRUE(rec.waits.empty());
}

TEST(HttpClient, AWaitLongerThanTheCapIsLeftToTheCaller) {
  FakeHttpServer server([](const auto&) { return Resp{429, {{"Retry-After", "3600"}}, ""}; });
  Recorder rec;
  HttpClient client(rec.options());
  EXPECT_EQ(client.send(get(server.url() + "/")).status, 429);
  EXPECT_TRUE(rec.waits.empty());
}

TEST(HttpClient, LinkHeaderPagination) {
  EXPECT_EQ(
      linkNext(
          R"(<https://api.example/repos?page=2>; rel="next", <https://api.example/repos?page=5>; rel="last")"),
      "https://api.example/repos?page=2");
  EXPECT_EQ(linkNext(R"(<https://api.example/repos?page=1>; rel="prev")"), "");
  FakeHttpServer server([](const auto& r) {
    if (r.target == "/items") return Resp{200, {{"Link", "</items?page=2>; rel=\"next\""}}, "[1]"};
    return Resp{200, {}, "[2]"};
  });
  HttpClient client;
  auto first = client.send(get(server.url() + "/items"));
  EXPECT_EQ(first.nextPageUrl(), "/items?page=2");
}

TEST(HttpClient, LogsAndErrorsNeverShowSecrets) {
  FakeHttpServer server([](const auto&) { return Resp{200, {}, "ok"}; });
  Recorder rec;
  HttpClient client(rec.options());
  ClientRequest r = get("http://user:PASSWORD@127.0.0.1:" + std::to_string(server.port()) +
                        "/x?access_token=TOKEN&page=2");
  r.headers.set("Authorization", "token HEADERSECRET");
  client.send(r);
  ASSERT_FALSE(rec.logs.empty());
  for (const auto& line : rec.logs) {
    EXPECT_EQ(line.find("PASSWORD"), std::string::npos) << line;
    EXPECT_EQ(line.find("TOKEN"), std::string::npos) << line;
    EXPECT_EQ(line.find("HEADERSECRET"), std::string::npos) << line;
    EXPECT_NE(line.find("page=2"), std::string::npos) << line;
  }
  EXPECT_EQ(redactForLog("https://a:b@h/p?token=x&sig=y&z=1"),
            "https://***@h/p?token=***&sig=***&z=1");
}

TEST(HttpClient, ConnectionFailuresAndBadUrlsAreClear) {
  HttpClientOptions o;
  o.connectTimeout = milliseconds(500);
  HttpClient client(o);
  unsigned short freePort;
  {
    FakeHttpServer s([](const auto&) { return Resp{}; });
    freePort = s.port();
  }
  try {
    client.send(get("http://127.0.0.1:" + std::to_string(freePort) + "/"));
    FAIL();
  } catch (const HttpError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot connect to 127.0.0.1"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(client.send(get("ftp://example.invalid/x")), HttpError);
  EXPECT_THROW(client.send(get("not a url")), HttpError);
}

TEST(HttpClient, TlsToAPlainServerFailsTheHandshake) {
  FakeHttpServer server([](const auto&) { return Resp{200, {}, "plain"}; });
  HttpClientOptions o;
  o.ioTimeout = milliseconds(1000);
  HttpClient client(o);
  try {
    client.send(get("https://127.0.0.1:" + std::to_string(server.port()) + "/"));
    FAIL();
  } catch (const HttpError& e) {
    EXPECT_NE(std::string(e.what()).find("TLS handshake failed"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace ddd::forges

namespace ddd::forges {
namespace {

// Many requests starting together against one host (a registry asked for a hundred
// packuments) resolve its name once, however many connections they open; with the
// memory off, once per connection.
TEST(HttpClient, ResolvesAHostOnceForConcurrentConnections) {
  FakeHttpServer server([](const auto&) {
    Resp r{200, {}, "ok"};
    r.stall = milliseconds(100);  // overlapping requests need connections of their own
    return r;
  });
  const std::string url = "http://localhost:" + std::to_string(server.port()) + "/p";
  for (int ttl : {60, 0}) {
    HttpClientOptions o;
    o.dnsCacheTtl = seconds(ttl);
    HttpClient client(o);
    std::atomic<int> ok{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i) {
      threads.emplace_back([&client, &ok, &url] {
        for (int k = 0; k < 2; ++k) {
          if (client.send(get(url)).status == 200) ++ok;
        }
      });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(ok.load(), 16);
    EXPECT_GE(client.connectionsOpened(), 4u);
    if (ttl > 0) {
      EXPECT_EQ(client.nameResolutions(), 1u);
    } else {
      EXPECT_EQ(client.nameResolutions(), client.connectionsOpened());
    }
  }
}

// A connection that can't be made forgets the host's addresses: the next request
// resolves the name again instead of trusting an address that may have moved.
TEST(HttpClient, AFailedConnectionForgetsTheHostsAddresses) {
  auto server = std::make_unique<FakeHttpServer>([](const auto&) { return Resp{200, {}, "ok"}; });
  const std::string url = "http://localhost:" + std::to_string(server->port()) + "/p";
  HttpClient client;
  EXPECT_EQ(client.send(get(url)).status, 200);
  EXPECT_EQ(client.send(get(url)).status, 200);
  EXPECT_EQ(client.nameResolutions(), 1u);
  // Nothing listens on the port any more: the remembered address is refused, then the
  // name is resolved again (and refused again).
  server.reset();
  EXPECT_THROW(client.send(get(url)), HttpError);
  EXPECT_EQ(client.nameResolutions(), 1u);
  EXPECT_THROW(client.send(get(url)), HttpError);
  EXPECT_EQ(client.nameResolutions(), 2u);
}

// Conditional GETs: the second GET of a tagged resource sends If-None-Match and a 304 is
// answered with the remembered body; another token never gets that memory; a changed
// resource replaces it.
TEST(HttpClient, RevalidatesWithETagsPerCredential) {
  std::atomic<int> version{1};
  ddd::testing::FakeHttpServer server([&](const ddd::testing::FakeHttpServer::Request& r) {
    const std::string etag = "\"v" + std::to_string(version.load()) + "\"";
    if (r.header("If-None-Match") == etag) {
      return ddd::testing::FakeHttpServer::Response{304, {{"ETag", etag}, {"x-ratelimit-remaining", "4999"}}, ""};
    }
    return ddd::testing::FakeHttpServer::Response{
        200, {{"ETag", etag}, {"Content-Type", "application/json"}},
        "{\"version\": " + std::to_string(version.load()) + "}"};
  });
  HttpClient http;
  auto get = [&](const std::string& token) {
    ClientRequest r;
    r.url = server.url() + "/repos/octo/hello/pulls";
    r.headers.set("Authorization", "Bearer " + token);
    return http.send(r);
  };
  EXPECT_EQ(get("a").body, "{\"version\": 1}");
  const auto again = get("a");
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body, "{\"version\": 1}");
  EXPECT_EQ(again.headers.get("x-ratelimit-remaining"), "4999");
  EXPECT_EQ(http.notModified(), 1u);
  EXPECT_EQ(get("b").body, "{\"version\": 1}");  // another token: a full GET
  EXPECT_EQ(http.notModified(), 1u);
  version = 2;
  EXPECT_EQ(get("a").body, "{\"version\": 2}");
  EXPECT_EQ(get("a").body, "{\"version\": 2}");
  EXPECT_EQ(http.notModified(), 2u);
  const auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 5u);
  EXPECT_EQ(reqs[0].header("If-None-Match"), "");
  EXPECT_EQ(reqs[1].header("If-None-Match"), "\"v1\"");
  EXPECT_EQ(reqs[2].header("If-None-Match"), "");
}

// Bodies handed to a reader as they arrive (ClientRequest::bodyReader): the same bytes
// as collected, with Content-Length and chunked framing, the connection pooled again only
// when the reader took everything; other statuses are collected as usual.
TEST(HttpClient, StreamsSuccessfulBodiesToAReader) {
  std::string big;
  for (int i = 0; big.size() < (3u << 20); ++i) big += "{\"v\": " + std::to_string(i) + "},\n";
  std::string chunked;  // the same body in 1000-byte chunks
  for (size_t at = 0; at < big.size(); at += 1000) {
    const std::string part = big.substr(at, 1000);
    char size[16];
    std::snprintf(size, sizeof size, "%zx", part.size());
    chunked += std::string(size) + "\r\n" + part + "\r\n";
  }
  chunked += "0\r\n\r\n";
  FakeHttpServer server([&](const auto& r) {
    if (r.target == "/chunked") return Resp{200, {{"Transfer-Encoding", "chunked"}}, chunked};
    if (r.target == "/missing") return Resp{404, {}, "{\"error\": \"not found\"}"};
    return Resp{200, {{"ETag", "\"e\""}}, big};
  });
  HttpClient client;
  int calls = 0;
  std::string got;
  ClientRequest req = get(server.url() + "/plain");
  req.bodyReader = [&](std::istream& in) {
    ++calls;
    got.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  };
  auto res = client.send(req);
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "");
  EXPECT_EQ(res.headers.get("ETag"), "\"e\"");
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(got == big) << got.size() << " bytes instead of " << big.size();
  got.clear();
  req.url = server.url() + "/chunked";
  EXPECT_EQ(client.send(req).status, 200);
  EXPECT_TRUE(got == big) << got.size() << " bytes instead of " << big.size();
  EXPECT_EQ(server.connections(), 1);  // whole bodies read: the connection was reused
  EXPECT_EQ(client.notModified(), 0u);  // streamed GETs bypass the ETag memory
  EXPECT_EQ(server.requests()[1].header("If-None-Match"), "");

  req.url = server.url() + "/missing";
  res = client.send(req);
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(res.body, "{\"error\": \"not found\"}");
  EXPECT_EQ(calls, 2);  // not called for the 404

  // A reader that stops after 10 bytes: that connection is dropped, the next works.
  req.url = server.url() + "/plain";
  req.bodyReader = [&](std::istream& in) {
    char first[10];
    in.read(first, sizeof first);
    got.assign(first, 10);
  };
  EXPECT_EQ(client.send(req).status, 200);
  EXPECT_EQ(got, big.substr(0, 10));
  req.bodyReader = nullptr;
  EXPECT_TRUE(client.send(req).body == big);
  EXPECT_EQ(server.connections(), 2);
}

TEST(HttpClient, StreamedBodiesKeepTheCapsAndReportTruncation) {
  FakeHttpServer server([](const auto& r) {
    if (r.target == "/cut") {
      Resp x{200, {{"Content-Length", "300000"}}, std::string(300000, 'x')};
      x.truncateAt = 200000;
      return x;
    }
    if (r.target == "/big-chunked") {  // no length announced: the cap applies while reading
      std::string body;
      for (int i = 0; i < 40; ++i) body += "8000\r\n" + std::string(0x8000, 'c') + "\r\n";
      return Resp{200, {{"Transfer-Encoding", "chunked"}}, body + "0\r\n\r\n"};
    }
    return Resp{200, {}, std::string(2 << 20, 'y')};
  });
  HttpClientOptions o;
  o.maxBodyBytes = 1 << 20;
  HttpClient client(o);
  size_t seen = 0;
  ClientRequest req = get(server.url() + "/cut");
  req.bodyReader = [&](std::istream& in) {
    seen = 0;
    while (in.get() != std::char_traits<char>::eof()) ++seen;
  };
  try {
    client.send(req);
    FAIL();
  } catch (const HttpError& e) {
    EXPECT_NE(std::string(e.what()).find("cut short"), std::string::npos) << e.what();
  }
  EXPECT_GE(seen, 100000u);  // it read what came before the cut
  for (const char* target : {"/big", "/big-chunked"}) {
    req.url = server.url() + target;
    try {
      client.send(req);
      FAIL() << target;
    } catch (const HttpError& e) {
      EXPECT_NE(std::string(e.what()).find("larger than 1048576 bytes"), std::string::npos)
          << e.what();
    }
  }
}

// The reader gets the first half of a body while the server still holds the second: the
// body is never collected whole before it is handed over (so a huge registry document
// costs one 64 KiB piece, not its size).
TEST(HttpClient, AStreamedBodyReachesTheReaderBeforeItHasAllArrived) {
  namespace net = boost::asio;
  using tcp = net::ip::tcp;
  const std::string half(1 << 20, 'a');
  std::mutex m;
  std::condition_variable cv;
  bool readerStarted = false, startedBeforeSecondHalf = false;
  net::io_context ioc;
  tcp::acceptor acceptor(ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
  const unsigned short port = acceptor.local_endpoint().port();
  std::thread server([&] {
    tcp::socket socket(ioc);
    acceptor.accept(socket);
    net::streambuf request;
    boost::system::error_code ec;
    net::read_until(socket, request, "\r\n\r\n", ec);
    const std::string head = "HTTP/1.1 200 OK\r\nContent-Length: " +
                             std::to_string(2 * half.size()) + "\r\n\r\n";
    net::write(socket, net::buffer(head + half), ec);
    {
      std::unique_lock<std::mutex> lock(m);
      cv.wait_for(lock, seconds(5), [&] { return readerStarted; });
      startedBeforeSecondHalf = readerStarted;
    }
    net::write(socket, net::buffer(half), ec);
  });
  HttpClient client;
  ClientRequest req = get("http://127.0.0.1:" + std::to_string(port) + "/doc");
  size_t n = 0;
  req.bodyReader = [&](std::istream& in) {
    while (in.get() != std::char_traits<char>::eof()) {
      if (++n == 1) {
        std::lock_guard<std::mutex> lock(m);
        readerStarted = true;
        cv.notify_all();
      }
    }
  };
  EXPECT_EQ(client.send(req).status, 200);
  server.join();
  EXPECT_TRUE(startedBeforeSecondHalf);
  EXPECT_EQ(n, 2 * half.size());
}

}  // namespace
}  // namespace ddd::forges

namespace ddd::forges {
namespace {

// The private-network guard: repository-named registries can't reach loopback, private
// or link-local addresses; the operator's trusted hosts can; a redirect is checked too.
TEST(HttpClient, ThePrivateNetworkGuardRefusesLocalAddressesOfUntrustedHosts) {
  const auto guard = privateNetworkGuard({"Registry.Internal", "127.0.0.1"});
  for (const char* a : {"127.0.0.1", "10.1.2.3", "172.20.0.1", "192.168.1.1", "169.254.169.254",
                        "100.64.0.1", "0.0.0.0", "::1", "fe80::1", "fd00::5", "::ffff:10.0.0.1",
                        "224.0.0.1", "not an address"}) {
    EXPECT_FALSE(guard("evil.example", a)) << a;
  }
  for (const char* a : {"93.184.216.34", "2606:4700::1", "172.32.0.1", "11.0.0.1"}) {
    EXPECT_TRUE(guard("public.example", a)) << a;
  }
  EXPECT_TRUE(guard("registry.internal", "10.0.0.7"));  // trusted, any case

  FakeHttpServer target([](const auto&) { return Resp{200, {}, "inside"}; });
  FakeHttpServer bouncer([&target](const auto&) {
    return Resp{302, {{"Location", "http://localhost:" + std::to_string(target.port()) + "/x"}}, ""};
  });
  HttpClientOptions o;
  o.allowAddress = privateNetworkGuard({});
  HttpClient guarded(o);
  try {
    guarded.send(get(target.url() + "/"));
    ADD_FAILURE() << "connected to a loopback address";
  } catch (const HttpError& e) {
    EXPECT_NE(std::string(e.what()).find("refused to connect to 127.0.0.1"), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(target.requests().size(), 0u);
  o.allowAddress = privateNetworkGuard({"127.0.0.1"});
  HttpClient trusting(o);
  EXPECT_EQ(trusting.send(get(target.url() + "/")).body, "inside");
  // A trusted host redirecting to another local name: refused there.
  EXPECT_THROW(trusting.send(get(bouncer.url() + "/")), HttpError);
  EXPECT_EQ(target.requests().size(), 1u);
}

}  // namespace
}  // namespace ddd::forges
