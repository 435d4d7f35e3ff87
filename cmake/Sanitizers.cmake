# Sanitizers as an INTERFACE target, switched on by the asan preset.
option(HYPERORU_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
add_library(hyperoru_sanitizers INTERFACE)
if(HYPERORU_SANITIZE)
  target_compile_options(hyperoru_sanitizers INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(hyperoru_sanitizers INTERFACE -fsanitize=address,undefined)
endif()
