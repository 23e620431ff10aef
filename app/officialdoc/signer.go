package officialdoc

import "strings"

// Signer is the signature block of a printed document: the authority line
// when signing for the head ("KT. GIÁM ĐỐC"), the title and the name.
type Signer struct {
	Authority string // "KT. GIÁM ĐỐC"; "" when the head signs
	Title     string // "Phó Giám đốc"
	Name      string
}

// Head is the competence of the issuer in the decision's heading: the head's
// title even when a deputy signs ("KT. GIÁM ĐỐC" → "GIÁM ĐỐC").
func (s Signer) Head() string {
	if _, head, ok := strings.Cut(s.Authority, ". "); ok {
		return strings.ToUpper(head)
	}
	return s.TitleUpper()
}

// HeadName is the competence in running text: "Giám đốc" ("của Giám đốc Sở Nội vụ").
func (s Signer) HeadName() string {
	r := []rune(strings.ToLower(s.Head()))
	if len(r) == 0 {
		return ""
	}
	return strings.ToUpper(string(r[0])) + string(r[1:])
}

// TitleUpper is the title in capitals, as printed.
func (s Signer) TitleUpper() string { return strings.ToUpper(s.Title) }

// SignerOf is the signature block of a signer's profile (users.signing_authority,
// users.job_title, full name).
func SignerOf(authority, title, name string) Signer {
	return Signer{Authority: strings.TrimSpace(authority), Title: strings.TrimSpace(title), Name: strings.TrimSpace(name)}
}

// Foot is the foot of a printed document, printed by "documents/foot":
// recipients (Nơi nhận), the archive line, the signature block.
type Foot struct {
	Recipients []string
	Archive    string
	Signer     Signer
}
