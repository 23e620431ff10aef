package officialdoc

import (
	"context"
	"fmt"
	"io"
	"sync"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/launcher"
	"github.com/go-rod/rod/lib/proto"
)

// Printer turns a document's HTML into an A4 PDF with Chromium's print to
// PDF (the fonts it uses are embedded in the file). One browser is started on
// the first print and kept; Close ends it.
type Printer struct {
	bin string // the Chromium binary; "" looks it up

	mu      sync.Mutex
	browser *rod.Browser
}

// NewPrinter prints with the Chromium at bin ("" finds it on the machine).
func NewPrinter(bin string) *Printer { return &Printer{bin: bin} }

func (p *Printer) start() (*rod.Browser, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.browser != nil {
		return p.browser, nil
	}
	bin := p.bin
	if bin == "" {
		if found, ok := launcher.LookPath(); ok {
			bin = found
		}
	}
	l := launcher.New().Bin(bin).Headless(true).NoSandbox(true).Set("disable-gpu").Set("disable-quic").
		Set("no-first-run").Set("disable-background-networking").Set("disable-component-update").Set("disable-sync")
	u, err := l.Launch()
	if err != nil {
		return nil, fmt.Errorf("officialdoc: start Chromium (%s): %w", bin, err)
	}
	b := rod.New().ControlURL(u)
	if err := b.Connect(); err != nil {
		return nil, fmt.Errorf("officialdoc: connect to Chromium: %w", err)
	}
	p.browser = b
	return b, nil
}

// PDF prints html (a whole page, its styles inline: it is loaded from no
// address) on A4 paper; the page's own @page rule sets the margins.
func (p *Printer) PDF(ctx context.Context, html string) ([]byte, error) {
	b, err := p.start()
	if err != nil {
		return nil, err
	}
	page, err := b.Context(ctx).Page(proto.TargetCreateTarget{URL: "about:blank"})
	if err != nil {
		return nil, fmt.Errorf("officialdoc: new page: %w", err)
	}
	defer page.Close()
	if err := page.SetDocumentContent(html); err != nil {
		return nil, fmt.Errorf("officialdoc: load the document: %w", err)
	}
	if err := page.WaitLoad(); err != nil {
		return nil, fmt.Errorf("officialdoc: wait for the document: %w", err)
	}
	a4w, a4h := 8.27, 11.69 // inches
	r, err := page.PDF(&proto.PagePrintToPDF{PaperWidth: &a4w, PaperHeight: &a4h, PreferCSSPageSize: true,
		PrintBackground: true, GenerateDocumentOutline: false})
	if err != nil {
		return nil, fmt.Errorf("officialdoc: print to PDF: %w", err)
	}
	defer r.Close()
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("officialdoc: read the PDF: %w", err)
	}
	return data, nil
}

// Close ends the browser, if one was started.
func (p *Printer) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.browser == nil {
		return nil
	}
	err := p.browser.Close()
	p.browser = nil
	return err
}
