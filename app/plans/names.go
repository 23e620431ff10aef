package plans

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"khung/app/authz"
	"khung/app/planning"
	"khung/app/planning/plantext"
	"khung/app/units"
	"khung/models"
	"khung/views"
)

// Names are the names of what the engine's messages speak of by id: units
// and areas, bodies, inspectors, skills, the visits of one version and its
// proposals. Pages render the planner's explanations with them, so a person
// reads "Trưởng đoàn Trần Trung Vinh (Phòng Nội vụ Quận Ba Đình)" and not
// "Trưởng đoàn i101 (pnv-001)". A visit a may not see is "another visit".
type Names struct {
	units, bodies, inspectors, visits map[string]string
	skills                            map[string][2]string // code → {vi, en}
	// areas name the areas (units by code) on the plan's year start.
	areas map[string]units.Area
}

// loadPageNames reads the names for version id's messages as a reads them: the
// visit names come through the visibility rule.
func loadPageNames(tx *gorm.DB, a authz.Actor, id int64) (*Names, error) {
	n := &Names{}
	pairs := func(sql string, args ...any) (map[string]string, error) {
		var rows []struct{ Code, Name string }
		if err := tx.Raw(sql, args...).Scan(&rows).Error; err != nil {
			return nil, fmt.Errorf("load names: %w", err)
		}
		out := make(map[string]string, len(rows))
		for _, r := range rows {
			out[r.Code] = r.Name
		}
		return out, nil
	}
	var year int
	if err := tx.Raw(`SELECT p.year FROM plan_versions v JOIN plans p ON p.id = v.plan_id WHERE v.id = ?`, id).
		Scan(&year).Error; err != nil {
		return nil, fmt.Errorf("load names: plan year: %w", err)
	}
	var us []struct {
		Code, Name, TypeLabel string
		ValidTo               *models.Date
	}
	if err := tx.Raw(`SELECT code, name, type_label, valid_to FROM units`).Scan(&us).Error; err != nil {
		return nil, fmt.Errorf("load names: units: %w", err)
	}
	n.units = make(map[string]string, len(us))
	n.areas = make(map[string]units.Area, len(us))
	for _, u := range us {
		n.units[u.Code] = u.Name
		n.areas[u.Code] = units.Area{Name: u.Name, TypeLabel: u.TypeLabel, ValidTo: u.ValidTo, Day: yearStart(year)}
	}
	var err error
	if n.bodies, err = pairs(`SELECT code, name FROM bodies`); err != nil {
		return nil, err
	}
	if n.inspectors, err = pairs(`SELECT code, full_name AS name FROM inspectors`); err != nil {
		return nil, err
	}
	var visits []struct{ Code, Name string }
	if err := visitQuery(tx, a, id).Select("v.code, u.name").Scan(&visits).Error; err != nil {
		return nil, fmt.Errorf("load visit names: %w", err)
	}
	n.visits = make(map[string]string, len(visits))
	for _, v := range visits {
		n.visits[v.Code] = v.Name
	}
	var skills []struct{ Code, NameVI, NameEN string }
	if err := tx.Raw(`SELECT code, name_vi, name_en FROM skills`).Scan(&skills).Error; err != nil {
		return nil, fmt.Errorf("load skill names: %w", err)
	}
	n.skills = make(map[string][2]string, len(skills))
	for _, s := range skills {
		n.skills[s.Code] = [2]string{s.NameVI, s.NameEN}
	}
	return n, nil
}

// Name names id, the value of the message parameter param (plantext.Names).
func (n *Names) Name(t *views.Translator, param, id string) (string, bool) {
	if n == nil {
		return "", false
	}
	lookup := func(m map[string]string) (string, bool) {
		name, ok := m[id]
		return name, ok && name != ""
	}
	switch param {
	case "Unit":
		return lookup(n.units)
	case "Area": // a travel cluster: a district that has ended is a former area
		if a, ok := n.areas[id]; ok && a.Name != "" {
			return a.InSentence(t), true
		}
	case "Body":
		return lookup(n.bodies)
	case "Inspector", "Inspectors", "In", "Out", "Last", "Members":
		return lookup(n.inspectors)
	case "Lead": // an inspector, or the lead body of a joint visit
		if name, ok := lookup(n.inspectors); ok {
			return name, true
		}
		return lookup(n.bodies)
	case "Visit", "Other", "Others":
		if name, ok := lookup(n.visits); ok {
			return name, true
		}
		if strings.HasPrefix(id, "v-") {
			return t.T("plansux.names.other_visit"), true
		}
	case "Skill", "Skills":
		if s, ok := n.skills[id]; ok {
			return t.Pick(s[0], s[1]), true
		}
	case "Proposal", "Proposals":
		if pid, err := proposalID(id); err == nil {
			return t.T("plansux.names.proposal", "ID", pid), true
		}
	case "Numbers": // the proposals of one body, after its "số"/"no." (planning.proposals_of)
		if pid, err := proposalID(id); err == nil {
			return fmt.Sprint(pid), true
		}
	}
	return "", false
}

// Text renders one of the engine's messages for a page, with names.
func (n *Names) Text(t *views.Translator, m planning.Message) string {
	return plantext.Named(t, n, m)
}

// WhyFor returns the planner's sentences in t's language with names; older
// rows without messages give their stored sentences.
func (n *Names) WhyFor(t *views.Translator, v Visit) []string {
	if !v.msgsCover() {
		return v.WhyIn(t.Lang)
	}
	out := make([]string, len(v.WhyMsgs))
	for k, m := range v.WhyMsgs {
		out[k] = n.Text(t, m)
	}
	return out
}

// ReasonFor returns why v is unscheduled in t's language with names.
func (n *Names) ReasonFor(t *views.Translator, v Visit) string {
	if v.UnscheduledMsg == nil {
		return v.ReasonIn(t.Lang)
	}
	return n.Text(t, *v.UnscheduledMsg)
}

// Names returns the names for the messages of version id as a reads them
// (a change's check and violations).
func (s *Service) Names(ctx context.Context, a authz.Actor, id int64) (*Names, error) {
	tx := s.db.WithContext(ctx)
	if _, err := loadVersion(tx, a, id); err != nil {
		return nil, err
	}
	return loadPageNames(tx, a, id)
}

// Of names id as parameter param, or gives it back: for the pages' own
// sentences that carry an engine id (a proposal, a body).
func (n *Names) Of(t *views.Translator, param, id string) string {
	if name, ok := n.Name(t, param, id); ok {
		return name
	}
	return id
}
