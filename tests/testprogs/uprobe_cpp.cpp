// SPDX-License-Identifier: GPL-2.0
/* A C++ function with a mangled name, for uprobe:BIN:cpp:NAME. */
namespace sonde_cpp {
__attribute__((noinline)) int twice(int x)
{
	return 2 * x;
}
} // namespace sonde_cpp

extern "C" int sonde_cpp_call(int x)
{
	return sonde_cpp::twice(x);
}
