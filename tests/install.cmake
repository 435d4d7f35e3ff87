# Install and package tests (cmake/Install.cmake): `cmake --install` into a prefix under the build
# tree, then the example program (examples/) built against that prefix twice, as a CMake project
# (find_package) and with pkg-config, and run against the installed hyperoru-sandbox; the
# installed sandbox's demo mode with the installed binary; and the .deb from cpack, unpacked and
# run. They use what the build produced, so run them after a full build. Included from
# tests/CMakeLists.txt.
find_program(HYPERORU_BASH bash REQUIRED)
set(HYPERORU_INSTALL_WORK "${CMAKE_CURRENT_BINARY_DIR}/install-test")
set(HYPERORU_INSTALL_PREFIX "${HYPERORU_INSTALL_WORK}/prefix")

add_test(NAME "install: cmake --install puts the binary, sandbox, headers, library and packages in place"
         COMMAND "${HYPERORU_BASH}" "${CMAKE_CURRENT_LIST_DIR}/install/prefix.sh"
                 "${CMAKE_COMMAND}" "${PROJECT_BINARY_DIR}" "${HYPERORU_INSTALL_PREFIX}"
                 "${PROJECT_VERSION}" "${PROJECT_SOURCE_DIR}")
set_tests_properties("install: cmake --install puts the binary, sandbox, headers, library and packages in place"
  PROPERTIES FIXTURES_SETUP hyperoru_install_prefix RESOURCE_LOCK hyperoru_install TIMEOUT 120)

foreach(mode IN ITEMS cmake pkg-config)
  if(mode STREQUAL "cmake")
    set(name "install: examples/ builds with find_package(hyperoru) and runs against the sandbox")
  else()
    set(name "install: examples/main.cpp builds with pkg-config --static hyperoru and runs against the sandbox")
  endif()
  add_test(NAME "${name}"
           COMMAND "${HYPERORU_BASH}" "${CMAKE_CURRENT_LIST_DIR}/install/consumer.sh" "${mode}"
                   "${HYPERORU_INSTALL_PREFIX}" "${HYPERORU_INSTALL_WORK}/consumer-${mode}"
                   "${PROJECT_SOURCE_DIR}/examples" "${CMAKE_COMMAND}" "${CMAKE_MAKE_PROGRAM}"
                   "${CMAKE_CXX_COMPILER}")
  set_tests_properties("${name}" PROPERTIES FIXTURES_REQUIRED hyperoru_install_prefix TIMEOUT 300)
endforeach()

set(name "install: the installed hyperoru-sandbox runs in demo mode: demo orders, the market, a push within 15 s")
add_test(NAME "${name}"
         COMMAND "${HYPERORU_BASH}" "${CMAKE_CURRENT_LIST_DIR}/install/sandbox.sh"
                 "${HYPERORU_INSTALL_PREFIX}" "${HYPERORU_INSTALL_WORK}/sandbox")
set_tests_properties("${name}" PROPERTIES FIXTURES_REQUIRED hyperoru_install_prefix TIMEOUT 120)

add_test(NAME "install: cpack -G DEB makes a package with its dependencies that runs unpacked"
         COMMAND "${HYPERORU_BASH}" "${CMAKE_CURRENT_LIST_DIR}/install/deb.sh"
                 "${CMAKE_CPACK_COMMAND}" "${PROJECT_BINARY_DIR}" "${HYPERORU_INSTALL_WORK}/deb"
                 "${PROJECT_VERSION}")
set_tests_properties("install: cpack -G DEB makes a package with its dependencies that runs unpacked"
  PROPERTIES RESOURCE_LOCK hyperoru_install TIMEOUT 300)
