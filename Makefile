# SPDX-License-Identifier: BSD-2-Clause
# A thin wrapper around CMake for the two quick-start commands:
#   make run    build, then show this machine's clocks and a benchmark table
#   make test   build and pass every test (scripts/test-all.sh)
# and make install PREFIX=... DESTDIR=...
BUILD ?= build
PREFIX ?= /usr/local
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all build run test install uninstall clean format

all: build

build:
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	    -DTK_BUILD_TESTS=OFF -DCMAKE_INSTALL_PREFIX=$(PREFIX) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

run: build
	./$(BUILD)/timekeep info
	./$(BUILD)/timekeep bench --rounds 5

test:
	bash scripts/test-all.sh

install: build
	DESTDIR=$(DESTDIR) cmake --install $(BUILD)

uninstall:
	bash scripts/uninstall.sh $(BUILD) $(DESTDIR)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) build-*
