// Package attachments keeps the files attached to visits, findings, decisions,
// conclusions and remediation reports: it checks an upload by its content (a
// PNG renamed .docx or a script renamed .pdf is refused), stores it in the
// attachments table inside the caller's transaction and reads it back. Who may
// read a file is its owner's rule, checked by the owning service.
package attachments

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/richardlehane/mscfb"
	"gorm.io/gorm"

	"khung/app/apperr"
	"khung/models"
)

// Content types of the evidence files Khung accepts; anything else is refused.
const (
	TypePDF  = "application/pdf"
	TypeDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	TypeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	TypeDOC  = "application/msword"
	TypeXLS  = "application/vnd.ms-excel"
	TypePNG  = "image/png"
	TypeJPEG = "image/jpeg"
	TypeWebP = "image/webp"
)

// extensionsOf lists, for each accepted content type, the file name extensions
// that may carry it: a name that disagrees with the bytes is refused.
var extensionsOf = map[string][]string{
	TypePDF:  {".pdf"},
	TypeDOCX: {".docx"},
	TypeXLSX: {".xlsx"},
	TypeDOC:  {".doc"},
	TypeXLS:  {".xls"},
	TypePNG:  {".png"},
	TypeJPEG: {".jpg", ".jpeg"},
	TypeWebP: {".webp"},
}

// MaxFilesPerUpload caps how many files one form may carry.
const MaxFilesPerUpload = 10

// oleSignature opens every OLE2 compound file (.doc, .xls of Office 97–2003).
var oleSignature = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// File is an uploaded file that passed CheckUpload: its bytes, the content type
// sniffed from them, a cleaned file name and the SHA-256 of the bytes.
type File struct {
	Filename    string
	ContentType string
	Data        []byte
	SHA256      string // lower-case hex
}

// Sniff returns the content type of data when it is one Khung accepts, and ""
// otherwise. The decision is made from the bytes only.
func Sniff(data []byte) string {
	if bytes.HasPrefix(data, oleSignature) {
		return sniffOLE(data)
	}
	switch ct := http.DetectContentType(data); {
	case ct == TypePDF, ct == TypePNG, ct == TypeJPEG, ct == TypeWebP:
		return ct
	case ct == "application/zip":
		return sniffOOXML(data)
	}
	return ""
}

// sniffOOXML tells a Word from an Excel document by the parts inside the zip
// (names only: nothing is decompressed).
func sniffOOXML(data []byte) string {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return ""
	}
	var contentTypes, word, excel bool
	for _, f := range zr.File {
		switch {
		case f.Name == "[Content_Types].xml":
			contentTypes = true
		case f.Name == "word/document.xml":
			word = true
		case f.Name == "xl/workbook.xml":
			excel = true
		}
	}
	switch {
	case contentTypes && word && !excel:
		return TypeDOCX
	case contentTypes && excel && !word:
		return TypeXLSX
	}
	return ""
}

// sniffOLE tells a Word 97 from an Excel 97 file by the streams of the compound
// file: "WordDocument" for Word, "Workbook" (or "Book" for Excel 5) for Excel.
func sniffOLE(data []byte) string {
	r, err := mscfb.New(bytes.NewReader(data))
	if err != nil {
		return ""
	}
	var word, excel bool
	for {
		f, err := r.Next()
		if err != nil {
			break // io.EOF or a damaged directory: decide with what was read
		}
		switch f.Name {
		case "WordDocument":
			word = true
		case "Workbook", "Book":
			excel = true
		}
	}
	switch {
	case word && !excel:
		return TypeDOC
	case excel && !word:
		return TypeXLS
	}
	return ""
}

// CheckUpload reads one uploaded file and checks it: not empty, at most
// maxBytes (refused from the multipart header before reading), an accepted type
// judged by content, and a name whose extension agrees with that type. field
// names the form field in the error.
func CheckUpload(fh *multipart.FileHeader, maxBytes int64, field string) (File, error) {
	name := CleanFilename(fh.Filename)
	if fh.Size > maxBytes {
		return File{}, tooLarge(field, name, maxBytes)
	}
	src, err := fh.Open()
	if err != nil {
		return File{}, fmt.Errorf("open upload %q: %w", name, err)
	}
	defer src.Close()
	// Read one byte more than allowed: a header that lied about the size is caught too.
	data, err := io.ReadAll(io.LimitReader(src, maxBytes+1))
	if err != nil {
		return File{}, fmt.Errorf("read upload %q: %w", name, err)
	}
	if int64(len(data)) > maxBytes {
		return File{}, tooLarge(field, name, maxBytes)
	}
	return CheckBytes(name, data, field)
}

// CheckBytes checks a file already in memory (the JSON API and tests): not
// empty, an accepted type judged by content, and an extension that agrees.
func CheckBytes(filename string, data []byte, field string) (File, error) {
	name := CleanFilename(filename)
	if name == "" {
		return File{}, apperr.Field(field, "filename", "remediation.check.file_no_name")
	}
	if len(data) == 0 {
		return File{}, apperr.Field(field, "empty", "remediation.check.file_empty", "Name", name)
	}
	ct := Sniff(data)
	if ct == "" {
		return File{}, apperr.Field(field, "file_type", "remediation.check.file_type", "Name", name)
	}
	ext := strings.ToLower(filepath.Ext(name))
	if !contains(extensionsOf[ct], ext) {
		return File{}, apperr.Field(field, "file_extension", "remediation.check.file_extension",
			"Name", name, "Type", typeLabel(ct), "Extensions", extensionsOf[ct])
	}
	sum := sha256.Sum256(data)
	return File{Filename: name, ContentType: ct, Data: data, SHA256: hex.EncodeToString(sum[:])}, nil
}

// CheckUploads checks every file of a form field; the first problem stops it.
func CheckUploads(files []*multipart.FileHeader, maxBytes int64, field string) ([]File, error) {
	if len(files) > MaxFilesPerUpload {
		return nil, apperr.Field(field, "max_files", "remediation.check.too_many_files_at_once", "Max", MaxFilesPerUpload)
	}
	out := make([]File, 0, len(files))
	for _, fh := range files {
		if fh.Filename == "" && fh.Size == 0 {
			continue // an empty file input sends a nameless, empty part
		}
		f, err := CheckUpload(fh, maxBytes, field)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// Owner says which row an attachment belongs to; set exactly one field.
type Owner struct {
	VisitID             *int64
	FindingID           *int64
	RemediationReportID *int64
	DecisionID          *int64
	ConclusionID        *int64
}

// Store inserts f as an attachment of owner inside tx (the caller's
// transaction) and returns the stored row without its data.
func Store(tx *gorm.DB, f File, owner Owner, uploadedBy int64) (models.Attachment, error) {
	a := models.Attachment{
		VisitID:             owner.VisitID,
		FindingID:           owner.FindingID,
		RemediationReportID: owner.RemediationReportID,
		DecisionID:          owner.DecisionID,
		ConclusionID:        owner.ConclusionID,
		Filename:            f.Filename,
		ContentType:         f.ContentType,
		SizeBytes:           int64(len(f.Data)),
		SHA256:              f.SHA256,
		Data:                f.Data,
	}
	if uploadedBy != 0 {
		a.UploadedBy = &uploadedBy
	}
	if err := tx.Create(&a).Error; err != nil {
		return models.Attachment{}, fmt.Errorf("store attachment %q: %w", f.Filename, err)
	}
	a.Data = nil
	return a, nil
}

// Get reads attachment id with its data; apperr.ErrNotFound when there is none.
func Get(db *gorm.DB, id int64) (models.Attachment, error) {
	var f models.Attachment
	if err := db.First(&f, id).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return f, fmt.Errorf("attachment %d: %w", id, apperr.ErrNotFound)
		}
		return f, fmt.Errorf("read attachment %d: %w", id, err)
	}
	return f, nil
}

// CleanFilename keeps the last element of a client's file name, without
// control characters or path separators, at most 200 characters.
func CleanFilename(name string) string {
	name = strings.ReplaceAll(name, `\`, "/")
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '"' {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if r := []rune(name); len(r) > 200 {
		ext := []rune(filepath.Ext(name))
		if len(ext) > 10 {
			ext = nil
		}
		name = string(r[:200-len(ext)]) + string(ext)
	}
	if name == "." || name == ".." {
		return ""
	}
	return name
}

func tooLarge(field, name string, maxBytes int64) error {
	return apperr.Field(field, "max_size", "remediation.check.file_too_large", "Name", name, "Size", humanSize(maxBytes))
}

// humanSize writes a byte count as MB, KB or bytes.
func humanSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d B", n)
}

func typeLabel(ct string) string {
	switch ct {
	case TypePDF:
		return "PDF"
	case TypeDOCX, TypeDOC:
		return "Word"
	case TypeXLSX, TypeXLS:
		return "Excel"
	case TypePNG:
		return "PNG"
	case TypeJPEG:
		return "JPEG"
	case TypeWebP:
		return "WebP"
	}
	return ct
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
