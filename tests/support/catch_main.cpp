// The Catch2 runner for every test executable: libcurl is initialised once, before any test.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "hyperoru/http.hpp"

int main(int argc, char* argv[]) {
    hyperoru::http::GlobalInit curl;
    return Catch::Session().run(argc, argv);
}
