# SPDX-License-Identifier: BSD-2-Clause
# A thin wrapper around CMake for the two quick-start commands:
#   make run    build, then show this machine's clocks and a benchmark table
#   make test   build and pass every test (scripts/test-all.sh; TK_STEPS="1 5"
#               runs only those steps)
# and make install PREFIX=... DESTDIR=..., make uninstall.
#
# The build's own output goes to $(BUILD)/make-build.log and is shown only
# when the build fails, so `make run` shows the result and nothing else.
BUILD ?= build
PREFIX ?= /usr/local
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
LOG = $(BUILD)/make-build.log

.PHONY: all build run test install uninstall clean format

all: build

build:
	@mkdir -p $(BUILD)
	@if { cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	    -DTK_BUILD_TESTS=OFF -DCMAKE_INSTALL_PREFIX=$(PREFIX) && \
	    MAKEFLAGS=--no-print-directory cmake --build $(BUILD) -j $(JOBS); \
	    } >$(LOG) 2>&1; then \
		echo "built $(BUILD)/ (log: $(LOG))"; \
	else \
		tail -n 40 $(LOG); \
		echo "build failed: the whole log is $(LOG)"; \
		exit 1; \
	fi

run: build
	@./$(BUILD)/timekeep info
	@echo
	@./$(BUILD)/timekeep bench --rounds 5

test:
	@bash scripts/test-all.sh

install: build
	DESTDIR=$(DESTDIR) cmake --install $(BUILD)

uninstall:
	bash scripts/uninstall.sh $(BUILD) $(DESTDIR)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) build-*
