# SPDX-License-Identifier: BSD-2-Clause
# The timekeep tool end to end (tests/cli/cli_test.py): every command's
# exit status; every --json output validated against the schema in
# docs/cli-json.md; text within 80 columns (COLUMNS=80) for bench, info,
# check and every --help; live progress under a pseudo-terminal (script
# -qc) and none in a pipe; the CSV and Markdown exports parsed; the SVG
# parsed as XML and rendered to PNG with rsvg-convert (Debian
# librsvg2-bin; cli_plot SKIPs without it); bad input rejected with status
# 2 and the valid names; and `timekeep check` passing on the machine that
# runs the tests.  Plus a short run of bench/bench_clocks.  Each test has
# a TIMEOUT; runs are kept short (bench --rounds 3, check --seconds 1).
# Under a cross-compiling emulator (qemu-user) the tool runs through it and
# the check verdict is reported, not required.
if(NOT TARGET timekeep_tool)
	return()
endif()
find_program(TK_PYTHON3 python3)
if(NOT TK_PYTHON3)
	message(WARNING
		"python3 not found: the timekeep tool tests are not registered")
	return()
endif()

set(_tk_cli ${CMAKE_CURRENT_SOURCE_DIR}/cli/cli_test.py)
set(_tk_cli_emu "")
set(_tk_cli_env "")
if(CMAKE_CROSSCOMPILING AND CMAKE_CROSSCOMPILING_EMULATOR)
	string(REPLACE ";" "\\;" _tk_emu "${CMAKE_CROSSCOMPILING_EMULATOR}")
	set(_tk_cli_emu --emulator "${_tk_emu}")
	if(CMAKE_FIND_ROOT_PATH)
		list(GET CMAKE_FIND_ROOT_PATH 0 _tk_root)
		set(_tk_cli_env "QEMU_LD_PREFIX=${_tk_root}")
	endif()
endif()

# name, group, timeout (s)
set(_tk_cli_tests
	cli_usage usage 60
	cli_now now 60
	cli_info info 60
	cli_bench bench 120
	cli_check check 120
	cli_width width 120
	cli_progress progress 120
	cli_export export 120
	cli_plot plot 120)
while(_tk_cli_tests)
	list(POP_FRONT _tk_cli_tests _n _g _t)
	add_test(NAME ${_n} COMMAND ${TK_PYTHON3} ${_tk_cli} ${_tk_cli_emu}
		$<TARGET_FILE:timekeep_tool> ${_g})
	set_tests_properties(${_n} PROPERTIES TIMEOUT ${_t}
		SKIP_RETURN_CODE 77 LABELS cli)
	if(_tk_cli_env)
		set_tests_properties(${_n} PROPERTIES
			ENVIRONMENT "${_tk_cli_env}")
	endif()
endwhile()

if(TARGET bench_clocks)
	add_test(NAME cli_bench_clocks COMMAND ${TK_PYTHON3} ${_tk_cli}
		${_tk_cli_emu} $<TARGET_FILE:bench_clocks> bench_clocks)
	set_tests_properties(cli_bench_clocks PROPERTIES TIMEOUT 120
		SKIP_RETURN_CODE 77 LABELS "cli;bench")
	if(_tk_cli_env)
		set_tests_properties(cli_bench_clocks PROPERTIES
			ENVIRONMENT "${_tk_cli_env}")
	endif()
endif()
