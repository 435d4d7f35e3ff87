# The release executable tuned for what a command-line tool pays at every start: load time and
# size (BENCHMARKS.md has the figures). An INTERFACE target, switched on by the release preset.
# -O2 rather than -O3: the hot paths (parsing, printing) are as fast and the binary is smaller.
# libstdc++ and libgcc are linked statically: loading and relocating the shared libstdc++ costs
# about 1 ms at every start, a fifth of a whole request to a local server; libcurl stays shared.
option(HYPERORU_LEAN "Optimise the executable for start-up time and size" OFF)
add_library(hyperoru_lean INTERFACE)
if(HYPERORU_LEAN)
  target_compile_options(hyperoru_lean INTERFACE -O2 -ffunction-sections -fdata-sections)
  target_link_options(hyperoru_lean INTERFACE -Wl,--gc-sections -Wl,-O1 -static-libstdc++ -static-libgcc)
endif()
