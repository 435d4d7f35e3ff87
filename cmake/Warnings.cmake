# Warnings as an INTERFACE target, linked PRIVATE by our own targets only.
# -Werror comes from the dev preset (CMAKE_COMPILE_WARNING_AS_ERROR), never from here.
add_library(hyperoru_warnings INTERFACE)
target_compile_options(hyperoru_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Woverloaded-virtual -Wconversion -Wsign-conversion -Wnull-dereference -Wformat=2
  -Wimplicit-fallthrough)
