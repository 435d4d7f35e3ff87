// The Catch2 runner for every test executable: libcurl is initialised once, before any test.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <stdlib.h>
#include <time.h>

#include "hyperoru/http.hpp"

int main(int argc, char* argv[]) {
    // Times shown to people are local: every test sees the same zone, whatever the machine's.
    ::setenv("TZ", "UTC0", 1);
    ::tzset();
    hyperoru::http::GlobalInit curl;
    return Catch::Session().run(argc, argv);
}
