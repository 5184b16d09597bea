# The README's two commands:
#   make run    install missing Debian packages, build, start the all-in-one
#               server on ./data (plaintext on 127.0.0.1:50051, development)
#   make test   the same set-up, then every test through ctest
# Also: make build (binaries in build/bin/), make bench, make clean.

BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
DATA_DIR ?= ./data
KEY_FILE ?= ./creditbank.keys
LISTEN ?= 127.0.0.1:50051
JOBS ?= $(shell nproc)
# Sanitizer settings for test-sanitize: stop at the first report.
ASAN_OPTIONS ?= halt_on_error=1:abort_on_error=1:detect_leaks=1:detect_stack_use_after_return=1
UBSAN_OPTIONS ?= halt_on_error=1:print_stacktrace=1
LSAN_OPTIONS ?= suppressions=$(CURDIR)/tests/sanitizers/lsan.supp:print_suppressions=0

# Every build and test dependency; all from Debian 12's archive.
DEB_PACKAGES := cmake ninja-build g++ make pkg-config \
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler \
  librocksdb-dev libssl-dev libabsl-dev libgtest-dev libgmock-dev libbenchmark-dev \
  libcli11-dev nlohmann-json3-dev libspdlog-dev libgoogle-common-protos-java \
  rocksdb-tools openssl python3 python3-jwt python3-cryptography clang-14 libclang-rt-14-dev

.PHONY: deps configure build build-all run test test-sanitize fuzz-smoke bench clean

deps:
	@scripts/install-deps.sh $(DEB_PACKAGES)

configure: deps
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) >/dev/null

build: configure
	cmake --build $(BUILD_DIR) --parallel $(JOBS) --target creditbankd cbctl cbbench

build-all: configure
	cmake --build $(BUILD_DIR) --parallel $(JOBS)

run: build
	$(BUILD_DIR)/bin/creditbankd --listen=$(LISTEN) --data_dir=$(DATA_DIR) --key_file=$(KEY_FILE)

test: build-all
	cd $(BUILD_DIR) && ctest --output-on-failure --parallel $(JOBS) --timeout 900

# The whole suite again with AddressSanitizer + UndefinedBehaviorSanitizer;
# any report fails it.
SANITIZE_DIR ?= build-sanitize
test-sanitize: deps
	@cmake -S . -B $(SANITIZE_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCREDITBANK_SANITIZE=address,undefined >/dev/null
	cmake --build $(SANITIZE_DIR) --parallel $(JOBS)
	cd $(SANITIZE_DIR) && ASAN_OPTIONS=$(ASAN_OPTIONS) UBSAN_OPTIONS=$(UBSAN_OPTIONS) \
	  LSAN_OPTIONS=$(LSAN_OPTIONS) ctest --output-on-failure --parallel $(JOBS) --timeout 1800

# Every libFuzzer target for a bounded time each (clang-14 build in build-fuzz).
fuzz-smoke: deps
	scripts/fuzz.sh smoke

bench: build
	scripts/bench.sh

clean:
	rm -rf $(BUILD_DIR)
