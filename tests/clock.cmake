# The public entry points against the kernel, for every clock id and source.
tk_test(test_clock SOURCES test_clock.c TIMEOUT 120)
