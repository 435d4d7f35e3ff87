# The benchmark script (bench/run.sh) in its reduced mode, so it never rots: against this build's
# hyperoru (no release build, no apt-get), it must run to the end and write a report with every
# section and a verdict on every target (bench/quick_check.cmake checks the rows). Timings are
# never asserted. It needs nginx-light, hyperfine, time, curl and jq (.ci/run installs them) and
# takes a few seconds; its report goes to the build tree, never to the committed BENCHMARKS.md.
add_test(NAME "bench: run.sh runs in reduced mode"
         COMMAND "${CMAKE_COMMAND}"
                 "-DRUN_SH=${PROJECT_SOURCE_DIR}/bench/run.sh"
                 "-DBINARY=$<TARGET_FILE:hyperoru>"
                 "-DOUT=${CMAKE_BINARY_DIR}/bench-quick.md"
                 -P "${PROJECT_SOURCE_DIR}/bench/quick_check.cmake")
set_tests_properties("bench: run.sh runs in reduced mode" PROPERTIES LABELS bench TIMEOUT 120)
