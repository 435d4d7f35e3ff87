// End-to-end: HTTPS and WSS against the stand-in serving a certificate from a test CA. Verified
// with --cacert; refused without it or for another host name (exit 9, naming the TLS problem);
// --insecure works and warns on every run.
#include "e2e/e2e.hpp"
#include "support/tls.hpp"

using namespace e2e;

namespace {
const std::string k_untrusted = "hyperoru: error: TLS certificate not trusted: ";
}

TEST_CASE("e2e: tls verified with --cacert, refused without it") {
    const auto& pki = hyperoru::test::test_pki();
    StandIn server({"--tls-cert", pki.server_cert, "--tls-key", pki.server_key});
    Env env;
    env.set("HYPERORU_TOKEN", k_standin_token);
    const std::string url = "https://127.0.0.1:" + std::to_string(server.port());

    Result r = cli(env, {"--base-url", url, "--cacert", pki.ca, "health"});
    CHECK(r.rc == 0);
    CHECK(r.out == "{\n  \"status\": \"healthy\"\n}\n");
    CHECK(r.err.empty());

    r = cli(env, {"--base-url", url, "--retries", "0", "health"});
    CHECK(r.rc == 9);
    CHECK(r.out.empty());
    CHECK(r.err.starts_with(k_untrusted));

    r = cli(env, {"--base-url", url, "--insecure", "health"});
    CHECK(r.rc == 0);
    CHECK(r.err ==
          "hyperoru: warning: --insecure: TLS certificates are not verified; anyone on the network path can "
          "read the token\n");

    // The stream: wss with the same options.
    // The reply to subscribe proves the stream works; it is not an update, so --duration ends it.
    r = cli(env, {"--base-url", url, "--cacert", pki.ca, "watch", "--duration", "1"});
    CHECK(r.rc == 0);
    CHECK(r.out.starts_with("{\"type\":\"subscribed\""));
    r = cli(env, {"--base-url", url, "watch"});
    CHECK(r.rc == 9);
    CHECK(r.err.starts_with("hyperoru: error: stream lost: "));
    CHECK(contains(r.err, "certificate"));
}

TEST_CASE("e2e: tls a certificate for another host name is refused") {
    const auto& pki = hyperoru::test::test_pki();
    StandIn server({"--tls-cert", pki.other_cert, "--tls-key", pki.other_key});
    Env env;
    env.set("HYPERORU_TOKEN", k_standin_token);
    const Result r = cli(env, {"--base-url", "https://127.0.0.1:" + std::to_string(server.port()), "--cacert",
                               pki.ca, "--retries", "0", "profile"});
    CHECK(r.rc == 9);
    CHECK(r.err.starts_with(k_untrusted));
    CHECK(contains(r.err, "127.0.0.1"));  // curl names the host the certificate does not match
}
