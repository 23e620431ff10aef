package plantext_test

import (
	"strings"
	"testing"

	"khung/app/planning/plantext"
	"khung/views"
)

// names is a tiny register: proposals p<n>, two bodies.
type names struct{}

func (names) Name(_ *views.Translator, param, id string) (string, bool) {
	bodies := map[string]string{"kcn-01-SNNMT": "Sở Nông nghiệp và Môi trường", "snv-xdcq": "Phòng Xây dựng chính quyền"}
	switch param {
	case "Body":
		n, ok := bodies[id]
		return n, ok
	case "Proposals":
		return "số " + strings.TrimPrefix(id, "p"), strings.HasPrefix(id, "p")
	case "Numbers":
		return strings.TrimPrefix(id, "p"), strings.HasPrefix(id, "p")
	case "Unit":
		return "Phường Yên Hoà", true
	case "Inspectors":
		n, ok := map[string]string{"i085": "Hồ Văn Vinh", "i086": "Nguyễn Thị Anh", "i101": "Nguyễn Ngọc Nam"}[id]
		return n, ok
	}
	return "", false
}

// msg is a message as the engine gives it.
type msg struct {
	id   string
	args map[string]any
}

func (m msg) Parts() (string, map[string]any) { return m.id, m.args }

func of(p, body string) any {
	return msg{"planning.proposal_of", map[string]any{"Proposal": p, "Body": body}}
}

// stored is the same message read back from the database's JSON.
func stored(p, body string) any {
	return map[string]any{"id": "planning.proposal_of", "args": map[string]any{"Proposal": p, "Body": body}}
}

func TestTheMergeAndTeamSentencesNameEachBodyOnce(t *testing.T) {
	loc, err := views.LoadLocales(views.LocaleFiles())
	if err != nil {
		t.Fatal(err)
	}
	vi, en := loc.For("vi"), loc.For("en")
	const nnmt, xdcq = "kcn-01-SNNMT", "snv-xdcq"
	for _, tc := range []struct {
		name      string
		proposals []any
		wantVI    string
		wantEN    string
	}{
		{"three proposals of one body", []any{of("p130", nnmt), of("p131", nnmt), of("p132", nnmt)},
			"Gộp các đề xuất số 130, 131 và 132 của Sở Nông nghiệp và Môi trường thành một cuộc kiểm tra: cùng kiểm tra Phường Yên Hoà, đều theo kế hoạch",
			"merged proposals 130, 131 and 132 of Sở Nông nghiệp và Môi trường into one visit: same unit Phường Yên Hoà, all planned"},
		{"read back from the database", []any{stored("p130", nnmt), stored("p131", nnmt)},
			"Gộp các đề xuất số 130 và 131 của Sở Nông nghiệp và Môi trường thành một cuộc kiểm tra: cùng kiểm tra Phường Yên Hoà, đều theo kế hoạch",
			"merged proposals 130 and 131 of Sở Nông nghiệp và Môi trường into one visit: same unit Phường Yên Hoà, all planned"},
		{"two bodies, in the order given", []any{of("p215", xdcq), of("p217", nnmt), of("p216", xdcq)},
			"Gộp các đề xuất số 215 và 216 của Phòng Xây dựng chính quyền và số 217 của Sở Nông nghiệp và Môi trường thành một cuộc kiểm tra: cùng kiểm tra Phường Yên Hoà, đều theo kế hoạch",
			"merged proposals 215 and 216 of Phòng Xây dựng chính quyền and 217 of Sở Nông nghiệp và Môi trường into one visit: same unit Phường Yên Hoà, all planned"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := msg{"planning.why.merged", map[string]any{"Proposals": tc.proposals, "Unit": "00175"}}
			if got := plantext.Named(vi, names{}, m); got != tc.wantVI {
				t.Errorf("vi:\n got %s\nwant %s", got, tc.wantVI)
			}
			if got := plantext.Named(en, names{}, m); got != tc.wantEN {
				t.Errorf("en:\n got %s\nwant %s", got, tc.wantEN)
			}
		})
	}
	// A team's members: each body once too.
	member := func(i, body string) any {
		return msg{"planning.member_of", map[string]any{"Inspector": i, "Body": body}}
	}
	team := msg{"planning.why.members", map[string]any{"Members": []any{member("i085", xdcq), member("i101", nnmt), member("i086", xdcq)}}}
	if got, want := plantext.Named(vi, names{}, team), "Thành viên: Hồ Văn Vinh và Nguyễn Thị Anh của Phòng Xây dựng chính quyền và Nguyễn Ngọc Nam của Sở Nông nghiệp và Môi trường"; got != want {
		t.Errorf("members:\n got %s\nwant %s", got, want)
	}
	// Without names (the API, the CLI) the engine's ids stay as they are.
	m := msg{"planning.why.merged", map[string]any{"Proposals": []any{of("p1", nnmt), of("p2", nnmt)}, "Unit": "00175"}}
	if got, want := plantext.Of(en, m), "merged proposals p1 (kcn-01-SNNMT) and p2 (kcn-01-SNNMT) into one visit: same unit 00175, all planned"; got != want {
		t.Errorf("without names:\n got %s\nwant %s", got, want)
	}
}
