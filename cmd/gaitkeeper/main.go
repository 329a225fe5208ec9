// Command gaitkeeper reads runners' wearable data and flags gait and load
// patterns linked to running injuries and nerve irritation. See doc.go.
package main

import (
	"context"
	"os"
	"os/signal"
	_ "time/tzdata" // symptoms.timezone works on machines without a zoneinfo database
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
