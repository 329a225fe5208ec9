package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/gaitkeeper/gaitkeeper/gait"
	"github.com/gaitkeeper/gaitkeeper/ingest"
	"github.com/gaitkeeper/gaitkeeper/internal/store"
)

type ingestOptions struct {
	store   storeFlags
	format  string
	quiet   bool
	workers int
}

func (o *ingestOptions) AddFlags(f *pflag.FlagSet) {
	o.store.AddFlags(f)
	f.StringVar(&o.format, "format", "text", "summary format: text or json")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "no progress bar (it is only shown on a terminal anyway)")
	f.IntVar(&o.workers, "workers", runtime.GOMAXPROCS(0), "files decoded, analyzed and stored at once (default: the usable cores, GOMAXPROCS)")
}

func newIngestCommand(g *globalOptions) *cobra.Command {
	var opts ingestOptions
	cmd := &cobra.Command{
		Use:   "ingest PATH... --athlete NAME",
		Short: "Store workout exports (folders, .fit, .fit.gz, .zip) in the athlete's Parquet store",
		Long: `Ingest reads every FIT file under the paths given, folders recursively:
.fit, .fit.gz and .zip archives, including zips inside zips as in Garmin's
account export, and Strava's export (activities/*.fit.gz). Each new file is
decoded, its runs analyzed, and its activities stored for the athlete.

Files already in the store (same SHA-256) are not read again; the same
activity exported twice as two files (same device serial and start time)
is stored once. Activities that are not runs are stored but not analyzed.
A file that cannot be read is named with its reason and byte offset; one
that failed on an earlier run is named again, with the reason recorded
then, without being decoded again.

The summary counts files seen, files already stored, new activities,
duplicates not stored again, non-running activities (stored, not
analyzed) and failed files. --format json prints it as one object:
  {"files":N,"known":N,"new":N,"duplicates":N,"skipped":N,
   "failed":[{"file":...,"error":...,"offset":N,"earlier":false}]}

The store is --store, else the config's store.root, else
$XDG_DATA_HOME/gaitkeeper (~/.local/share/gaitkeeper). Stopping ingest at
any moment, even with kill -9, loses nothing stored; run it again to
finish.

EXIT STATUS
  0  every file was read
  1  some files could not be read (every good file is stored all the same)
  2  usage error`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runIngest(cmd.Context(), opts, *g, args, g.stdout, g.stderr)
		},
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

// ingestSummary is what an ingest did; its JSON form is the --format json
// output.
type ingestSummary struct {
	Files      int             `json:"files"`      // FIT payloads found, plus paths and archives that could not be read
	Known      int             `json:"known"`      // files already in the store (same SHA-256): not read again
	New        int             `json:"new"`        // activities stored by this run
	Duplicates int             `json:"duplicates"` // activities already stored from another file: not stored again
	Skipped    int             `json:"skipped"`    // of the new activities, those that are not runs: stored, not analyzed
	Failed     []ingestFailure `json:"failed"`
}

// ingestFailure is one file, archive or path that gave nothing.
type ingestFailure struct {
	File   string `json:"file"`
	Error  string `json:"error"`
	Offset *int64 `json:"offset,omitempty"` // byte offset of the problem in the (decompressed) FIT bytes, when known
	// Earlier: the store recorded this failure when an earlier run read
	// the same bytes; they were not decoded again.
	Earlier bool `json:"earlier"`
}

// ingestJob is one FIT payload for a worker, held (Source.Hold) until
// the worker has read it.
type ingestJob struct {
	src     ingest.Source
	release func()
}

// ingestOutcome is what became of one file.
type ingestOutcome struct {
	known   bool
	failure *ingestFailure
	// copyOf: the same bytes as a file this run has already handed to a
	// worker; name is this copy's. It fails if that file fails.
	copyOf *[32]byte
	name   string
	sha    [32]byte // of a file a worker decoded
	added  []string // ids written by this file's Put
	others []string // of added, the activities that are not runs
	dups   int
	fatal  error // the store failed: stop
}

// Garbage collection while ingesting. Storing a file allocates about
// 3 MB of short-lived buffers, most of them arrow-go's Parquet writer's
// (pprof), against a live heap of 5 to 20 MB, so at GOGC=100 the
// collector runs every few files, and each run also empties the writer's
// sync.Pool of page buffers, which are then grown again. At GOGC=800 the
// heap may grow to nine times what is live, so in practice the soft
// memory limit decides when to collect, and it keeps the peak the same
// however many files are ingested (without it, peak RSS with 2 workers
// was 119 MB at 1,000 files and 147 MB at 3,000).
//
// Measured on 1,000 generated files (scripts/bench-ingest.sh's corpus,
// Snappy), interleaved runs: GOGC=100 took 4.1-4.3 s with 1 worker and
// 2.6 s with 2. From 400 to 800, 1 worker went from 3.46 to 3.22 s (mean
// of 6) for a peak RSS of 96 MB instead of 90; 2 workers did not change
// (1.99 and 2.01 s; their limit already decided at 400), nor did their
// peak RSS (118 MB).
const (
	ingestGCPercent       = 800
	ingestMemLimitBase    = 48 << 20 // bytes
	ingestMemLimitPerWork = 24 << 20 // bytes per worker
)

// ingestGC applies the settings above, unless the user set GOGC or
// GOMEMLIMIT, and returns what restores the previous ones.
func ingestGC(workers int) (restore func()) {
	gc, limit := int(-2), int64(-1)
	if os.Getenv("GOGC") == "" {
		gc = debug.SetGCPercent(ingestGCPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		limit = debug.SetMemoryLimit(ingestMemLimitBase + int64(workers)*ingestMemLimitPerWork)
	}
	return func() {
		if gc != -2 {
			debug.SetGCPercent(gc)
		}
		if limit >= 0 {
			debug.SetMemoryLimit(limit)
		}
	}
}

// maxKeptBuffer: a worker's file buffer that grew past this (an unusually
// large file) is dropped after use rather than kept for the rest of the
// run.
const maxKeptBuffer = 16 << 20

// runIngest walks paths and hands each FIT payload to o.workers workers,
// which read it (decompressing and hashing it), skip it when the store
// already has it, and decode, analyze and store it. Each worker reads
// into a buffer of its own, so memory is bounded by the workers times the
// largest file, however large the folder.
func runIngest(ctx context.Context, o ingestOptions, g globalOptions, paths []string, stdout, stderr io.Writer) error {
	if o.format != "text" && o.format != "json" {
		return usageError{fmt.Sprintf("--format %q: want text or json", o.format)}
	}
	if o.workers < 1 {
		return usageError{fmt.Sprintf("--workers %d: want at least 1", o.workers)}
	}
	if err := o.store.requireAthlete(); err != nil {
		return err
	}
	cfg, err := g.config()
	if err != nil {
		return err
	}
	st, err := o.store.open(cfg)
	if err != nil {
		return err
	}
	p := cfg.Gait()
	athlete := o.store.athlete

	bar := newIngestProgress(ctx, stderr, o.quiet, paths)
	defer ingestGC(o.workers)()
	sum, err := ingestAll(ctx, st, athlete, paths, p, o.workers, cfg.Store.BatchActivities, bar, stderr)
	if ctx.Err() != nil {
		writeIngestText(stderr, sum)
		return fmt.Errorf("interrupted: what was stored is kept; run ingest again to finish")
	}
	if err != nil {
		return err
	}
	if o.format == "json" {
		if sum.Failed == nil {
			sum.Failed = []ingestFailure{}
		}
		enc := json.NewEncoder(stdout)
		if err := enc.Encode(sum); err != nil {
			return err
		}
	} else {
		writeIngestText(stdout, sum)
	}
	if len(sum.Failed) > 0 {
		return errSomeFailed
	}
	return nil
}

// ingestAll stores the FIT files under paths for athlete. The walk only
// finds the payloads; a pool of workers reads each one (decompressing a
// .fit.gz or zip member, and hashing it), looks it up in the manifest (a
// failure recorded there is reported again), and decodes, analyzes and
// puts the new ones. bar, when not nil, counts files. It ends by reading
// the athlete's activities once, which builds the store's row cache.
// When ctx is cancelled it returns what was done so far with ctx's error.
//
// Reading in the workers rather than in the walk keeps the walk from
// being the bottleneck: gunzipping and hashing Strava's .fit.gz files
// took the walk 0.7 ms a file against 3 ms for a worker's decoding,
// analysis and Parquet, so a walk that read every file itself would cap
// ingest at about five cores' worth.
func ingestAll(ctx context.Context, st *store.Store, athlete string, paths []string, p gait.Params, workers, batchSize int, bar *progressbar.ProgressBar, stderr io.Writer) (ingestSummary, error) {
	parent := ctx
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	// A job costs only a Source, so the walk may run well ahead.
	jobs := make(chan ingestJob, 64*workers)
	results := make(chan ingestOutcome, workers)

	// sent: the files this run has read, by SHA-256, so that the same
	// bytes found twice (a file and its copy in a zip) are looked up and
	// decoded once.
	var sentMu sync.Mutex
	sent := make(map[[32]byte]bool)
	firstSight := func(sha [32]byte) bool {
		sentMu.Lock()
		defer sentMu.Unlock()
		if sent[sha] {
			return false
		}
		sent[sha] = true
		return true
	}

	// Each worker puts its files into a batch of its own and hands it to
	// its committer every batchSize activities and when the jobs run out,
	// even after an interrupt: what was put is kept. The committer's
	// fsyncs wait on the disk while the worker goes on decoding (a commit
	// takes about 40 ms, most of it waiting). A store error ends the
	// ingest (cancel).
	var pool sync.WaitGroup
	for range workers {
		pool.Go(func() {
			// This worker's committer: one batch commits while the next
			// fills, and at the end the workers' last batches commit at
			// the same time.
			commits := make(chan *store.Batch, 1)
			committed := make(chan struct{})
			go func() {
				defer close(committed)
				for b := range commits {
					if err := b.Commit(); err != nil {
						cancel(err)
					}
				}
			}()
			var b *store.Batch
			defer func() {
				if b != nil {
					commits <- b
				}
				close(commits)
				<-committed
			}()
			buf := new(bytes.Buffer)
			var dec ingest.Decoder // its buffers serve every file of this worker
			for j := range jobs {
				if ctx.Err() != nil {
					j.release() // the walk waits for it
					continue
				}
				buf.Reset()
				sha, err := readSource(j.src, buf)
				j.release()
				var out ingestOutcome
				switch {
				case err != nil:
					out = ingestOutcome{failure: failureOf(j.src.Name, err)}
				case !firstSight(sha):
					// The same bytes again (a file and its copy inside a
					// zip): counted as known, and failed if the first
					// copy fails.
					out = ingestOutcome{known: true, copyOf: &sha, name: j.src.Name}
				default:
					rec, err := st.Lookup(athlete, sha)
					switch {
					case err != nil:
						out = ingestOutcome{fatal: err}
					case rec.Known:
						out = ingestOutcome{known: true, sha: sha}
						if rec.Failure != "" {
							out.failure = recordedFailure(j.src.Name, rec.Failure)
							out.failure.Earlier = true
						}
					case b == nil:
						if b, err = st.NewBatch(ctx, athlete); err != nil {
							out = ingestOutcome{fatal: err}
							break
						}
						fallthrough
					default:
						out = storeOne(ctx, b, &dec, athlete, j.src.Name, sha, buf.Bytes(), p)
						if out.fatal != nil || b.Activities() >= batchSize {
							// After a fatal error too: an interrupt or
							// another worker's failure leaves this batch
							// whole, and one that failed itself is undone
							// by its Commit.
							commits <- b
							b = nil
						}
					}
				}
				if buf.Cap() > maxKeptBuffer {
					buf = new(bytes.Buffer) // an unusually large file: not kept for the rest of the run
				}
				results <- out
			}
		})
	}

	var sum ingestSummary
	var fatal error
	done := make(chan struct{})
	go func() {
		defer close(done)
		seen := make(map[string]bool) // ids added by this run: two files racing on one activity count it once
		failedSHA := make(map[[32]byte]*ingestFailure)
		var copies []ingestOutcome
		defer func() {
			for _, c := range copies {
				if f := failedSHA[*c.copyOf]; f != nil {
					sum.Failed = append(sum.Failed, ingestFailure{File: c.name, Error: f.Error, Offset: f.Offset, Earlier: f.Earlier})
				}
			}
		}()
		for out := range results {
			if out.copyOf != nil {
				copies = append(copies, out)
			}
			sum.Files++
			switch {
			case out.fatal != nil:
				if fatal == nil {
					fatal = out.fatal
					cancel(out.fatal)
				}
			case out.known:
				sum.Known++
			}
			if out.failure != nil {
				sum.Failed = append(sum.Failed, *out.failure)
				failedSHA[out.sha] = out.failure
			}
			sum.Duplicates += out.dups
			for _, id := range out.added {
				if seen[id] {
					sum.Duplicates++
					continue
				}
				seen[id] = true
				sum.New++
				if slices.Contains(out.others, id) {
					sum.Skipped++
				}
			}
			if bar != nil {
				bar.Describe(fmt.Sprintf("%d new, %d failed", sum.New, len(sum.Failed)))
				bar.Add(1)
			}
		}
	}()

	stats, walkErr := ingest.WalkSources(ctx, paths, ingest.WalkOptions{}, func(src ingest.Source) error {
		j := ingestJob{src: src, release: src.Hold()}
		select {
		case jobs <- j:
			return nil
		case <-ctx.Done():
			j.release()
			return context.Cause(ctx)
		}
	})
	close(jobs)
	pool.Wait()
	for _, e := range stats.Errors {
		results <- ingestOutcome{failure: failureOf("", e)}
	}
	close(results)
	<-done
	if bar != nil {
		bar.Finish()
		fmt.Fprintln(stderr)
	}

	slices.SortStableFunc(sum.Failed, func(a, b ingestFailure) int { return strings.Compare(a.File, b.File) })
	if err := parent.Err(); err != nil {
		return sum, err
	}
	if err := context.Cause(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return sum, err // the first store error, a worker's or a commit's
	}
	if fatal != nil {
		return sum, fatal
	}
	if walkErr != nil {
		return sum, walkErr
	}
	if sum.New > 0 {
		// Reading the athlete's activities once now builds the store's
		// row cache, so the first check or report after a big ingest
		// reads one cache file instead of every new Parquet file.
		if _, err := st.Activities(ctx, athlete); err != nil {
			fmt.Fprintf(stderr, "gaitkeeper: reading back the stored activities: %v\n", err)
		}
	}
	return sum, nil
}

// readSource reads src's FIT bytes into buf and returns their SHA-256.
func readSource(src ingest.Source, buf *bytes.Buffer) ([32]byte, error) {
	r, err := src.Open()
	if err != nil {
		return [32]byte{}, err
	}
	defer r.Close()
	if src.Size > 0 {
		// Room for the file and for ReadFrom's last read, which finds
		// the end: a file on disk is read in one system call.
		buf.Grow(int(src.Size) + bytes.MinRead)
	}
	if _, err := buf.ReadFrom(r); err != nil {
		return [32]byte{}, err
	}
	return sha256.Sum256(buf.Bytes()), nil
}

// storeOne decodes, analyzes and stores one new file (putDecoded). Its
// activity ids are computed again here to tell the runs from the rest.
func storeOne(ctx context.Context, st putter, dec *ingest.Decoder, athlete, name string, sha [32]byte, data []byte, p gait.Params) ingestOutcome {
	got, err := putDecoded(ctx, st, dec, athlete, name, data, sha, p)
	var de *ingest.DecodeError
	switch {
	case errors.As(err, &de):
		return ingestOutcome{failure: failureOf(name, err), sha: sha}
	case err != nil:
		return ingestOutcome{fatal: err}
	case got.Result.Known:
		// The store has these bytes after all: Put looks again, under
		// the store's lock.
		return ingestOutcome{known: true}
	case len(got.Activities) == 0:
		return ingestOutcome{failure: &ingestFailure{File: name, Error: "no activities"}, sha: sha}
	}
	out := ingestOutcome{added: got.Result.Added, dups: len(got.Result.Duplicates)}
	for i, a := range got.Activities {
		if !got.Metrics[i].Analyzed {
			out.others = append(out.others, store.ActivityID(a, sha))
		}
	}
	return out
}

// failureOf describes err, a *DecodeError or *ArchiveError, for the
// summary: the reason, with its byte offset when it has one. name is
// used when err does not carry one.
func failureOf(name string, err error) *ingestFailure {
	var de *ingest.DecodeError
	var ae *ingest.ArchiveError
	switch {
	case errors.As(err, &de):
		if name == "" {
			name = de.File
		}
		return &ingestFailure{File: name, Error: decodeFailure(de), Offset: &de.Offset}
	case errors.As(err, &ae):
		f := &ingestFailure{File: ae.Name, Error: ae.Err.Error()}
		if ae.Offset >= 0 {
			f.Offset = &ae.Offset
			f.Error = fmt.Sprintf("byte %d: %v", ae.Offset, ae.Err)
		}
		return f
	}
	return &ingestFailure{File: name, Error: err.Error()}
}

// recordedFailure is a failure the store recorded for name's bytes on
// an earlier read: "byte N: reason" (decodeFailure), or any text from
// an older manifest.
func recordedFailure(name, reason string) *ingestFailure {
	f := &ingestFailure{File: name, Error: reason}
	var off int64
	if _, err := fmt.Sscanf(reason, "byte %d:", &off); err == nil {
		f.Offset = &off
	}
	return f
}

// writeIngestText writes the summary for a person.
func writeIngestText(w io.Writer, s ingestSummary) {
	fmt.Fprintf(w, "files       %d (%d already in the store, not decoded again)\n", s.Files, s.Known)
	fmt.Fprintf(w, "new         %s (%d not runs: stored, not analyzed)\n", plural(s.New, "activity", "activities"), s.Skipped)
	fmt.Fprintf(w, "duplicates  %s already stored from another file, not stored again\n", plural(s.Duplicates, "activity", "activities"))
	fmt.Fprintf(w, "failed      %s\n", plural(len(s.Failed), "file", "files"))
	for _, f := range s.Failed {
		fmt.Fprintf(w, "  %s: %s", f.File, f.Error)
		if f.Earlier {
			fmt.Fprint(w, " (recorded on an earlier run)")
		}
		fmt.Fprintln(w)
	}
}

// newIngestProgress returns a progress bar on stderr when it is a
// terminal and not --quiet, else nil. The total comes from a walk that
// only counts FIT payloads (it opens none; a zip inside a zip is read,
// as the real walk will read it again); it is not worth doing when no
// one watches.
func newIngestProgress(ctx context.Context, stderr io.Writer, quiet bool, paths []string) *progressbar.ProgressBar {
	f, ok := stderr.(*os.File)
	if quiet || !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	total := 0
	ingest.WalkSources(ctx, paths, ingest.WalkOptions{}, func(ingest.Source) error { total++; return nil })
	return progressbar.NewOptions(total,
		progressbar.OptionSetWriter(stderr),
		progressbar.OptionSetDescription("ingest"),
		progressbar.OptionShowCount(),
		progressbar.OptionSetItsString("files"),
		progressbar.OptionShowIts(),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(time.Second/10),
	)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
