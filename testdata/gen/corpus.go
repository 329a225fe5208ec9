package main

// The benchmark corpus (-corpus N): many activities of the demo runner for
// timing `gaitkeeper ingest` (scripts/bench-ingest.sh). It never touches
// the demo files: those come from generate alone.

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"
)

// corpusSeed keeps the corpus runs apart from the demo's random streams.
const corpusSeed = seed + 1

// blockDays is how far each repeat of the twelve-week block is moved: the
// next twelve weeks, so start times (and so activity ids) never repeat
// and every run keeps its weekday.
const blockDays = 12 * 7

// corpusPlans returns n runs: the demo schedule repeated block after
// block, each run simulated from its own random stream, so no two files
// are alike and no two activities share a start time.
func corpusPlans(n int, loc *time.Location) ([]runPlan, error) {
	block, err := schedule(loc, rand.New(rand.NewPCG(seed, 0)))
	if err != nil {
		return nil, err
	}
	plans := make([]runPlan, n)
	for i := range plans {
		p := block[i%len(block)]
		p.Index = i
		p.Start = p.Start.AddDate(0, 0, blockDays*(i/len(block)))
		plans[i] = p
	}
	return plans, nil
}

// writeCorpus writes n FIT files into dir/<year>/, in parallel, and
// returns the bytes written. Each file is as the demo's: about 100 KB
// per hour of running at 1 Hz.
func writeCorpus(n int, dir string) (int64, error) {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		return 0, err
	}
	plans, err := corpusPlans(n, loc)
	if err != nil {
		return 0, err
	}
	next := make(chan runPlan)
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		total int64
		first error
	)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			var buf bytes.Buffer
			for p := range next {
				a := simulate(p, rand.New(rand.NewPCG(corpusSeed, uint64(p.Index))))
				buf.Reset()
				err := writeFIT(&buf, a, loc)
				year := filepath.Join(dir, p.Start.Format("2006"))
				if err == nil {
					err = os.MkdirAll(year, 0o755)
				}
				if err == nil {
					err = os.WriteFile(filepath.Join(year, p.Name()), buf.Bytes(), 0o644)
				}
				mu.Lock()
				if err != nil && first == nil {
					first = fmt.Errorf("%s: %w", p.Name(), err)
				}
				total += int64(buf.Len())
				mu.Unlock()
			}
		})
	}
	for _, p := range plans {
		next <- p
	}
	close(next)
	wg.Wait()
	return total, first
}

// runCorpus is run for -corpus N. -out must be given: its default is
// the demo folder, which the corpus must never be written into.
func runCorpus(fs *flag.FlagSet, n int, dir string, stdout, stderr io.Writer) int {
	if n < 1 {
		fmt.Fprintf(stderr, "gen: -corpus %d: want at least 1\n", n)
		return 2
	}
	outGiven := false
	fs.Visit(func(f *flag.Flag) { outGiven = outGiven || f.Name == "out" })
	if !outGiven {
		fmt.Fprintln(stderr, "gen: -corpus needs -out DIR (not the demo folder)")
		return 2
	}
	total, err := writeCorpus(n, dir)
	if err != nil {
		fmt.Fprintf(stderr, "gen: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "%d files, %d bytes in %s\n", n, total, dir)
	return 0
}
