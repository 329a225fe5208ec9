package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gaitkeeper/gaitkeeper/internal/config"
)

// Exit codes (documented in doc.go and the README).
const (
	exitOK     = 0
	exitFailed = 1 // some input could not be read
	exitUsage  = 2
	exitRisk   = 3 // check raised risk flags
	exitRefer  = 4 // check raised a red flag or a flag that says to see a clinician
)

// errSomeFailed reports that at least one input failed; the failures have
// already been printed, one per file.
var errSomeFailed = errors.New("some files could not be read")

// usageError is a mistake in the command line.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// flaggedError reports that check raised flags; the flags have already
// been printed. verdict is report.Verdict's "risk" or "refer".
type flaggedError struct{ verdict string }

func (e flaggedError) Error() string { return "flags raised: " + e.verdict }

type globalOptions struct {
	stdout, stderr io.Writer
	configFile     string
}

// config loads the configuration: defaults, the --config file (or the
// user's default file), then GAITKEEPER_* variables.
func (g *globalOptions) config() (config.Config, error) {
	return config.Load(config.Options{File: g.configFile})
}

func newRootCommand(g *globalOptions) *cobra.Command {
	root := &cobra.Command{
		Use:           "gaitkeeper",
		Short:         "Flag gait and training-load patterns behind running injuries and nerve irritation",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(g.stdout)
	root.SetErr(g.stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err.Error()} })
	root.PersistentFlags().StringVar(&g.configFile, "config", "", "configuration file (default $XDG_CONFIG_HOME/gaitkeeper/config.yaml when it exists)")
	root.AddCommand(newInspectCommand(g), newAnalyzeCommand(g))
	root.AddCommand(newCheckCommand(g))
	root.AddCommand(newLogCommand(g))
	root.AddCommand(newHistoryCommand(g))
	root.AddCommand(newIngestCommand(g))
	root.AddCommand(newReportCommand(g))
	return root
}

// run executes the command line and returns the process exit code. It is
// the whole program but for os.Exit, so tests call it directly.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	g := &globalOptions{stdout: stdout, stderr: stderr}
	root := newRootCommand(g)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	var ue usageError
	var fe flaggedError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &fe):
		if fe.verdict == "refer" {
			return exitRefer
		}
		return exitRisk
	case errors.Is(err, errSomeFailed):
		return exitFailed
	case errors.As(err, &ue) || isCobraUsage(err):
		fmt.Fprintf(stderr, "gaitkeeper: %v\n", err)
		fmt.Fprintf(stderr, "Run 'gaitkeeper --help' for usage.\n")
		return exitUsage
	default:
		fmt.Fprintf(stderr, "gaitkeeper: %v\n", err)
		return exitFailed
	}
}

// isCobraUsage recognises cobra's own argument errors, which it does not type.
func isCobraUsage(err error) bool {
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand", "accepts ", "requires at least", "invalid argument"} {
		if strings.Contains(err.Error(), p) {
			return true
		}
	}
	return false
}
