#!/usr/bin/env bash
# The sources are formatted with the repository's .clang-format.
set -u
cd "$(dirname "$0")/.." || exit 1
command -v clang-format >/dev/null || { echo "clang-format not installed: skipped"; exit 0; }
files=$(git ls-files 'src/*.c' 'src/*.h' 'tests/*.c' 2>/dev/null)
[ -n "$files" ] || { echo "not a git checkout: skipped"; exit 0; }
# shellcheck disable=SC2086
if ! clang-format --dry-run -Werror $files; then
	echo "run: clang-format -i \$(git ls-files 'src/*.c' 'src/*.h' 'tests/*.c')"
	exit 1
fi
echo "format: all files formatted"
