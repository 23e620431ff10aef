package routes

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"khung/models"
)

func TestBrowserTheUnitPickerFindsTheWardInForceByItsOldNameAsOneTypes(t *testing.T) {
	x := newReformedCity(t)
	p := browser.Page(t, x.srv)
	p.LoginAs(x.srv.CreateUser(t, models.RoleAdmin))
	for _, size := range []struct {
		name          string
		width, height int
	}{{"desktop", 1440, 900}, {"phone", 390, 844}} {
		p.Rod().MustSetViewport(size.width, size.height, 1, size.width < 800)
		p.Open("/admin/users/new")
		p.Fill("#full_name", "Văn phòng UBND phường Hồng Hà")
		p.Fill("#unit_code", "Phúc Xá")
		// htmx fills the list from /units/pick as one types (a first list,
		// of every unit in force, comes when the field takes the focus).
		opt, err := p.Rod().Timeout(10*time.Second).ElementR(`#unit_code-options option[value="00097-2025"]`, "trước đây: Phường Phúc Xá")
		if err != nil {
			t.Fatalf("%s: the picker offered no Phường Hồng Hà as the successor of Phúc Xá: %v", size.name, err)
		}
		if label := opt.MustText(); !strings.HasPrefix(label, "Phường Hồng Hà") {
			t.Errorf("%s: the option reads %q", size.name, label)
		}
		if p.Has(`#unit_code-options option[value="00001"]`) {
			t.Errorf("%s: the picker offers Phường Phúc Xá, which ended on 30/06/2025", size.name)
		}
		if hint := p.Text("#unit_code-pick-hint"); !strings.Contains(hint, "đang hoạt động hôm nay") {
			t.Errorf("%s: hint %q", size.name, hint)
		}
		if w := p.Rod().MustEval(`() => document.documentElement.scrollWidth`).Int(); w > size.width {
			t.Errorf("%s: the form is %d px wide", size.name, w)
		}
		p.Shot("unit-picker-" + size.name)
	}
	if v := p.AxeViolations(); len(v) > 0 {
		t.Errorf("axe on the form with the picker: %v", v)
	}

	// Without JavaScript the link opens the search as a page.
	p.Open("/units/pick?q=ph%C3%BAc+x%C3%A1")
	if got := p.Text(`[data-test="unit-pick-results"]`); !strings.Contains(got, "00097-2025") || !strings.Contains(got, "Phường Phúc Xá") {
		t.Errorf("the search page reads %q", got)
	}
	p.Shot("unit-pick-page-phone")
	if v := p.AxeViolations(); len(v) > 0 {
		t.Errorf("axe on the search page: %v", v)
	}
}

func TestBrowserThePlannerMovesAProposalLeftOnASplitWard(t *testing.T) {
	x := newReformedCity(t)
	id := strandedProposal(t, x)
	p := browser.Page(t, x.srv)
	p.LoginAs(x.srv.CreateUser(t, models.RolePlanner))
	for _, size := range []struct {
		name          string
		width, height int
	}{{"desktop", 1440, 900}, {"phone", 390, 844}} {
		p.Rod().MustSetViewport(size.width, size.height, 1, size.width < 800)
		p.Open("/plans/2027")
		if got := p.Text(`[data-test="stranded-warning"]`); !strings.Contains(got, "1 đề xuất còn ở đơn vị đã chia tách") {
			t.Fatalf("%s: warning %q", size.name, got)
		}
		p.Shot("stranded-warning-" + size.name)
		p.ClickAndWait(`[data-test="stranded-warning"] a`)
		if w := p.Rod().MustEval(`() => document.documentElement.scrollWidth`).Int(); w > size.width {
			t.Errorf("%s: the page is %d px wide", size.name, w)
		}
		p.Shot("stranded-" + size.name)
	}
	if v := p.AxeViolations(); len(v) > 0 {
		t.Errorf("axe: %v", v)
	}
	p.Rod().MustElement(fmt.Sprintf(`input[name="unit_id"][value="%d"]`, x.hongHa.ID)).MustClick()
	p.ClickAndWait(fmt.Sprintf(`[data-test="move-%d"]`, id))
	if got := p.BodyText(); !strings.Contains(got, "Đã chuyển đề xuất cho đơn vị kế thừa.") {
		t.Errorf("after the move: %.300s", got)
	}
}
