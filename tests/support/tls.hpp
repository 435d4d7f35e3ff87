#pragma once
// Test certificates made with the openssl command-line tool (installed by .ci/run): a CA, a
// server certificate for 127.0.0.1 and localhost, and one for example.com only (a host-name
// mismatch). Made once per test process, in a temporary directory.
#include <string>

#include "support/temp_dir.hpp"

namespace hyperoru::test {

struct TestPki {
    std::string ca;           ///< the CA certificate (PEM): what --cacert gets
    std::string server_cert;  ///< for IP:127.0.0.1 and DNS:localhost
    std::string server_key;
    std::string other_cert;  ///< for DNS:example.com only
    std::string other_key;
};

/// The process-wide certificates; fails the current test when openssl is missing or fails.
const TestPki& test_pki();

}  // namespace hyperoru::test
