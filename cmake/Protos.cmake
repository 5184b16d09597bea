# Generates C++ from every .proto into two static libraries, compiled once:
#   creditbank_proto        messages only (used by storage and the domain);
#   creditbank_grpc_stubs   gRPC service stubs (used by services and clients).
#
# google/rpc/status.proto and error_details.proto are not shipped by the C++
# packages; Debian's libgoogle-common-protos-java carries them inside a jar,
# which we unpack at configure time (no network involved).
#
# We call protoc directly rather than protobuf_generate(): CMake 3.25's
# helper names outputs relative to the calling directory, which breaks for
# protos that live in two roots (proto/ and the unpacked googleapis).
set(GOOGLEAPIS_JAR /usr/share/java/proto-google-common-protos.jar)
set(GOOGLEAPIS_DIR ${CMAKE_BINARY_DIR}/googleapis)
if(NOT EXISTS ${GOOGLEAPIS_JAR})
  message(FATAL_ERROR "${GOOGLEAPIS_JAR} is missing: apt-get install libgoogle-common-protos-java")
endif()
file(ARCHIVE_EXTRACT INPUT ${GOOGLEAPIS_JAR} DESTINATION ${GOOGLEAPIS_DIR}
  PATTERNS google/rpc/status.proto google/rpc/error_details.proto)

set(CREDITBANK_PROTO_DIR ${CMAKE_SOURCE_DIR}/proto)
set(PROTO_OUT ${CMAKE_BINARY_DIR}/generated)
file(MAKE_DIRECTORY ${PROTO_OUT})
get_target_property(GRPC_CPP_PLUGIN gRPC::grpc_cpp_plugin LOCATION)

# creditbank_protoc(<root> <relative proto path> <with_grpc> <out sources var>)
function(creditbank_protoc root relative with_grpc sources_var)
  string(REGEX REPLACE "\\.proto$" "" stem ${relative})
  set(outputs ${PROTO_OUT}/${stem}.pb.cc ${PROTO_OUT}/${stem}.pb.h)
  set(arguments --cpp_out=${PROTO_OUT})
  if(with_grpc)
    list(APPEND outputs ${PROTO_OUT}/${stem}.grpc.pb.cc ${PROTO_OUT}/${stem}.grpc.pb.h)
    list(APPEND arguments --grpc_out=${PROTO_OUT} --plugin=protoc-gen-grpc=${GRPC_CPP_PLUGIN})
  endif()
  add_custom_command(
    OUTPUT ${outputs}
    COMMAND protobuf::protoc ${arguments}
      -I ${CREDITBANK_PROTO_DIR} -I ${GOOGLEAPIS_DIR} ${root}/${relative}
    DEPENDS ${root}/${relative} protobuf::protoc
    COMMENT "protoc ${relative}"
    VERBATIM)
  set(${sources_var} ${outputs} PARENT_SCOPE)
endfunction()

file(GLOB_RECURSE CREDITBANK_PROTOS RELATIVE ${CREDITBANK_PROTO_DIR} CONFIGURE_DEPENDS
  ${CREDITBANK_PROTO_DIR}/creditbank/*.proto)
# Protos that define services, and so get gRPC stubs too.
set(CREDITBANK_SERVICE_PROTOS
  creditbank/accounts/v1/accounts.proto
  creditbank/admin/v1/admin.proto
  creditbank/institutions/v1/institutions.proto
  creditbank/ledger/v1/ledger.proto
  creditbank/log/v1/log.proto
  creditbank/rules/v1/rules.proto
  creditbank/transcripts/v1/transcripts.proto
  creditbank/verification/v1/verification.proto)

set(message_sources)
set(stub_sources)
foreach(relative google/rpc/status.proto google/rpc/error_details.proto)
  creditbank_protoc(${GOOGLEAPIS_DIR} ${relative} OFF generated)
  list(APPEND message_sources ${generated})
endforeach()
foreach(relative ${CREDITBANK_PROTOS})
  if(relative IN_LIST CREDITBANK_SERVICE_PROTOS)
    creditbank_protoc(${CREDITBANK_PROTO_DIR} ${relative} ON generated)
    list(FILTER generated INCLUDE REGEX "\\.grpc\\.pb\\.")
    list(APPEND stub_sources ${generated})
    string(REGEX REPLACE "\\.proto$" "" stem ${relative})
    list(APPEND message_sources ${PROTO_OUT}/${stem}.pb.cc ${PROTO_OUT}/${stem}.pb.h)
  else()
    creditbank_protoc(${CREDITBANK_PROTO_DIR} ${relative} OFF generated)
    list(APPEND message_sources ${generated})
  endif()
endforeach()

add_library(creditbank_proto STATIC ${message_sources})
target_include_directories(creditbank_proto SYSTEM PUBLIC ${PROTO_OUT})
target_link_libraries(creditbank_proto PUBLIC protobuf::libprotobuf)

add_library(creditbank_grpc_stubs STATIC ${stub_sources})
target_link_libraries(creditbank_grpc_stubs PUBLIC creditbank_proto gRPC::grpc++)
