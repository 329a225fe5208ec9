#!/usr/bin/env bash
# Times `gaitkeeper ingest` on generated corpora, the way a coach runs it:
# the real binary under /usr/bin/time -v, a new store per run.
#
#   scripts/bench-ingest.sh            # 1,000 and 3,000 activities
#   scripts/bench-ingest.sh 200 1000   # other sizes
#
# For each size N it writes N demo-runner activities with
# `go run ./testdata/gen -corpus N` into a temporary folder (removed at
# the end), then ingests them with --workers 1 and --workers 2, and runs
# ingest again over the unchanged folder. It prints MB/s (FIT bytes over
# wall time), the 2-worker speed-up, the re-run time and the peak RSS, and
# checks the targets of issue 4 item 6:
#   (a) 2 workers >= 40 MB/s, and >= 1.7x 1 worker
#   (b) re-run over the unchanged folder <= 1 s
#   (c) peak RSS <= 200 MB, and about the same at every size (within 20%)
# It exits 1 when a target is missed. The corpus was just written, so it
# is read from the page cache: this times gaitkeeper, not the disk. It is
# synced first, so that its write-back does not land in the first timing,
# and the two worker counts take turns, REPS times (default 3), each into
# a new store. MB/s is the fastest run's. The speed-up is the median of
# the REPS pairs' ratios (a 1-worker run and the 2-worker run right after
# it see the same machine, whose speed drifts by +-10% here); the ratio
# of the fastest runs is printed too, but a lucky run can inflate it.
#
# Each round also runs two separate 1-worker ingests at once, each over
# half the corpus into a store of its own: shared-nothing parallelism,
# what this machine gives two copies of the whole job. Their speed-up
# over the 1-worker run is printed as the machine's ceiling for the
# 2-worker speed-up.
# Needs GNU time (Debian: apt-get install time).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/time ]; then
	echo "bench-ingest: /usr/bin/time (GNU time) is missing; apt-get install time" >&2
	exit 2
fi
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 3000)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/gaitkeeper" ./cmd/gaitkeeper
go build -o "$tmp/gen" ./testdata/gen
export XDG_CONFIG_HOME="$tmp/config" # no user config

# timed LOG CMD...: runs CMD under GNU time; LOG gets its report.
timed() {
	local log=$1
	shift
	/usr/bin/time -v -o "$log" "$@" >"$log.out"
}
# field LOG NAME: one value from a GNU time report.
field() {
	awk -F': ' -v k="$2" 'index($0, k) { print $NF }' "$1"
}
# seconds LOG: wall time in seconds ("h:mm:ss" or "m:ss.ss").
seconds() {
	field "$1" "Elapsed (wall clock)" | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }'
}

missed=0
check() { # check OK MESSAGE
	if [ "$1" = 1 ]; then echo "  ok    $2"; else echo "  MISS  $2"; missed=1; fi
}

printf "cores: %s (GOMAXPROCS default), %s\n" "$(nproc)" "$(go version | cut -d' ' -f3-)"
declare -A rss
for n in "${sizes[@]}"; do
	corpus="$tmp/corpus-$n"
	"$tmp/gen" -corpus "$n" -out "$corpus" >/dev/null
	bytes=$(find "$corpus" -name '*.fit' -printf '%s\n' | awk '{ s += $1 } END { print s }')
	echo
	echo "== $n activities, $(awk -v b="$bytes" 'BEGIN { printf "%.1f MB", b / 1e6 }') of FIT"
	# The halves: every other file, hard links in a folder tree of their own.
	i=0
	while IFS= read -r f; do
		h="$tmp/half-$n-$((i % 2))/$(basename "$(dirname "$f")")"
		mkdir -p "$h"
		ln "$f" "$h/"
		i=$((i + 1))
	done < <(find "$corpus" -name '*.fit' | sort)
	sync
	declare -A mbs=() best=()
	pairs=() ceil=()
	for r in $(seq "${REPS:-3}"); do
		for w in 1 2; do
			log="$tmp/ingest-$n-$w-$r"
			rm -rf "$tmp/store-$n-$w"
			timed "$log" "$tmp/gaitkeeper" ingest --athlete bench --store "$tmp/store-$n-$w" --workers "$w" --quiet --format json "$corpus"
			s=$(seconds "$log")
			printf "  workers=%d  %6.2f s  %6s MB/s  user %s s  sys %s s  peak RSS %d MB  %s\n" "$w" "$s" \
				"$(awk -v b="$bytes" -v s="$s" 'BEGIN { printf "%.1f", b / 1e6 / s }')" \
				"$(field "$log" "User time")" "$(field "$log" "System time")" "$(($(field "$log" "Maximum resident set size") / 1024))" \
				"$(cat "$log.out")"
			m=$(($(field "$log" "Maximum resident set size") / 1024))
			if [ "$w" = 2 ] && [ "$m" -gt "${rss[$n]:-0}" ]; then
				rss[$n]=$m # the highest peak of the 2-worker runs
			fi
			if [ "$w" = 1 ]; then
				t1=$s
				rm -rf "$tmp/store-$n-h0" "$tmp/store-$n-h1"
				h0=$(date +%s.%N)
				"$tmp/gaitkeeper" ingest --athlete bench --store "$tmp/store-$n-h0" --workers 1 --quiet --format json "$tmp/half-$n-0" >/dev/null &
				"$tmp/gaitkeeper" ingest --athlete bench --store "$tmp/store-$n-h1" --workers 1 --quiet --format json "$tmp/half-$n-1" >/dev/null
				wait $!
				h1=$(date +%s.%N)
				ceil+=("$(awk -v a="$t1" -v b="$h0" -v c="$h1" 'BEGIN { printf "%.2f", a / (c - b) }')")
			else pairs+=("$(awk -v a="$t1" -v b="$s" 'BEGIN { printf "%.2f", a / b }')"); fi
			if [ -z "${best[$w]:-}" ] || awk -v s="$s" -v b="${best[$w]}" 'BEGIN { exit !(s < b) }'; then
				best[$w]=$s
				cp "$log" "$tmp/ingest-$n-$w"
			fi
		done
	done
	for w in 1 2; do
		mbs[$w]=$(awk -v b="$bytes" -v s="${best[$w]}" 'BEGIN { printf "%.1f", b / 1e6 / s }')
		printf "  fastest of %d, workers=%d: %6.2f s  %6s MB/s\n" "${REPS:-3}" "$w" "${best[$w]}" "${mbs[$w]}"
	done
	log="$tmp/rerun-$n"
	timed "$log" "$tmp/gaitkeeper" ingest --athlete bench --store "$tmp/store-$n-2" --quiet --format json "$corpus"
	rerun=$(seconds "$log")
	printf "  re-run     %6.2f s  peak RSS %d MB  %s\n" "$rerun" "$(($(field "$log" "Maximum resident set size") / 1024))" "$(cat "$log.out")"
	fastest=$(awk -v a="${mbs[1]}" -v b="${mbs[2]}" 'BEGIN { printf "%.2f", b / a }')
	speedup=$(printf "%s\n" "${pairs[@]}" | sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
	echo "  speed-up of each pair: ${pairs[*]}; of the fastest runs: ${fastest}x"
	echo "  ceiling, two 1-worker processes on halves at once: ${ceil[*]} (median $(printf "%s\n" "${ceil[@]}" | sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }')x)"
	check "$(awk -v m="${mbs[2]}" 'BEGIN { print (m >= 40) }')" "(a) ${mbs[2]} MB/s with 2 workers (target >= 40)"
	check "$(awk -v x="$speedup" 'BEGIN { print (x >= 1.7) }')" "(a) 2 workers ${speedup}x 1 worker, median of ${#pairs[@]} pairs (target >= 1.7)"
	check "$(awk -v s="$rerun" 'BEGIN { print (s <= 1) }')" "(b) re-run ${rerun} s (target <= 1)"
	check "$([ "${rss[$n]}" -le 200 ] && echo 1 || echo 0)" "(c) peak RSS ${rss[$n]} MB with 2 workers, the highest of ${REPS:-3} runs (target <= 200)"
	rm -rf "$corpus" "$tmp"/store-"$n"-* "$tmp"/half-"$n"-*
done

if [ ${#sizes[@]} -gt 1 ]; then
	lo=$(printf "%s\n" "${rss[@]}" | sort -n | head -1)
	hi=$(printf "%s\n" "${rss[@]}" | sort -n | tail -1)
	echo
	check "$(awk -v l="$lo" -v h="$hi" 'BEGIN { print (h <= 1.2 * l) }')" "(c) peak RSS ${lo}-${hi} MB across sizes ${sizes[*]} (target: the same within 20%)"
fi
exit $missed
