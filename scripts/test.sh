#!/bin/sh
# Sets up like setup.sh, then runs the whole test suite (unit tests and
# integration tests against a real knotd). Ends with "N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

"$top/scripts/setup.sh" || { echo "0 passed, 1 failed"; exit 1; }
make -s -j"$(nproc)" check >make-check.out 2>&1
status=$?
grep -E '^(PASS|FAIL|XPASS|ERROR):' make-check.out | sed 's/^/  /'
if [ "$status" -ne 0 ]; then
	echo "--- failures (make check exited with $status) ---"
	for log in $(grep -l -E '^(not ok|ERROR)' $(find tests -name '*.log') 2>/dev/null); do
		echo "=== $log"
		cat "$log"
	done
	tail -n 30 make-check.out
fi

# Every TAP test point counts; a test program that dies is one more failure.
passed=$(grep -c -E '^PASS:' make-check.out)
failed=$(grep -c -E '^(FAIL|XPASS|ERROR):' make-check.out)
[ "$status" -eq 0 ] || [ "$failed" -gt 0 ] || failed=1
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
