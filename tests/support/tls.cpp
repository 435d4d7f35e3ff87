#include "support/tls.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <vector>

#include "support/process.hpp"

namespace hyperoru::test {

namespace {

void openssl(std::vector<std::string> args) {
    ProcessOptions options;
    options.argv = {"/usr/bin/openssl"};
    options.argv.insert(options.argv.end(), args.begin(), args.end());
    options.env = {{"PATH", "/usr/bin:/bin"}, {"LC_ALL", "C"}};
    const ProcessResult result = run_process(options);
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
}

struct Pki {
    TempDir dir;
    TestPki files;

    Pki() {
        const auto at = [this](const char* name) { return (dir.path() / name).string(); };
        files = {at("ca.pem"), at("server.pem"), at("server.key"), at("other.pem"), at("other.key")};
        openssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                 "-keyout", at("ca.key"), "-out", files.ca, "-days", "2", "-subj", "/CN=hyperoru test CA",
                 "-addext", "basicConstraints=critical,CA:TRUE", "-addext",
                 "keyUsage=critical,keyCertSign,cRLSign"});
        issue("localhost", "subjectAltName=IP:127.0.0.1,DNS:localhost", files.server_cert, files.server_key);
        issue("example.com", "subjectAltName=DNS:example.com", files.other_cert, files.other_key);
    }

    void issue(const std::string& name, const std::string& san, const std::string& cert,
               const std::string& key) {
        const std::string csr = (dir.path() / (name + ".csr")).string();
        const std::string ext = (dir.path() / (name + ".ext")).string();
        openssl({"req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key,
                 "-out", csr, "-subj", "/CN=" + name});
        { std::ofstream(ext) << san << "\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n"; }
        openssl({"x509", "-req", "-in", csr, "-CA", files.ca, "-CAkey", (dir.path() / "ca.key").string(),
                 "-CAcreateserial", "-out", cert, "-days", "2", "-extfile", ext});
    }
};

}  // namespace

const TestPki& test_pki() {
    static const Pki pki;
    return pki.files;
}

}  // namespace hyperoru::test
