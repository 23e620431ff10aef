package proposals

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestTheExportHasRealDatesAFrozenHeaderAFilterAndWidths reads the exported
// file back with excelize, as a spreadsheet program would.
func TestTheExportHasRealDatesAFrozenHeaderAFilterAndWidths(t *testing.T) {
	t.Parallel()
	c := newCity(t)
	grid := [][]any{header(), line(with(okLine("DX-1", "00001"), colWindowFrom, "2027-04-01")),
		line(with(okLine("DX-2", "00004"), colWindowFrom, "2027-05-03"))}
	if _, err := c.svc.Import(bg(), c.planner, testYear, upload("a.xlsx", xlsxOf(t, grid...))); err != nil {
		t.Fatal(err)
	}
	file, err := c.svc.Export(bg(), c.planner, Filter{Year: testYear})
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := dataSheet()
	col := func(key string) string {
		for i, c := range Columns() {
			if c.Key == key {
				name, _ := excelize.ColumnNumberToName(i + 1)
				return name
			}
		}
		t.Fatalf("no column %s", key)
		return ""
	}

	t.Run("dates are date cells shown dd/mm/yyyy, not text", func(t *testing.T) {
		cell := col(colWindowFrom) + "3"
		typ, err := f.GetCellType(sheet, cell)
		if err != nil {
			t.Fatal(err)
		}
		if typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
			t.Fatalf("%s is text (type %v)", cell, typ)
		}
		raw, _ := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
		var serial float64
		if _, err := fmt.Sscan(raw, &serial); err != nil || serial < 40000 {
			t.Errorf("%s holds %q, want a date serial number", cell, raw)
		}
		shown, _ := f.GetCellValue(sheet, cell)
		if shown != "01/04/2027" && shown != "03/05/2027" {
			t.Errorf("%s reads %q, want dd/mm/yyyy", cell, shown)
		}
		// Positive control: the unit code next to it is text.
		if typ, _ := f.GetCellType(sheet, col(colUnit)+"3"); typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
			t.Errorf("the unit code is not text (type %v): the check above cannot tell", typ)
		}
	})
	t.Run("numbers are number cells", func(t *testing.T) {
		typ, _ := f.GetCellType(sheet, col(colDays)+"3")
		if typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
			t.Errorf("days on site are text")
		}
	})
	t.Run("the two header rows are frozen", func(t *testing.T) {
		panes, err := f.GetPanes(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if !panes.Freeze || panes.YSplit != 2 {
			t.Errorf("panes %+v, want the first two rows frozen", panes)
		}
	})
	t.Run("every column has a filter over the rows", func(t *testing.T) {
		var found string
		for _, dn := range f.GetDefinedName() {
			if dn.Name == "_xlnm._FilterDatabase" && dn.Scope == sheet {
				found = dn.RefersTo
			}
		}
		last, _ := excelize.ColumnNumberToName(len(Columns()))
		if !strings.Contains(found, "$A$2:$"+last+"$4") {
			t.Errorf("filter range %q, want A2:%s4", found, last)
		}
	})
	t.Run("columns have widths for their content", func(t *testing.T) {
		w, err := f.GetColWidth(sheet, col(colUnitName))
		if err != nil {
			t.Fatal(err)
		}
		if w < 20 {
			t.Errorf("the unit name column is %.1f wide", w)
		}
	})
}
