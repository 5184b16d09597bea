# creditbank_unit_tests(<binary> <libraries...>): one test binary from every
# *_test.cc under the calling directory (unit tests sit beside the code),
# registered with ctest test by test.
include(GoogleTest)

function(creditbank_unit_tests name)
  if(NOT CREDITBANK_BUILD_TESTS)
    return()
  endif()
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*_test.cc)
  if(NOT sources)
    return()
  endif()
  add_executable(${name} ${sources})
  target_link_libraries(${name} PRIVATE ${ARGN} creditbank_test_support GTest::gmock_main)
  creditbank_warnings(${name})
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 120
    PROPERTIES TIMEOUT 600 ENVIRONMENT "CREDITBANK_BIN_DIR=${CMAKE_BINARY_DIR}/bin")
endfunction()
