# libFuzzer builds (the fuzz preset, clang only). Every project target links hyperoru_sanitizers,
# so hooking the coverage instrumentation in there reaches the library, the CLI and the fuzz
# targets alike, without touching CMAKE_CXX_FLAGS. The fuzz executables themselves add
# -fsanitize=fuzzer (libFuzzer's main) in tests/fuzz/CMakeLists.txt.
option(HYPERORU_FUZZ "Build the libFuzzer targets fuzz_<name> (clang only)" OFF)
set(HYPERORU_FUZZ_SECONDS 20 CACHE STRING "Seconds each fuzz target runs in the fuzz preset's ctest")

add_library(hyperoru_fuzz_instrumentation INTERFACE)
if(HYPERORU_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "HYPERORU_FUZZ needs clang and libFuzzer (cmake --preset fuzz), not ${CMAKE_CXX_COMPILER_ID}")
  endif()
  target_compile_options(hyperoru_fuzz_instrumentation INTERFACE
    -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(hyperoru_fuzz_instrumentation INTERFACE -fsanitize=fuzzer-no-link,address,undefined)
  target_link_libraries(hyperoru_sanitizers INTERFACE hyperoru_fuzz_instrumentation)
endif()
