package proposals

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"khung/app/apperr"
	"khung/app/msg"
)

// MaxImportBytes is the largest import file accepted (10 MB): a bigger upload
// is refused from its declared size before it is read.
const MaxImportBytes = 10 << 20

// maxImportRows caps the data rows of one file (a city sends about 1,600).
const maxImportRows = 20000

// maxUnzippedBytes caps what an .xlsx may expand to, against zip bombs.
const maxUnzippedBytes = 200 << 20

// dataSheet is the name of the proposals sheet in the template and exports.
func dataSheet() string { return wording().Sheets.Data }

// RowError is one problem of an import file: the row as the spreadsheet
// numbers it (0: the file as a whole), the column (empty for a whole row) and
// the reason as a message id. The HTTP layer renders the reason into VI and EN.
type RowError struct {
	Row      int         `json:"row"`
	Column   string      `json:"column"`    // column key, e.g. "unit"
	Cell     string      `json:"cell"`      // e.g. "C5"; empty when not one cell
	ColumnVI string      `json:"column_vi"` // the column's header
	ColumnEN string      `json:"column_en"`
	Msg      msg.Message `json:"-"`  // the reason
	VI       string      `json:"vi"` // the reason rendered in Vietnamese (by the reader's side)
	EN       string      `json:"en"` // the reason rendered in English
}

// ImportError lists every problem of a refused import file; nothing was written.
type ImportError struct {
	Problems []RowError
	TooLarge bool // the file is over MaxImportBytes (HTTP 413 rather than 422)
}

func (e *ImportError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "import refused: %d problem(s)", len(e.Problems))
	for i, p := range e.Problems {
		if i == 5 {
			b.WriteString("; …")
			break
		}
		fmt.Fprintf(&b, "; row %d %s: %s", p.Row, p.Column, p.Msg.ID)
	}
	return b.String()
}

// Unwrap presents the problems as a ValidationError (fields "rows[5].unit",
// "file"), so that any handler maps a refused file to 422 with every reason.
func (e *ImportError) Unwrap() error {
	ve := &apperr.ValidationError{}
	for _, p := range e.Problems {
		field := "file"
		switch {
		case p.Row > 0 && p.Column != "":
			field = fmt.Sprintf("rows[%d].%s", p.Row, p.Column)
		case p.Row > 0:
			field = fmt.Sprintf("rows[%d]", p.Row)
		}
		ve.Fields = append(ve.Fields, apperr.FieldError{Field: field, Rule: "import", Msg: p.Msg})
	}
	return ve
}

// fileProblem is an ImportError about the whole file: message id and key/value pairs.
func fileProblem(id string, pairs ...any) *ImportError {
	return &ImportError{Problems: []RowError{{Msg: msg.New(id, pairs...)}}}
}

// tooLarge refuses a file of size bytes.
func tooLarge(size int64) *ImportError {
	e := fileProblem("proposals.file.too_large", "Size", megabytes(size), "Max", megabytes(MaxImportBytes))
	e.TooLarge = true
	return e
}

func megabytes(n int64) string {
	if n < 0 {
		return "?"
	}
	return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
}

// gridRow is one non-empty row of a file with its spreadsheet row number.
type gridRow struct {
	Row   int
	Cells []string
}

var (
	zipMagic = []byte("PK\x03\x04")
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1} // .xls, or an encrypted workbook
)

// readGrid reads the cells of an .xlsx or .csv file, chosen by the name's
// extension and checked against the content.
func readGrid(name string, data []byte) ([]gridRow, *ImportError) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fileProblem("proposals.file.empty")
	}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".xlsx":
		return readXLSX(data)
	case ".csv":
		return readCSV(data)
	case ".xls":
		return nil, fileProblem("proposals.file.xls")
	}
	return nil, fileProblem("proposals.file.wrong_type", "Name", name)
}

func readXLSX(data []byte) ([]gridRow, *ImportError) {
	notExcel := func() *ImportError {
		return fileProblem("proposals.file.not_xlsx")
	}
	if bytes.HasPrefix(data, oleMagic) {
		return nil, fileProblem("proposals.file.old_or_locked")
	}
	if !bytes.HasPrefix(data, zipMagic) {
		return nil, notExcel()
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		RawCellValue: true, UnzipSizeLimit: maxUnzippedBytes, UnzipXMLSizeLimit: 1 << 20})
	if err != nil {
		if strings.Contains(err.Error(), "unzip size exceeds") {
			return nil, fileProblem("proposals.file.unzip_too_large")
		}
		return nil, notExcel()
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, notExcel()
	}
	sheet := sheets[0]
	if slices.Contains(sheets, dataSheet()) {
		sheet = dataSheet()
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, notExcel()
	}
	defer rows.Close()
	var out []gridRow
	n := 0
	for rows.Next() {
		n++
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, notExcel()
		}
		if blank(cells) {
			continue
		}
		if len(out) > maxImportRows+2 {
			return nil, tooManyRows()
		}
		out = append(out, gridRow{Row: n, Cells: cells})
	}
	if err := rows.Error(); err != nil {
		return nil, notExcel()
	}
	return out, nil
}

func tooManyRows() *ImportError {
	return fileProblem("proposals.file.too_many_rows", "Max", maxImportRows)
}

func readCSV(data []byte) ([]gridRow, *ImportError) {
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	if !utf8.Valid(data) {
		return nil, fileProblem("proposals.file.csv_not_utf8")
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = csvDelimiter(data)
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	var out []gridRow
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			line := 0
			if errors.As(err, &pe) {
				line = pe.StartLine
			}
			e := fileProblem("proposals.file.csv_quotes", "Line", line)
			e.Problems[0].Row = line
			return nil, e
		}
		line, _ := r.FieldPos(0)
		if blank(rec) {
			continue
		}
		if len(out) > maxImportRows+2 {
			return nil, tooManyRows()
		}
		out = append(out, gridRow{Row: line, Cells: rec})
	}
	return out, nil
}

// csvDelimiter picks ';' or ',' by which appears more in the header line
// (Excel writes ';' where the decimal separator is a comma, as in Vietnamese).
func csvDelimiter(data []byte) rune {
	first, _, _ := bytes.Cut(data, []byte("\n"))
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		return ';'
	}
	return ','
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// record is one data row of a file, by column key.
type record struct {
	Row   int
	cells map[string]string
}

func (r record) get(key string) string { return r.cells[key] }

// layout is where each column of a file is.
type layout struct {
	index map[string]int // column key → position
}

// cell names the cell of key in row, e.g. "C5".
func (l layout) cell(key string, row int) string {
	i, ok := l.index[key]
	if !ok {
		return ""
	}
	name, err := excelize.CoordinatesToCellName(i+1, row)
	if err != nil {
		return ""
	}
	return name
}

// records reads the header of grid and returns the data rows. Wrong, repeated
// or missing columns are reported against the header row and no data row is
// read, since its cells could not be trusted to be where they seem.
func records(grid []gridRow) ([]record, layout, []RowError) {
	if len(grid) == 0 {
		return nil, layout{}, fileProblem("proposals.file.empty").Problems
	}
	head := grid[0]
	idx := headerIndex()
	l := layout{index: map[string]int{}}
	var problems []RowError
	letter := func(i int) string {
		name, _ := excelize.ColumnNumberToName(i + 1)
		return name
	}
	for i, h := range head.Cells {
		f := fold(h)
		key, known := idx[f]
		switch {
		case f == "":
			if columnHasData(grid[1:], i) {
				problems = append(problems, RowError{Row: head.Row, Cell: letter(i) + fmt.Sprint(head.Row),
					Msg: msg.New("proposals.file.no_header", "Column", letter(i))})
			}
		case slices.Contains(ignoredHeaders, f):
			// a row number column
		case !known:
			problems = append(problems, RowError{Row: head.Row, Cell: letter(i) + fmt.Sprint(head.Row),
				Msg: msg.New("proposals.file.unknown_column", "Header", strings.TrimSpace(h), "Column", letter(i))})
		default:
			if prev, dup := l.index[key]; dup {
				c, _ := columnByKey(key)
				problems = append(problems, RowError{Row: head.Row, Column: key, Cell: letter(i) + fmt.Sprint(head.Row), ColumnVI: c.VI, ColumnEN: c.EN,
					Msg: msg.New("proposals.file.column_twice", "HeaderVI", c.VI, "HeaderEN", c.EN, "First", letter(prev), "Second", letter(i))})
				continue
			}
			l.index[key] = i
		}
	}
	for _, c := range Columns() {
		if _, ok := l.index[c.Key]; c.Required && !ok {
			problems = append(problems, RowError{Row: head.Row, Column: c.Key, ColumnVI: c.VI, ColumnEN: c.EN,
				Msg: msg.New("proposals.file.column_missing", "HeaderVI", c.VI, "HeaderEN", c.EN)})
		}
	}
	if len(problems) > 0 {
		return nil, l, problems
	}

	body := grid[1:]
	if len(body) > 0 && isSubHeader(body[0], l) {
		body = body[1:] // the template's English headers
	}
	if len(body) == 0 {
		return nil, l, fileProblem("proposals.file.no_rows").Problems
	}
	if len(body) > maxImportRows {
		return nil, l, tooManyRows().Problems
	}
	out := make([]record, 0, len(body))
	for _, g := range body {
		rec := record{Row: g.Row, cells: make(map[string]string, len(l.index))}
		for key, i := range l.index {
			if i < len(g.Cells) {
				rec.cells[key] = g.Cells[i]
			}
		}
		out = append(out, rec)
	}
	return out, l, nil
}

func columnHasData(rows []gridRow, i int) bool {
	for _, r := range rows {
		if i < len(r.Cells) && strings.TrimSpace(r.Cells[i]) != "" {
			return true
		}
	}
	return false
}

// isSubHeader tells whether g is the template's second header row: every
// filled cell is the English header of its own column.
func isSubHeader(g gridRow, l layout) bool {
	filled := 0
	for key, i := range l.index {
		if i >= len(g.Cells) || strings.TrimSpace(g.Cells[i]) == "" {
			continue
		}
		c, _ := columnByKey(key)
		if fold(g.Cells[i]) != fold(c.EN) {
			return false
		}
		filled++
	}
	return filled > 0
}
