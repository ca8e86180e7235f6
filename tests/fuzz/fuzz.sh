#!/bin/sh
# Runs each fuzz target for a bounded number of inputs from its seed corpus
# (tests/fuzz/corpus/TARGET) and prints TAP, one test point per target.
#
#   FUZZ_RUNS=N      inputs per target (default 20000: the smoke run of
#                    'make check'; 'make fuzz' passes 1000000)
#   FUZZ_TARGETS     targets to run (default: fuzz_list fuzz_answer)
#   FUZZ_DIR         where the target programs are (default tests/fuzz)
#
# New inputs go to a temporary directory that is removed; an input that
# fails is kept as tests/fuzz/findings/TARGET-crash-... and named in the
# output (reproduce with: tests/fuzz/TARGET FILE).
set -u
srcdir=${srcdir:-.}
runs=${FUZZ_RUNS:-20000}
targets=${FUZZ_TARGETS:-fuzz_list fuzz_answer}
bin=${FUZZ_DIR:-tests/fuzz}
findings=$bin/findings
mkdir -p "$findings"
# Leaks are findings too, even where the test suite's environment turns
# LeakSanitizer off for knotd.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=1"

set -- $targets
echo "1..$#"
n=0
failed=0
for target in $targets; do
	n=$((n + 1))
	case $target in
	fuzz_list) opts="-max_len=4096" ;;    # whole files, lines 16 times a name
	*) opts="-max_len=300" ;;             # four bytes of settings and a name
	esac
	work=$(mktemp -d "${TMPDIR:-/tmp}/mailsrv-$target.XXXXXX")
	log=$work/log
	start=$(date +%s)
	# Bounded by the number of runs; -timeout stops one input that hangs.
	"$bin/$target" -runs="$runs" $opts -timeout=30 -print_final_stats=1 \
		-dict="$srcdir/tests/fuzz/$target.dict" \
		-artifact_prefix="$findings/$target-" \
		"$work" "$srcdir/tests/fuzz/corpus/$target" >"$log" 2>&1
	status=$?
	done=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	secs=$(($(date +%s) - start))
	if [ "$status" -eq 0 ] && [ -n "$done" ] && [ "$done" -ge "$runs" ]; then
		echo "ok $n - $target: $done inputs in $secs s, no finding"
	else
		failed=1
		echo "not ok $n - $target: exit status $status after ${done:-?} of $runs inputs"
		sed 's/^/# /' "$log" | tail -n 60
	fi
	rm -rf "$work"
done
exit $failed
