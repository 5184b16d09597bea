# creditbank_warnings(<target>): strict warnings on our own code only; the
# generated protobuf/gRPC sources are compiled without them.
function(creditbank_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror
    -Wno-unused-parameter)
endfunction()

# Sanitizer builds (make test-sanitize) set CREDITBANK_SANITIZE=address,undefined.
set(CREDITBANK_SANITIZE "" CACHE STRING "Sanitizers to build with, e.g. address,undefined")
if(CREDITBANK_SANITIZE)
  add_compile_options(-fsanitize=${CREDITBANK_SANITIZE} -fno-omit-frame-pointer
    -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${CREDITBANK_SANITIZE})
  # Line tables are all a sanitizer report needs (file:line of every frame);
  # full -g made the sanitizer and fuzz builds about a third slower to
  # compile (45 s against 34 s for transcripts_engine.cc under ASan) and
  # their objects twice as large, and CI has 90 minutes on 2 cores. Given
  # after the build type's -g, so it wins.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    add_compile_options(-gline-tables-only)
  else()
    add_compile_options(-g1)
  endif()
endif()
