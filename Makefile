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

# Every build and test dependency; all from Debian 12's archive.
DEB_PACKAGES := cmake ninja-build g++ make pkg-config \
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler \
  librocksdb-dev libssl-dev libabsl-dev libgtest-dev libgmock-dev libbenchmark-dev \
  libcli11-dev nlohmann-json3-dev libspdlog-dev libgoogle-common-protos-java \
  rocksdb-tools openssl python3

.PHONY: deps configure build build-all run test bench clean

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

bench: build
	scripts/bench.sh

clean:
	rm -rf $(BUILD_DIR)
