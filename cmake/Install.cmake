# Installation and packaging: `cmake --install BUILD_DIR [--prefix P]` and `cpack -G DEB`.
# Included once, at the very end of the top-level CMakeLists.txt, when every target exists.
#
# Installed, relative to the prefix (GNUInstallDirs):
#   bin/hyperoru                          the command-line client
#   bin/hyperoru-sandbox                  the offline API stand-in (sandbox/hyperoru-sandbox, Python 3)
#   share/hyperoru/sandbox/               its package, hyperoru_sandbox/, which the launcher finds
#   include/hyperoru/*.hpp                the public headers, with the generated version.hpp
#   lib/libhyperoru.a                     the library (static)
#   lib/cmake/hyperoru/                   find_package(hyperoru) -> target hyperoru::hyperoru
#   lib/pkgconfig/hyperoru.pc             pkg-config --static hyperoru (relocatable: ${pcfiledir})
#   share/man/man1/, shell completions    from the hooks below
#
# Hooks for documentation generated at build time. Set them in the top-level scope before
# include(Install) (from a subdirectory: set(... PARENT_SCOPE)); an unset hook installs nothing.
# `cmake --install` builds nothing, so the target that generates them must be part of `all`
# (add_custom_target(hyperoru_docs ALL ...)).
#   HYPERORU_MAN1_PAGES        list of section-1 man pages (hyperoru.1.gz, ...) -> share/man/man1/
#   HYPERORU_BASH_COMPLETION   one file -> share/bash-completion/completions/hyperoru
#   HYPERORU_ZSH_COMPLETION    one file -> share/zsh/vendor-completions/_hyperoru
#   HYPERORU_FISH_COMPLETION   one file -> share/fish/vendor_completions.d/hyperoru.fish
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(HYPERORU_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/hyperoru")

# --- Making hyperoru_lib exportable ------------------------------------------------------------
# CMakeLists.txt writes the library's usage requirements for the build tree. Installed, they must
# not point into the source or build tree, nor name targets that exist only there:
#  - the PUBLIC include directories are absolute source/build paths: kept for the build tree
#    ($<BUILD_INTERFACE:...>); the installed package gets <prefix>/include (INCLUDES DESTINATION).
#  - a static library lists even its PRIVATE link dependencies for its consumers, as
#    $<LINK_ONLY:...>. hyperoru_warnings, hyperoru_sanitizers, hyperoru_lean (this project's
#    build settings) and Boost::headers (header-only, compiled into the .a) mean nothing to a
#    consumer of the installed library, so they stay build-tree only. Exporting the helper targets
#    instead would put hyperoru::hyperoru_warnings & co. into every consumer's namespace, and would
#    hand the release preset's -static-libstdc++ and --gc-sections to consumers' executables.
#  - the one thing of the sanitizers a consumer does need is the runtime: a library built with
#    -fsanitize=address,undefined (asan preset) cannot link without it. Their link options are
#    copied into the installed interface, so an asan build installs a package that just works.
# A new build-only target linked to hyperoru_lib makes install(EXPORT) fail at generate time
# ("requires target ... that is not in any export set"): add it to the list below.
set(HYPERORU_BUILD_ONLY_LINKS hyperoru_warnings hyperoru_sanitizers hyperoru_lean Boost::headers)

# The INTERFACE_LINK_OPTIONS of `target` and of the targets it links, for the installed interface.
function(hyperoru_interface_link_options target out)
  set(options "")
  get_target_property(own ${target} INTERFACE_LINK_OPTIONS)
  if(own)
    list(APPEND options ${own})
  endif()
  get_target_property(links ${target} INTERFACE_LINK_LIBRARIES)
  if(links)
    foreach(link IN LISTS links)
      if(TARGET ${link})
        hyperoru_interface_link_options(${link} nested)
        list(APPEND options ${nested})
      endif()
    endforeach()
  endif()
  set(${out} "${options}" PARENT_SCOPE)
endfunction()

get_target_property(_hyperoru_includes hyperoru_lib INTERFACE_INCLUDE_DIRECTORIES)
set(_hyperoru_wrapped "")
foreach(_dir IN LISTS _hyperoru_includes)
  if(_dir MATCHES "^\\$<")
    list(APPEND _hyperoru_wrapped "${_dir}")  # already a generator expression
  else()
    list(APPEND _hyperoru_wrapped "$<BUILD_INTERFACE:${_dir}>")
  endif()
endforeach()
set_property(TARGET hyperoru_lib PROPERTY INTERFACE_INCLUDE_DIRECTORIES "${_hyperoru_wrapped}")

get_target_property(_hyperoru_links hyperoru_lib INTERFACE_LINK_LIBRARIES)
set(_hyperoru_wrapped "")
foreach(_link IN LISTS _hyperoru_links)
  set(_build_only FALSE)
  foreach(_name IN LISTS HYPERORU_BUILD_ONLY_LINKS)
    if(_link STREQUAL _name OR _link STREQUAL "$<LINK_ONLY:${_name}>")
      set(_build_only TRUE)
    endif()
  endforeach()
  if(_build_only)
    list(APPEND _hyperoru_wrapped "$<BUILD_INTERFACE:${_link}>")
  else()
    list(APPEND _hyperoru_wrapped "${_link}")
  endif()
endforeach()
set_property(TARGET hyperoru_lib PROPERTY INTERFACE_LINK_LIBRARIES "${_hyperoru_wrapped}")

hyperoru_interface_link_options(hyperoru_sanitizers HYPERORU_SANITIZER_LINK_OPTIONS)
foreach(_option IN LISTS HYPERORU_SANITIZER_LINK_OPTIONS)
  target_link_options(hyperoru_lib INTERFACE "$<INSTALL_INTERFACE:${_option}>")
endforeach()

# The public headers use C++20; consumers must compile with it too.
target_compile_features(hyperoru_lib INTERFACE cxx_std_20)
# Exported as hyperoru::hyperoru, the same name as the build tree's alias.
set_target_properties(hyperoru_lib PROPERTIES EXPORT_NAME hyperoru)

# --- Install rules -----------------------------------------------------------------------------
install(TARGETS hyperoru RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}")
install(TARGETS hyperoru_lib EXPORT hyperoruTargets
  ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}"
  INCLUDES DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")
install(DIRECTORY "${PROJECT_SOURCE_DIR}/include/hyperoru" DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}"
  FILES_MATCHING PATTERN "*.hpp")
install(FILES "${PROJECT_BINARY_DIR}/generated/hyperoru/version.hpp"
  DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}/hyperoru")

# The offline sandbox is the test suite's stand-in as it is: standard-library Python 3. The
# launcher (`#!/usr/bin/env python3`) looks for the package next to itself, then in
# ../share/hyperoru/sandbox, so the same file serves the source tree and any prefix (and DESTDIR).
install(PROGRAMS "${PROJECT_SOURCE_DIR}/sandbox/hyperoru-sandbox" DESTINATION "${CMAKE_INSTALL_BINDIR}")
install(DIRECTORY "${PROJECT_SOURCE_DIR}/sandbox/hyperoru_sandbox"
  DESTINATION "${CMAKE_INSTALL_DATADIR}/hyperoru/sandbox"
  FILES_MATCHING PATTERN "*.py" PATTERN "__pycache__" EXCLUDE)

install(EXPORT hyperoruTargets NAMESPACE hyperoru:: FILE hyperoruTargets.cmake
  DESTINATION "${HYPERORU_INSTALL_CMAKEDIR}")
configure_package_config_file("${CMAKE_CURRENT_LIST_DIR}/hyperoruConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/hyperoruConfig.cmake" INSTALL_DESTINATION "${HYPERORU_INSTALL_CMAKEDIR}")
# 0.x: a new minor version may break the API, so only the same major.minor is compatible.
write_basic_package_version_file("${PROJECT_BINARY_DIR}/hyperoruConfigVersion.cmake"
  VERSION "${PROJECT_VERSION}" COMPATIBILITY SameMinorVersion)
install(FILES "${PROJECT_BINARY_DIR}/hyperoruConfig.cmake" "${PROJECT_BINARY_DIR}/hyperoruConfigVersion.cmake"
  DESTINATION "${HYPERORU_INSTALL_CMAKEDIR}")

# pkg-config: prefix relative to the .pc file, so the file is right under any --prefix and DESTDIR.
# The library is static: what its own code needs at link time goes to Libs.private (`--static`).
# libcurl is named there directly rather than as Requires.private: libcurl, because with
# --static that would pull in libcurl.pc's own Libs.private (-lnghttp2 -lrtmp -lssh2 ...), which
# only links when a dozen -dev packages are installed, while libhyperoru needs the shared libcurl.
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}" OR IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  set(HYPERORU_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
else()
  file(RELATIVE_PATH _relative "/prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/prefix")
  string(REGEX REPLACE "/$" "" _relative "${_relative}")
  set(HYPERORU_PC_PREFIX "\${pcfiledir}/${_relative}")
endif()
string(JOIN " " HYPERORU_PC_LIBS_PRIVATE -lcurl -lssl -lcrypto -pthread ${HYPERORU_SANITIZER_LINK_OPTIONS})
configure_file("${CMAKE_CURRENT_LIST_DIR}/hyperoru.pc.in" "${PROJECT_BINARY_DIR}/hyperoru.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/hyperoru.pc" DESTINATION "${CMAKE_INSTALL_LIBDIR}/pkgconfig")

# Generated documentation (the hooks described at the top). The installed paths are also listed
# in hyperoru-installed-docs.txt in the build directory, for the install tests to check.
set(HYPERORU_INSTALLED_DOCS "")
macro(hyperoru_install_doc file destination name)
  install(FILES "${file}" DESTINATION "${destination}" RENAME "${name}")
  list(APPEND HYPERORU_INSTALLED_DOCS "${destination}/${name}")
endmacro()
foreach(_page IN LISTS HYPERORU_MAN1_PAGES)
  get_filename_component(_name "${_page}" NAME)
  hyperoru_install_doc("${_page}" "${CMAKE_INSTALL_MANDIR}/man1" "${_name}")
endforeach()
if(HYPERORU_BASH_COMPLETION)
  hyperoru_install_doc("${HYPERORU_BASH_COMPLETION}" "${CMAKE_INSTALL_DATAROOTDIR}/bash-completion/completions" hyperoru)
endif()
if(HYPERORU_ZSH_COMPLETION)
  hyperoru_install_doc("${HYPERORU_ZSH_COMPLETION}" "${CMAKE_INSTALL_DATAROOTDIR}/zsh/vendor-completions" _hyperoru)
endif()
if(HYPERORU_FISH_COMPLETION)
  hyperoru_install_doc("${HYPERORU_FISH_COMPLETION}" "${CMAKE_INSTALL_DATAROOTDIR}/fish/vendor_completions.d" hyperoru.fish)
endif()
list(JOIN HYPERORU_INSTALLED_DOCS "\n" _docs)
file(CONFIGURE OUTPUT "${PROJECT_BINARY_DIR}/hyperoru-installed-docs.txt" CONTENT "${_docs}\n" @ONLY)

# --- Debian package: cpack -G DEB (from the build directory) --------------------------------------
# One package with the client, the sandbox and the library's development files. Its library
# dependencies are computed by dpkg-shlibdeps (package dpkg-dev) from the installed binary.
set(HYPERORU_PACKAGE_MAINTAINER "The hyperoru authors" CACHE STRING "Maintainer field of the .deb")
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME hyperoru)
set(CPACK_PACKAGE_VENDOR "The hyperoru authors")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
# The extended description, one line per line of the control file.
string(JOIN "\n" CPACK_PACKAGE_DESCRIPTION
  "hyperoru drives the Hyperoru AI crypto-trading API from terminals, shell"
  "scripts and cron jobs. The package also holds hyperoru-sandbox, an offline"
  "stand-in of the API with demo data, and the C++20 library: headers, static"
  "library, CMake package (find_package(hyperoru)) and pkg-config file.")
set(CPACK_RESOURCE_FILE_LICENSE "${PROJECT_SOURCE_DIR}/LICENSE")
set(CPACK_PACKAGE_CONTACT "${HYPERORU_PACKAGE_MAINTAINER}")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${HYPERORU_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# python3: hyperoru-sandbox. The simdjson library is opened at run time (dlopen), so shlibdeps
# cannot see it: its package is named from its soname (libsimdjson.so.14: libsimdjson14).
get_target_property(_simdjson_soname simdjson::simdjson IMPORTED_SONAME_RELWITHDEBINFO)
if(NOT _simdjson_soname)
  get_target_property(_simdjson_soname simdjson::simdjson IMPORTED_SONAME)
endif()
string(REGEX REPLACE "^lib(.*)\\.so\\.([0-9]+)$" "lib\\1\\2" _simdjson_package "${_simdjson_soname}")
set(CPACK_DEBIAN_PACKAGE_DEPENDS "python3, ${_simdjson_package}")  # the rest comes from shlibdeps
# What building against the library needs besides this package.
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "libcurl4-openssl-dev, libssl-dev, nlohmann-json3-dev, pkg-config")
# `cpack --config CPackSourceConfig.cmake` (the package_source target): the sources only.
set(CPACK_SOURCE_IGNORE_FILES "/\\.git/" "/build/" "__pycache__")
include(CPack)
