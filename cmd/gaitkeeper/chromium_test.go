package main

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// chromiumPath is Debian's chromium package; .ci/run installs it.
const chromiumPath = "/usr/bin/chromium"

// checkInChromium opens an HTML report in headless Chromium over the
// DevTools protocol (chromedp): the page must load with no console error
// or exception and no request beyond its own file, lay its charts out,
// and paint a screenshot that is not blank (kept with -artifacts).
// Without chromium the check skips, unless CI is set: then it fails.
func checkInChromium(t *testing.T, html string) {
	if _, err := exec.LookPath(chromiumPath); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set and %s is missing: %v", chromiumPath, err)
		}
		t.Skipf("%s not found (apt-get install chromium); set CI to make this a failure", chromiumPath)
	}
	page := filepath.Join(t.TempDir(), "demo.html")
	if err := os.WriteFile(page, []byte(html), 0o644); err != nil {
		t.Fatal(err)
	}
	url := "file://" + page

	alloc, cancel := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1100, 900),
	)
	defer cancel()
	ctx, cancel := chromedp.NewContext(alloc)
	defer cancel()
	if err := chromedp.Do(ctx); err != nil { // starts the browser, without a deadline (see chromedp.NewContext)
		t.Fatalf("start %s: %v", chromiumPath, err)
	}
	tctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()

	// Every request the page makes: there must be one, for the page.
	var mu sync.Mutex
	var requests []string
	if err := chromedp.Listen(ctx, func(ev any) {
		if r, ok := ev.(*network.EventRequestWillBeSent); ok {
			mu.Lock()
			requests = append(requests, r.Request.URL)
			mu.Unlock()
		}
	}); err != nil {
		t.Fatal(err)
	}
	console := chromedp.Console(tctx)
	if err := chromedp.Do(tctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("open the report: %v", err)
	}
	heights, err := chromedp.Run(tctx, chromedp.Evaluate[[]float64](
		`Array.from(document.querySelectorAll("svg.chart"), s => s.getBoundingClientRect().height)`))
	if err != nil {
		t.Fatal(err)
	}
	// Four history charts and a trace per flagged run (four in the demo:
	// the 2026-10-18 spike and the long runs of 8, 15 and 22 November).
	if len(heights) != 8 {
		t.Errorf("%d charts on the page, want 8", len(heights))
	}
	for i, h := range heights {
		if h < 150 {
			t.Errorf("chart %d is %.0f px high: not laid out", i, h)
		}
	}
	shot, err := chromedp.Run(tctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(t.ArtifactDir(), "demo.png"), shot, 0o644); err != nil {
		t.Fatal(err)
	}

	// The console, up to a marker written after everything else: the
	// iterator keeps the order, so every message of the page load comes
	// before it.
	const end = "gaitkeeper-test-end"
	if _, err := chromedp.Run(tctx, chromedp.Evaluate[any](`console.info("`+end+`")`)); err != nil {
		t.Fatal(err)
	}
	for m, err := range console {
		if err != nil {
			t.Fatalf("console: %v", err)
		}
		if m.Text == end {
			break
		}
		if m.IsException() || m.Type == "error" {
			t.Errorf("console %s: %s (%s:%d)", m.Type, m.Text, m.URL, m.Line)
		} else {
			t.Logf("console %s: %s", m.Type, m.Text)
		}
	}
	mu.Lock()
	if len(requests) != 1 || requests[0] != url {
		t.Errorf("the page requested %q, want only itself", requests)
	}
	mu.Unlock()

	checkScreenshot(t, shot)
}

// checkScreenshot decodes the page's screenshot and checks that it holds
// a page, not a blank: most of it is not the background, it has the
// colours of text and charts, and the header's verdict pill is red
// (--refer #b42318 in html.tmpl: the demo's verdict is refer).
func checkScreenshot(t *testing.T, shot []byte) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	b := img.Bounds()
	if b.Dx() < 1000 || b.Dy() < 3000 {
		t.Errorf("screenshot %v: want the whole page, at least 1000 × 3000", b.Size())
	}
	bg := img.At(b.Min.X, b.Min.Y) // the page's background, top left
	colours := map[[3]uint32]bool{}
	painted, red := 0, 0
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			c := img.At(x, y)
			r, g, bl, _ := c.RGBA()
			colours[[3]uint32{r >> 8, g >> 8, bl >> 8}] = true
			if c != bg {
				painted++
			}
			if near(r>>8, 0xb4) && near(g>>8, 0x23) && near(bl>>8, 0x18) {
				red++
			}
		}
	}
	total := (b.Dx() / 2) * (b.Dy() / 2)
	t.Logf("screenshot %v: %d of %d sampled pixels painted, %d colours, %d verdict-red", b.Size(), painted, total, len(colours), red)
	if painted < total/2 {
		t.Errorf("only %d of %d sampled pixels differ from the background: blank page?", painted, total)
	}
	if len(colours) < 200 {
		t.Errorf("%d colours: want text, charts and anti-aliasing (at least 200)", len(colours))
	}
	if red < 500 {
		t.Errorf("%d pixels of the refer red: the verdict pill and red flag are missing", red)
	}
}

func near(a, b uint32) bool { return a+6 >= b && b+6 >= a }
