package proposals

import (
	"fmt"
	"runtime"
	"testing"
	"time"
)

// FuzzReadGridNeverPanicsAndExplainsEveryRefusal feeds arbitrary bytes, as
// .xlsx and as .csv, to the importer's reader: it never panics, and a file it
// refuses always carries a message for the user.
func FuzzReadGridNeverPanicsAndExplainsEveryRefusal(f *testing.F) {
	t := &testing.T{}
	f.Add("a.xlsx", xlsxOf(t, header(), line(okLine("P-1", "01")), line(okLine("P-2", "02"))))
	f.Add("a.csv", []byte("\ufeffMã đề xuất;Cơ quan\nP-1;city-team\n"))
	f.Add("a.csv", []byte("a,b,c\n1,\"2\n3\",4\n"))
	f.Add("a.xlsx", []byte("PK\x03\x04 not really a zip"))
	f.Add("a.xls", []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1})
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		rows, ie := readGrid(name, data)
		if ie != nil {
			if len(ie.Problems) == 0 {
				t.Fatalf("refused %q without a reason: %+v", name, ie)
			}
			for _, p := range ie.Problems {
				if p.Msg.ID == "" {
					t.Fatalf("a problem without a message: %+v", p)
				}
			}
			return
		}
		for _, r := range rows {
			if r.Row <= 0 {
				t.Fatalf("row number %d", r.Row)
			}
		}
		_, _, problems := records(rows)
		for _, p := range problems {
			if p.Msg.ID == "" {
				t.Fatalf("a row problem without a message: %+v", p)
			}
		}
	})
}

// A large accepted workbook is read row by row: reading the largest file the
// importer accepts (20,000 data rows) keeps the live heap to a bounded size
// (the sheet is streamed; parts over 1 MB unzip to a temporary file), however
// much short-lived garbage the XML decoder makes.
func TestReadingTheLargestAcceptedWorkbookStaysWithinBoundedMemory(t *testing.T) {
	rows := [][]any{header()}
	for i := range maxImportRows {
		rows = append(rows, line(okLine(fmt.Sprintf("P-%05d", i), fmt.Sprintf("%05d", i))))
	}
	data := xlsxOf(t, rows...)
	if len(data) > MaxImportBytes {
		t.Fatalf("the test file is %d bytes, over the %d limit", len(data), MaxImportBytes)
	}
	rows = nil
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)

	// Sample the live heap while the file is read.
	done, peak := make(chan struct{}), make(chan uint64)
	go func() {
		var m runtime.MemStats
		var top uint64
		for {
			select {
			case <-done:
				peak <- top
				return
			case <-time.After(2 * time.Millisecond):
				runtime.ReadMemStats(&m)
				top = max(top, m.HeapAlloc)
			}
		}
	}()
	grid, ie := readGrid("big.xlsx", data)
	close(done)
	top := <-peak
	if ie != nil {
		t.Fatalf("refused: %+v", ie)
	}
	if len(grid) != maxImportRows+1 {
		t.Fatalf("read %d rows, want %d", len(grid), maxImportRows+1)
	}
	const limit = 64 << 20
	growth := top - min(top, base.HeapAlloc)
	if growth > limit {
		t.Errorf("reading %d KB grew the live heap by %d MB, want at most %d MB", len(data)>>10, growth>>20, limit>>20)
	}
	t.Logf("reading %d KB (%d rows) grew the live heap by at most %d MB", len(data)>>10, len(grid), growth>>20)
}
