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
endif()
