// Package printpdf turns an HTML document into a PDF with headless Chromium's
// print-to-PDF (driven through go-rod, using the system's Chromium, never a
// download): the page's own @page rules set the paper and margins, so an
// official document laid out in HTML and CSS prints the same on paper, in the
// browser and in the PDF, Vietnamese text included.
package printpdf

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/launcher"
	"github.com/go-rod/rod/lib/proto"
)

// DefaultChromium is where Debian installs Chromium.
const DefaultChromium = "/usr/bin/chromium"

// timeout bounds one rendering, launch included.
const timeout = 60 * time.Second

// Printer renders PDFs, one at a time (Chromium is heavy; a report's PDF is
// rare): each rendering starts its own Chromium with a fresh profile and stops
// it, so no browser outlives a request or the server.
type Printer struct {
	bin  string
	busy chan struct{}
}

// New returns a printer using the Chromium binary at bin.
func New(bin string) *Printer {
	if bin == "" {
		bin = DefaultChromium
	}
	return &Printer{bin: bin, busy: make(chan struct{}, 1)}
}

// PDF prints the HTML document html (self-contained: styles inline, no
// outside resources) to PDF.
func (p *Printer) PDF(ctx context.Context, html string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	select {
	case p.busy <- struct{}{}:
		defer func() { <-p.busy }()
	case <-ctx.Done():
		return nil, fmt.Errorf("print pdf: waiting for the printer: %w", ctx.Err())
	}
	if _, err := os.Stat(p.bin); err != nil {
		return nil, fmt.Errorf("print pdf: chromium: %w", err)
	}
	dir, err := os.MkdirTemp("", "khung-print-")
	if err != nil {
		return nil, fmt.Errorf("print pdf: profile: %w", err)
	}
	l := launcher.New().Context(ctx).Bin(p.bin).Leakless(false).Headless(true).NoSandbox(true).UserDataDir(dir).
		Set("disable-gpu").Set("disable-quic").Set("no-first-run").
		Set("disable-background-networking").Set("disable-component-update").Set("disable-sync")
	defer func() {
		l.Kill()
		l.Cleanup()
		_ = os.RemoveAll(dir)
	}()
	u, err := l.Launch()
	if err != nil {
		return nil, fmt.Errorf("print pdf: launch chromium: %w", err)
	}
	b := rod.New().ControlURL(u).Context(ctx)
	if err := b.Connect(); err != nil {
		return nil, fmt.Errorf("print pdf: connect to chromium: %w", err)
	}
	defer func() { _ = b.Close() }()
	page, err := b.Page(proto.TargetCreateTarget{URL: "about:blank"})
	if err != nil {
		return nil, fmt.Errorf("print pdf: new page: %w", err)
	}
	if err := page.SetDocumentContent(html); err != nil {
		return nil, fmt.Errorf("print pdf: load the document: %w", err)
	}
	if err := page.WaitLoad(); err != nil {
		return nil, fmt.Errorf("print pdf: wait for the document: %w", err)
	}
	r, err := page.PDF(&proto.PagePrintToPDF{PrintBackground: true, PreferCSSPageSize: true, GenerateTaggedPDF: true})
	if err != nil {
		return nil, fmt.Errorf("print pdf: print: %w", err)
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("print pdf: read: %w", err)
	}
	return data, nil
}
