package remediation_test

import (
	"errors"
	"testing"
	"time"

	"khung/app/apperr"
	"khung/app/apperr/apperrtest"
	"khung/app/authz"
	"khung/app/remediation"
	"khung/models"
)

// reform is the fixture's reform of 1 May 2027: commune A merges whole into
// the new ward N1; commune B is split between N1 and N2 (part). today is
// after the reform.
type reform struct {
	*world
	n1, n2, gone   models.Unit // gone: a ward formed and dissolved again, a successor no longer in force
	n1Office       authz.Actor
	n2Office       authz.Actor
	today          models.Date
	now            time.Time
	recAID, recOID int64
}

func newReform(t *testing.T) *reform {
	t.Helper()
	x := &reform{world: newWorld(t), today: models.NewDate(2027, time.May, 10)}
	x.now = time.Date(2027, time.May, 10, 9, 0, 0, 0, hanoi)
	lastDay, firstDay := models.NewDate(2027, time.April, 30), models.NewDate(2027, time.May, 1)
	mk := func(code, name string, from models.Date, to *models.Date) models.Unit {
		u := models.Unit{Code: code, Name: name, Kind: models.UnitCommune, TypeLabel: "Phường", ParentID: &x.w.City.ID,
			AreaCode: code, Path: models.UnitPath(x.w.City.Path, code), ValidFrom: &from, ValidTo: to}
		must(t, x.db.Create(&u).Error)
		return u
	}
	x.n1 = mk("90001", "Phường Hồng Hà", firstDay, nil)
	x.n2 = mk("90002", "Phường Ba Đình", firstDay, nil)
	x.gone = mk("90003", "Phường Tạm", firstDay, &firstDay)
	must(t, x.db.Exec("UPDATE units SET valid_to = ? WHERE id IN ?", lastDay, []int64{x.w.CommuneA.ID, x.w.CommuneB.ID}).Error)
	link := func(from, to models.Unit, how string) {
		must(t, x.db.Create(&models.UnitSuccession{PredecessorID: from.ID, SuccessorID: to.ID, How: how, EffectiveOn: firstDay}).Error)
	}
	link(x.w.CommuneA, x.n1, "whole")
	link(x.w.CommuneB, x.n1, "part")
	link(x.w.CommuneB, x.n2, "part")
	link(x.w.CommuneB, x.gone, "part")
	x.n1Office = x.user("vp.hongha@hanoi.gov.vn", "Văn phòng UBND phường Hồng Hà", models.RoleUnit, &x.n1, 0, models.PositionOffice)
	x.n2Office = x.user("vp.badinh2@hanoi.gov.vn", "Văn phòng UBND phường Ba Đình", models.RoleUnit, &x.n2, 0, models.PositionOffice)
	x.recAID, x.recOID = x.recA.ID, x.otherRec.ID
	return x
}

func (x *reform) listed(t *testing.T, a authz.Actor) map[int64]string {
	t.Helper()
	items, err := x.svc.List(t.Context(), a, remediation.Filter{}, x.today)
	must(t, err)
	out := map[int64]string{}
	for _, it := range items {
		out[it.ID] = it.Held
	}
	return out
}

func TestARecommendationOfAnOldWardAppearsForTheNewWardsOffice(t *testing.T) {
	x := newReform(t)
	tests := []struct {
		name  string
		actor authz.Actor
		want  map[int64]string // recommendation → how the reader's unit holds its owner
	}{
		{"merged whole and split in part: both under N1", x.n1Office, map[int64]string{x.recAID: "whole", x.recOID: "part"}},
		{"split in part: under each successor", x.n2Office, map[int64]string{x.recOID: "part"}},
		{"the old ward's own office still reads its own", x.unitA, map[int64]string{x.recAID: "own"}},
		{"a planner reads every one, unmarked", x.planner, map[int64]string{x.recAID: "", x.recB.ID: "", x.recOID: ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := x.listed(t, tt.actor)
			if len(got) != len(tt.want) {
				t.Errorf("listed %v, want %v", got, tt.want)
			}
			for id, held := range tt.want {
				if h, ok := got[id]; !ok || h != held {
					t.Errorf("recommendation %d: listed %v as %q, want %q", id, ok, h, held)
				}
			}
		})
	}
	t.Run("district A's recommendation stays out of N1 (not a predecessor)", func(t *testing.T) {
		if _, err := x.svc.Get(t.Context(), x.n1Office, x.recB.ID, x.today); !errors.Is(err, apperr.ErrNotFound) {
			t.Errorf("Get = %v, want not found", err)
		}
	})
	t.Run("N1 reports on what it took over whole, not on a part", func(t *testing.T) {
		d, err := x.svc.Get(t.Context(), x.n1Office, x.recAID, x.today)
		must(t, err)
		if !d.CanReport {
			t.Error("N1 may not report on commune A's recommendation")
		}
		if _, err := x.svc.Submit(t.Context(), x.n1Office, x.recAID, remediation.ReportInput{Body: "Đã chấn chỉnh"}, x.now); err != nil {
			t.Errorf("Submit on the merged ward's recommendation: %v", err)
		}
		d, err = x.svc.Get(t.Context(), x.n1Office, x.recOID, x.today)
		must(t, err)
		if d.CanReport {
			t.Error("N1 offered to report on commune B's recommendation, which was split")
		}
		before := x.snapshot(t)
		_, err = x.svc.Submit(t.Context(), x.n1Office, x.recOID, remediation.ReportInput{Body: "Đã công khai"}, x.now)
		if !errors.Is(err, apperr.ErrForbidden) {
			t.Errorf("Submit on a split ward's recommendation = %v, want forbidden", err)
		}
		if after := x.snapshot(t); after != before {
			t.Errorf("a refused report changed rows:\n%s\n%s", before, after)
		}
	})
}

func TestReassignmentGivesASplitWardsRecommendationToOneSuccessor(t *testing.T) {
	x := newReform(t)
	ctx := t.Context()
	succ, err := x.svc.Successors(ctx, x.planner, x.recOID, x.today)
	must(t, err)
	var names []string
	for _, s := range succ {
		names = append(names, s.Name+" ("+s.How+")")
	}
	if len(names) != 2 || names[0] != "Phường Hồng Hà (part)" || names[1] != "Phường Ba Đình (part)" {
		t.Errorf("successors offered: %v, want Hồng Hà and Ba Đình in code order (not the ward no longer in force)", names)
	}
	refused := []struct {
		name  string
		actor authz.Actor
		rec   int64
		in    remediation.ReassignInput
		want  error
		field string
	}{
		{"a unit may not", x.n2Office, x.recOID, remediation.ReassignInput{UnitID: x.n2.ID, Reason: "Địa bàn"}, apperr.ErrForbidden, ""},
		{"an inspector may not", x.lead, x.recOID, remediation.ReassignInput{UnitID: x.n2.ID, Reason: "Địa bàn"}, apperr.ErrForbidden, ""},
		{"no reason", x.planner, x.recOID, remediation.ReassignInput{UnitID: x.n2.ID, Reason: "  "}, nil, "reason"},
		{"no unit", x.planner, x.recOID, remediation.ReassignInput{Reason: "Địa bàn"}, nil, "unit_id"},
		{"not a successor", x.planner, x.recOID, remediation.ReassignInput{UnitID: x.w.DistrictA.ID, Reason: "Địa bàn"}, nil, "unit_id"},
		{"a successor no longer in force", x.planner, x.recOID, remediation.ReassignInput{UnitID: x.gone.ID, Reason: "Địa bàn"}, nil, "unit_id"},
		{"the owner still exists", x.planner, x.recB.ID, remediation.ReassignInput{UnitID: x.n1.ID, Reason: "Địa bàn"}, apperr.ErrConflict, ""},
		{"unknown recommendation", x.planner, 999999, remediation.ReassignInput{UnitID: x.n1.ID, Reason: "Địa bàn"}, apperr.ErrNotFound, ""},
	}
	for _, tt := range refused {
		t.Run("refused: "+tt.name, func(t *testing.T) {
			before := x.snapshot(t)
			_, err := x.svc.Reassign(ctx, tt.actor, tt.rec, tt.in, x.now, x.today)
			if tt.field != "" {
				fields := apperrtest.Fields(t, err)
				if len(fields) != 1 || fields[0].Field != tt.field || fields[0].VI == "" || fields[0].EN == "" {
					t.Errorf("fields %+v, want one on %s in vi and en", fields, tt.field)
				}
			} else if !errors.Is(err, tt.want) {
				t.Fatalf("Reassign = %v, want %v", err, tt.want)
			}
			if after := x.snapshot(t); after != before {
				t.Errorf("a refused re-assignment changed rows:\n%s\n%s", before, after)
			}
		})
	}

	reason := "Trụ sở và hồ sơ thủ tục hành chính của phường Phúc Tân chuyển về phường Ba Đình"
	rec, err := x.svc.Reassign(ctx, x.planner, x.recOID, remediation.ReassignInput{UnitID: x.n2.ID, Reason: reason}, x.now, x.today)
	must(t, err)
	if rec.OwnerUnitID != x.n2.ID || rec.ReassignedFromUnitID == nil || *rec.ReassignedFromUnitID != x.w.CommuneB.ID || rec.ReassignedReason != reason {
		t.Errorf("re-assigned %+v", rec)
	}
	if n := x.count(t, `SELECT count(*) FROM audit_log WHERE action = 'recommendation.reassign' AND entity_id = ?
		AND after->>'reassigned_reason' = ?`, x.recOID, reason); n != 1 {
		t.Errorf("%d audit rows with the reason, want 1", n)
	}
	t.Run("the new owner is told in-app and by mail, the other successor is not", func(t *testing.T) {
		link := "/recommendations/" + itoa(x.recOID)
		if n := x.count(t, `SELECT count(*) FROM notifications WHERE user_id = ? AND kind = 'recommendation_reassigned'
			AND link = ? AND body LIKE '%' || ? || '%'`, x.n2Office.UserID, link, reason); n != 1 {
			t.Errorf("N2's office has %d notices of the re-assignment with the reason, want 1", n)
		}
		if n := x.count(t, `SELECT count(*) FROM mail_outbox WHERE to_email = 'vp.badinh2@hanoi.gov.vn'
			AND subject = 'Phường Ba Đình được giao thực hiện một kiến nghị của Phường Phúc Tân'`); n != 1 {
			t.Errorf("N2's office has %d mails of the re-assignment, want 1", n)
		}
		if n := x.count(t, `SELECT count(*) FROM notifications WHERE user_id = ? AND kind = 'recommendation_reassigned'`, x.n1Office.UserID); n != 0 {
			t.Errorf("N1's office, not the new owner, has %d notices", n)
		}
	})
	t.Run("the successor owns it fully", func(t *testing.T) {
		if got := x.listed(t, x.n2Office); got[x.recOID] != "own" {
			t.Errorf("N2 lists it as %q, want own", got[x.recOID])
		}
		d, err := x.svc.Get(ctx, x.n2Office, x.recOID, x.today)
		must(t, err)
		if !d.CanReport || d.ReassignedFrom != x.w.CommuneB.Name || d.ReassignedReason != reason {
			t.Errorf("N2 reads CanReport %v, from %q, reason %q", d.CanReport, d.ReassignedFrom, d.ReassignedReason)
		}
		if _, err := x.svc.Submit(ctx, x.n2Office, x.recOID, remediation.ReportInput{Body: "Đã niêm yết công khai"}, x.now); err != nil {
			t.Errorf("N2 reports: %v", err)
		}
	})
	t.Run("the other successor no longer reads it", func(t *testing.T) {
		if _, ok := x.listed(t, x.n1Office)[x.recOID]; ok {
			t.Error("N1 still lists a recommendation re-assigned to N2")
		}
	})
	t.Run("a re-assigned recommendation's owner is in force: not again", func(t *testing.T) {
		_, err := x.svc.Reassign(ctx, x.planner, x.recOID, remediation.ReassignInput{UnitID: x.n1.ID, Reason: "Lại"}, x.now, x.today)
		if !errors.Is(err, apperr.ErrConflict) {
			t.Errorf("Reassign again = %v, want conflict", err)
		}
	})
}
