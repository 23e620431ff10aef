package routes

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"khung/app"
	"khung/app/notify/mailtest"
	"khung/app/paging"
	"khung/app/proposals"
	"khung/app/seed"
	"khung/app/visits/visitstest"
	"khung/jobs"
	"khung/models"
	"khung/routes/webtest"
)

// The leak matrix (issue 9): every role × every channel × a hidden, a
// foreign and an own object, on the day before the unannounced visit starts
// and on its first day. An object is a visit with everything of it: its
// proposal, its conclusion with a recommendation and a file. What a role may
// reach is written down below as sets, once; every channel is then checked
// against them, both ways (what must be seen IS seen: the positive controls
// that make the test able to fail).

// leakObject is one visit of the matrix and what hangs from it.
type leakObject struct {
	visit      models.Visit
	proposal   int64  // one of its proposals
	conclusion int64  // its conclusion
	rec        int64  // a recommendation of the conclusion
	file       int64  // a file of the conclusion
	marker     string // a text found only in its recommendation and proposal note
	number     string // its conclusion's number as notices print it: "76/KL-SNV"
}

const (
	hidden   = "hidden"   // the commune's unannounced visit, before its start
	own      = "own"      // the commune's planned visit
	foreign  = "foreign"  // a visit of a commune in another district
	district = "district" // the district's own visit, whose conclusion names a ward below it
)

var leakObjects = []string{district, foreign, hidden, own}

// leakRole is a user of the matrix and what the rule lets them reach, the day
// before the unannounced visit (the hidden object) starts; on its first day
// the hidden object is added to each set marked so.
type leakRole struct {
	name string
	role models.Role
	opts []webtest.UserOption
	// knows: the visit (calendar, card, JSON, iCal, search, counts, plan pages).
	knows, knowsFromStart []string
	// work: the visit's work (decision, findings, conclusion, files of the visit).
	work []string
	// recs: the recommendation (lists, detail, the conclusion's link and file).
	recs, recsFromStart []string
	// proposals: the role reads proposals at all (planner, approver, viewer).
	proposals bool
	// plans: the role reads published plans.
	plans bool
	// unitVisits, unitRecs: for a unit user, the objects whose visit and
	// whose open recommendation its own unit's page (/units/mine) lists:
	// those of its unit and of the units it was formed from (the hidden
	// object only from its start).
	unitVisits, unitRecs []string
}

func (r leakRole) set(base, fromStart []string, dayOf bool) map[string]bool {
	out := map[string]bool{}
	for _, o := range base {
		out[o] = true
	}
	if dayOf {
		for _, o := range fromStart {
			out[o] = true
		}
	}
	return out
}

func TestNoRoleLearnsOfAHiddenVisitOnAnyChannel(t *testing.T) {
	srv := startServer(t)
	w := visitstest.Build(t, srv.DB)
	ward := webtest.CreateUnit(t, srv.DB, w.DistrictA.ID, "Phường Trúc Bạch", "00004")
	// The reform: commune A merged whole into a new ward, commune B split,
	// part of it into another. History follows the unit (authz unitReach).
	merged := webtest.CreateUnit(t, srv.DB, w.City.ID, "Phường Hồng Hà", "00097-2025")
	split := webtest.CreateUnit(t, srv.DB, w.City.ID, "Phường Ngọc Hà", "00004-2025")
	if err := srv.DB.Exec(`INSERT INTO unit_successions (predecessor_id, successor_id, how, effective_on)
		VALUES (?, ?, 'whole', '2025-07-01'), (?, ?, 'part', '2025-07-01')`,
		w.CommuneA.ID, merged.ID, w.CommuneB.ID, split.ID).Error; err != nil {
		t.Fatal(err)
	}
	dayBefore, dayOf := visitstest.UnannouncedStart.AddDays(-1), visitstest.UnannouncedStart

	all := []string{district, foreign, hidden, own}
	roles := []leakRole{
		{name: "admin", role: models.RoleAdmin},
		{name: "planner", role: models.RolePlanner, knows: all, work: all, recs: all, proposals: true, plans: true},
		{name: "approver", role: models.RoleApprover, knows: all, work: all, recs: all, proposals: true, plans: true},
		{name: "inspector on the team", role: models.RoleInspector, opts: []webtest.UserOption{asInspector(w.Member.ID)},
			knows: all, work: []string{hidden, own}, recs: []string{hidden, own}, plans: true},
		{name: "inspector not on the team", role: models.RoleInspector, opts: []webtest.UserOption{asInspector(w.Outsider.ID)},
			knows: []string{district, foreign, own}, knowsFromStart: []string{hidden}, work: []string{foreign}, recs: []string{foreign}, plans: true},
		{name: "viewer", role: models.RoleViewer,
			knows: []string{district, foreign, own}, knowsFromStart: []string{hidden}, proposals: true, plans: true},
		{name: "unit of the visited commune", role: models.RoleUnit, opts: []webtest.UserOption{webtest.InUnit(w.CommuneA.ID)},
			knows: []string{own}, knowsFromStart: []string{hidden}, recs: []string{own}, recsFromStart: []string{hidden},
			unitVisits: []string{own, hidden}, unitRecs: []string{own, hidden}},
		{name: "unit above it", role: models.RoleUnit, opts: []webtest.UserOption{webtest.InUnit(w.DistrictA.ID)},
			knows: []string{district, own}, knowsFromStart: []string{hidden}, recs: []string{district, own}, recsFromStart: []string{hidden},
			unitVisits: []string{district}},
		{name: "unit elsewhere", role: models.RoleUnit, opts: []webtest.UserOption{webtest.InUnit(w.CommuneB.ID)},
			knows: []string{foreign}, recs: []string{foreign}, unitVisits: []string{foreign}, unitRecs: []string{foreign}},
		{name: "unit owning a recommendation of the district's visit", role: models.RoleUnit, opts: []webtest.UserOption{webtest.InUnit(ward.ID)},
			knows: []string{district}, recs: []string{district}, unitRecs: []string{district}},
		{name: "successor the visited commune merged into", role: models.RoleUnit, opts: []webtest.UserOption{webtest.InUnit(merged.ID)},
			knows: []string{own}, knowsFromStart: []string{hidden}, recs: []string{own}, recsFromStart: []string{hidden},
			unitVisits: []string{own, hidden}, unitRecs: []string{own, hidden}},
		{name: "successor of part of the other commune", role: models.RoleUnit, opts: []webtest.UserOption{webtest.InUnit(split.ID)},
			knows: []string{foreign}, recs: []string{foreign}, unitVisits: []string{foreign}, unitRecs: []string{foreign}},
	}

	// The jobs and the outbox, as the cron would run them, sending to a capturing SMTP server.
	mail := mailtest.Start(t)
	cfg := srv.Config
	cfg.SMTPURL, _ = url.Parse(fmt.Sprintf("smtp://%s?tls=none", mail.Addr()))
	cfg.MailFrom = "khung@sonoivu.test"
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := app.New(app.Deps{Config: cfg, DB: srv.DB, Log: quiet, Now: srv.Clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	runner, err := jobs.New(a, quiet)
	if err != nil {
		t.Fatal(err)
	}

	users := make([]webtest.User, len(roles))
	clients := make([]*webtest.Client, len(roles))
	for i, r := range roles {
		users[i] = srv.CreateUser(t, r.role, r.opts...)
		clients[i] = srv.NewClient(t)
		clients[i].Token = srv.CreateToken(t, users[i])
	}
	planner := clients[1]

	objs := map[string]*leakObject{
		hidden: {visit: w.Unannounced, marker: "(mật-KN2)"}, own: {visit: w.Planned, marker: "(riêng-KN1)"},
		foreign: {visit: w.Other, marker: "(nơi-khác-KN5)"}, district: {visit: w.District, marker: "(quận-KN3)"},
	}
	concludeTheDistrictsVisit(t, srv, planner, w, ward, objs[district])
	refuseTheUnannouncedVisitEarly(t, srv, planner, w)
	for _, o := range []string{hidden, own, foreign} {
		recordConclusion(t, srv, objs[o], 70+len(o))
	}
	for _, o := range objs {
		if err := srv.DB.Raw(`SELECT proposal_id FROM visit_proposals WHERE visit_id = ? ORDER BY proposal_id LIMIT 1`, o.visit.ID).
			Scan(&o.proposal).Error; err != nil || o.proposal == 0 {
			t.Fatalf("proposal of %s: %v", o.visit.Code, err)
		}
		if err := srv.DB.Exec(`UPDATE proposals SET note = ? WHERE id = ?`, "Ghi chú "+o.marker, o.proposal).Error; err != nil {
			t.Fatal(err)
		}
	}

	// The surveys' and the evaluation's channels (issue 12): the commune's two
	// visits ended on site and found a violation each; its head is asked for
	// the survey by the job.
	for _, o := range []string{hidden, own} {
		if err := srv.DB.Exec(`UPDATE visits SET status = 'on_site_ended' WHERE id = ?`, objs[o].visit.ID).Error; err != nil {
			t.Fatal(err)
		}
		if err := srv.DB.Exec(`INSERT INTO findings (visit_id, kind, description, severity) VALUES (?, 'violation', ?, 'high')`,
			objs[o].visit.ID, "Vi phạm "+objs[o].marker).Error; err != nil {
			t.Fatal(err)
		}
	}
	head := srv.CreateUser(t, models.RoleUnit, webtest.InUnit(w.CommuneA.ID))
	if err := srv.DB.Exec(`UPDATE users SET unit_position = 'head' WHERE id = ?`, head.ID).Error; err != nil {
		t.Fatal(err)
	}

	// The engine's totals of the published version count every visit, the
	// secret one too: only those who see every visit may read them.
	if err := srv.DB.Exec(`UPDATE plan_versions SET penalty = 12.5,
		metrics = '{"proposals": 999, "visits": 998, "unscheduled": 0, "penalty": 12.5, "penalty_by": {"window": 12.5}}'
		WHERE id = ?`, w.Published.ID).Error; err != nil {
		t.Fatal(err)
	}

	setDay(t, srv, dayBefore)
	feeds := make([]string, len(roles))
	for i := range roles {
		feeds[i] = createFeed(t, clients[i])
	}

	for _, d := range []models.Date{dayBefore, dayOf} {
		setDay(t, srv, d)
		for _, job := range []string{"reminders", "digest", "directives", "visit-notices", "surveys", "conclusion-drafts", "outbox"} {
			if err := runner.RunOnce(t.Context(), job, srv.Clock.Now()); err != nil {
				t.Fatalf("job %s on %s: %v", job, d, err)
			}
		}
		sent := mail.Messages()
		for i, r := range roles {
			t.Run(r.name+"/"+d.String(), func(t *testing.T) {
				dayOfStart := d == dayOf
				knows := r.set(r.knows, r.knowsFromStart, dayOfStart)
				work := r.set(r.work, nil, dayOfStart)
				recs := r.set(r.recs, r.recsFromStart, dayOfStart)
				files := work
				if r.role == models.RoleUnit {
					files = recs
				}
				c := clients[i]
				m := &leakCheck{t: t, c: c, day: d}

				// Visits: the calendar's channels and direct access by id.
				month := map[string]bool{}
				for _, mo := range []int{3, 4} {
					for code := range pageCodes(t, c, fmt.Sprintf("/calendar?year=2027&month=%d", mo)) {
						month[code] = true
					}
				}
				list := pageCodes(t, c, "/calendar/list?year=2027&per_page=200")
				apiList, total := jsonCodes(t, c, "/api/v1/visits?year=2027&per_page=200")
				search, searchTotal := jsonCodes(t, c, "/api/v1/visits?q="+url.QueryEscape("Phúc Xá"))
				searchPage := pageCodes(t, c, "/calendar/list?year=2027&q="+url.QueryEscape("phuc xa"))
				feed := feedCodes(t, srv, feeds[i])
				wantSearch := int64(0)
				for _, o := range leakObjects {
					code, seen := objs[o].visit.Code, knows[o]
					m.expect("page: month calendar", o, month[code], seen)
					m.expect("page: list", o, list[code], seen)
					m.expect("JSON: list", o, apiList[code], seen)
					m.expect("iCal", o, feed[code], seen)
					inCommune := objs[o].visit.UnitID == w.CommuneA.ID
					m.expect("search: JSON", o, search[code], seen && inCommune)
					m.expect("search: page", o, searchPage[code], seen && inCommune)
					if seen && inCommune {
						wantSearch++
					}
					id := objs[o].visit.ID
					m.byID("page: visit card", o, fmt.Sprintf("/calendar/visits/%d", id), "/calendar/visits/%d", seen, false)
					m.byID("JSON: visit", o, fmt.Sprintf("/api/v1/visits/%d", id), "/api/v1/visits/%d", seen, true)
					// Staff read the work page; the others are sent to the visit's card.
					workPage := seen
					if r.role == models.RolePlanner || r.role == models.RoleApprover || r.role == models.RoleInspector {
						workPage = work[o]
					}
					m.byID("page: visit's work", o, fmt.Sprintf("/visits/%d", id), "/visits/%d", workPage, false)
					m.byID("JSON: visit's work", o, fmt.Sprintf("/api/v1/visits/%d/work", id), "/api/v1/visits/%d/work", work[o], true)
					if r.plans {
						m.byID("page: plan version's visit", o, fmt.Sprintf("/plans/versions/%d/visits/%s", w.Published.ID, objs[o].visit.Code),
							"/plans/versions/%d/visits/v-99999", knows[o], false)
					}
				}
				m.count("JSON: visits total", total, int64(len(knows)))
				m.count("search: JSON total", searchTotal, wantSearch)
				yearCount := fmt.Sprintf("%d cuộc kiểm tra năm 2027", len(knows))
				if body := c.Get("/calendar/list?year=2027").Body; !strings.Contains(body, yearCount) {
					t.Errorf("%s: the list page does not say %q", d, yearCount)
				}

				// The home page (issue 11): every visit and recommendation it
				// names must be one the role may reach.
				home := c.Get("/").Body
				for _, o := range leakObjects {
					if strings.Contains(home, `data-visit="`+objs[o].visit.Code+`"`) && !knows[o] {
						m.expect("page: home's visits", o, true, false)
					}
					if strings.Contains(home, objs[o].marker) && !recs[o] {
						m.expect("page: home's recommendations", o, true, false)
					}
				}

				// Conclusions, recommendations and files.
				recList := jsonIDs(t, c, "/api/v1/recommendations")
				recPage := c.Get("/recommendations").Body
				for _, o := range leakObjects {
					ob := objs[o]
					m.expect("JSON: recommendations", o, recList[ob.rec], recs[o])
					m.expect("page: recommendations", o, strings.Contains(recPage, ob.marker), recs[o])
					m.byID("page: recommendation", o, fmt.Sprintf("/recommendations/%d", ob.rec), "/recommendations/%d", recs[o], false)
					m.byID("JSON: recommendation", o, fmt.Sprintf("/api/v1/recommendations/%d", ob.rec), "/api/v1/recommendations/%d", recs[o], true)
					conclusionSeen := work[o] || (r.role == models.RoleUnit && recs[o])
					m.byID("page: conclusion", o, fmt.Sprintf("/conclusions/%d", ob.conclusion), "/conclusions/%d", conclusionSeen, false)
					m.byID("file: attachment", o, fmt.Sprintf("/attachments/%d", ob.file), "/attachments/%d", files[o], false)
					m.byID("file: visit file", o, fmt.Sprintf("/visits/files/%d", ob.file), "/visits/files/%d", work[o], false)
					// The official documents of the visit: the printable conclusion, the
					// decision and the notice to the unit, and their PDFs.
					vid := ob.visit.ID
					m.byID("page: conclusion print", o, fmt.Sprintf("/visits/%d/conclusion/print", vid), "/visits/%d/conclusion/print", work[o], false)
					m.byID("file: conclusion PDF", o, fmt.Sprintf("/visits/%d/conclusion.pdf", vid), "/visits/%d/conclusion.pdf", work[o], false)
					// Only the visits walked through the workflow have a decision (and so a
					// notice; its PDF is read through the same handler as its page, and
					// printed in TestBrowserNoticeToTheUnitAndAcceptancePrint).
					var decided int64
					srv.DB.Raw(`SELECT count(*) FROM decisions WHERE visit_id = ?`, vid).Scan(&decided)
					m.byID("file: decision PDF", o, fmt.Sprintf("/visits/%d/decision.pdf", vid), "/visits/%d/decision.pdf", work[o] && decided > 0, false)
					m.byID("page: notice print", o, fmt.Sprintf("/visits/%d/notice/print", vid), "/visits/%d/notice/print", work[o] && decided > 0, false)
					// A check on implementation is proposed by planners only, from any
					// recommendation (issue 13): its form names the recommendation's unit.
					m.byID("page: check on implementation's form", o, fmt.Sprintf("/visits/checks/new?rec=%d", ob.rec),
						"/visits/checks/new?rec=%d", r.role == models.RolePlanner, false)
					if r.role == models.RoleUnit {
						// An outcome of responsibility goes on a recommendation the unit may
						// reach (the matrix's are remedial: 409; 403 for the successor of
						// part of its owner, who reads but does not act), never on one it
						// may not (404, as for a missing one).
						m.postByID("form: responsibility outcome", o, fmt.Sprintf("/recommendations/%d/outcomes", ob.rec),
							"/recommendations/%d/outcomes", outcomeForm, recs[o], http.StatusConflict, http.StatusForbidden)
					}
				}

				// The unit office's own unit page: its visits and open
				// recommendations and those of the units it was formed from.
				if r.role == models.RoleUnit {
					if r := c.Get("/units/mine"); r.Status != http.StatusSeeOther || r.Header.Get("Location") != fmt.Sprintf("/units/%d", users[i].UnitID) {
						t.Errorf("%s: /units/mine: %d to %q", d, r.Status, r.Header.Get("Location"))
					}
					unitPage := c.Get(fmt.Sprintf("/units/%d", users[i].UnitID))
					if unitPage.Status != http.StatusOK {
						t.Fatalf("%s: the unit's page: %d", d, unitPage.Status)
					}
					visits, recsOn := r.set(r.unitVisits, nil, true), r.set(r.unitRecs, nil, true)
					for _, o := range leakObjects {
						early := o == hidden && !dayOfStart
						m.expect("page: unit's visits", o, strings.Contains(unitPage.Body, fmt.Sprintf(`data-visit="%d"`, objs[o].visit.ID)), visits[o] && !early)
						m.expect("page: unit's recommendations", o, strings.Contains(unitPage.Body, objs[o].marker), recsOn[o] && !early)
					}
				}
				if r.role == models.RoleAdmin || r.role == models.RolePlanner {
					page := c.Get(fmt.Sprintf("/units/%d", merged.ID))
					for _, o := range []string{own, hidden} {
						seen := strings.Contains(page.Body, fmt.Sprintf(`data-visit="%d"`, objs[o].visit.ID))
						m.expect("page: a successor's visits", o, seen, r.role == models.RolePlanner)
					}
				}

				// Proposals: list, search, counts, export, direct access.
				if r.proposals {
					var res struct {
						paging.Result[proposals.Row]
						Counts proposals.Counts `json:"counts"`
					}
					jsonInto(t, c, "/api/v1/proposals?year=2027&per_page=200", &res)
					listed := map[int64]bool{}
					for _, p := range res.Items {
						listed[p.ID] = true
					}
					found := map[int64]bool{}
					var searched struct{ paging.Result[proposals.Row] }
					jsonInto(t, c, "/api/v1/proposals?year=2027&q="+url.QueryEscape("ghi chú"), &searched)
					for _, p := range searched.Items {
						found[p.ID] = true
					}
					export := xlsxText(t, c, "/proposals/export.xlsx?year=2027")
					for _, o := range leakObjects {
						ob := objs[o]
						m.expect("JSON: proposals", o, listed[ob.proposal], knows[o])
						m.expect("search: proposals", o, found[ob.proposal], knows[o])
						m.expect("export: proposals", o, strings.Contains(export, ob.marker), knows[o])
						m.byID("JSON: proposal", o, fmt.Sprintf("/api/v1/proposals/%d", ob.proposal), "/api/v1/proposals/%d", knows[o], true)
						m.byID("page: proposal", o, fmt.Sprintf("/proposals/%d", ob.proposal), "/proposals/%d", knows[o], false)
					}
					secret := int64(0)
					if knows[hidden] {
						secret = 1
					}
					m.count("counts: unannounced proposals", res.Counts.ByForm["unannounced"], secret)
				}

				// Statistics (issue 12): the report's JSON, its Excel, its page and
				// the list behind a figure count the secret visit only for those who
				// may know of it; inspectors and the administrator read none.
				period := "from=2027-01-01&to=2027-12-31"
				statsReader := r.role != models.RoleAdmin && r.role != models.RoleInspector
				if !statsReader {
					if got := c.Get("/api/v1/reports/periodic?" + period); got.Status != http.StatusForbidden {
						t.Errorf("%s: the report answers %d to a role without statistics", d, got.Status)
					}
				} else {
					var rep struct {
						ByForm []struct {
							Key   string
							Count int64
						} `json:"by_form"`
					}
					jsonInto(t, c, "/api/v1/reports/periodic?"+period, &rep)
					var unannounced int64
					for _, x := range rep.ByForm {
						if x.Key == "unannounced" {
							unannounced = x.Count
						}
					}
					secret := int64(0)
					if knows[hidden] {
						secret = 1
					}
					m.count("statistics: JSON unannounced", unannounced, secret)
					xl := xlsxText(t, c, "/reports/periodic.xlsx?"+period)
					m.expect("statistics: Excel", hidden, strings.Contains(xl, fmt.Sprintf("Đột xuất\t%d", 1)), knows[hidden])
					listed := c.Get("/reports/list?" + period + "&form=unannounced").Body
					m.expect("statistics: list behind a figure", hidden,
						strings.Contains(listed, fmt.Sprintf("/calendar/visits/%d", objs[hidden].visit.ID)), knows[hidden])
					page := c.Get("/reports?" + period).Body
					m.expect("statistics: page", hidden, strings.Contains(page, "form=unannounced"), knows[hidden])
					dash := c.Get("/dashboard?" + period).Body
					m.expect("statistics: dashboard", hidden, strings.Contains(dash, "form=unannounced"), knows[hidden])
					pdf := c.Get("/reports/periodic.pdf?" + period)
					if pdf.Status != http.StatusOK {
						t.Fatalf("%s: the report's PDF answers %d", d, pdf.Status)
					}
					m.expect("statistics: PDF", hidden, strings.Contains(strings.Join(strings.Fields(pdfText(t, []byte(pdf.Body))), " "),
						"Đột xuất 1"), knows[hidden])
					all := c.Get("/reports/list?" + period).Body
					if r.role != models.RoleUnit {
						for _, o := range leakObjects {
							m.expect("statistics: list of every inspection", o,
								strings.Contains(all, fmt.Sprintf("/calendar/visits/%d", objs[o].visit.ID)), knows[o])
						}
					}
				}

				surveysAndEvaluation(t, m, c, r, d, objs, knows, w.CommuneA.ID, statsReader)

				// Prints: the published plan lists no secret visit, for anyone.
				if r.plans {
					print := c.Get(fmt.Sprintf("/plans/versions/%d/print", w.Published.ID))
					if print.Status != http.StatusOK || strings.Contains(print.Body, "12/04/2027") {
						t.Errorf("%s: the plan's print (%d) lists the unannounced visit", d, print.Status)
					}
				}

				// Counts on the plan version's page: the proposals of the visits
				// the role knows of (the secret one's only for those who know
				// it), and the engine's totals only for those who see every visit
				// (the board reads them through the same Version; this fixture has
				// no planner input, so its board is a 409 for everyone).
				if r.plans {
					var want int64
					if err := srv.DB.Raw(`SELECT count(*) FROM visit_proposals vp JOIN visits v ON v.id = vp.visit_id
						WHERE v.plan_version_id = ? AND (v.id <> ? OR ?)`, w.Published.ID, w.Unannounced.ID, knows[hidden]).
						Scan(&want).Error; err != nil {
						t.Fatal(err)
					}
					page := c.Get(fmt.Sprintf("/plans/versions/%d", w.Published.ID)).Body
					got := int64(-1)
					if mm := versionProposals.FindStringSubmatch(page); mm != nil {
						got, _ = strconv.ParseInt(mm[1], 10, 64)
					}
					m.count("page: plan version's proposals", got, want)
					totals := r.role == models.RolePlanner || r.role == models.RoleApprover
					m.expect("page: plan version's engine score", hidden, strings.Contains(page, `data-test="fit-details"`), totals)
					var d struct {
						Version struct {
							Penalty *float64       `json:"penalty"`
							Metrics map[string]any `json:"metrics"`
						} `json:"version"`
					}
					jsonInto(t, c, fmt.Sprintf("/api/v1/plan-versions/%d", w.Published.ID), &d)
					m.expect("JSON: plan version's engine totals", hidden, d.Version.Metrics != nil || d.Version.Penalty != nil, totals)
					var list struct {
						Items []struct {
							Metrics map[string]any `json:"metrics"`
						} `json:"items"`
					}
					jsonInto(t, c, "/api/v1/plans/2027/versions", &list)
					shown := false
					for _, it := range list.Items {
						shown = shown || it.Metrics != nil
					}
					m.expect("JSON: plan versions' engine totals", hidden, shown, totals)
				}

				// In-app notifications and the badge, then outgoing mail: a
				// marker may reach a user only when they may read its object.
				var inbox struct{ Items []models.Notification }
				jsonInto(t, c, "/api/v1/notifications", &inbox)
				var texts []string
				unread := 0
				for _, n := range inbox.Items {
					texts = append(texts, n.Subject+"\n"+n.Body+"\n"+n.Link)
					if n.ReadAt == nil {
						unread++
					}
				}
				badge := c.Get("/notifications/badge").Body
				if unread > 0 && !strings.Contains(badge, fmt.Sprintf(">%d</span>", unread)) || unread == 0 && strings.Contains(badge, "count") {
					t.Errorf("%s: badge %q, want %d unread", d, badge, unread)
				}
				var mails []string
				for _, msg := range sent {
					if slices.Contains(msg.To, users[i].Email) {
						mails = append(mails, msg.Subject+"\n"+msg.Body)
					}
				}
				for _, o := range leakObjects {
					ob := objs[o]
					inApp := slices.ContainsFunc(texts, func(s string) bool {
						return strings.Contains(s, ob.marker) || strings.Contains(s, ob.number) ||
							strings.Contains(s, fmt.Sprintf("/recommendations/%d", ob.rec))
					})
					mailed := slices.ContainsFunc(mails, func(s string) bool {
						return strings.Contains(s, ob.marker) || strings.Contains(s, ob.number)
					})
					if inApp && !recs[o] {
						t.Errorf("%s: in-app notifications tell of the %s recommendation", d, o)
					}
					if mailed && !recs[o] {
						t.Errorf("%s: a mail tells of the %s recommendation", d, o)
					}
				}
			})
		}
	}

	// Positive controls of the notices: the unit told of the secret visit's
	// recommendation on its first day only; the ward told when the district's
	// conclusion named it.
	commune, wardUser := users[6], users[9]
	if got := notesAbout(t, srv, commune.ID, objs[hidden].marker); !strings.HasSuffix(got, " on "+dayOf.String()) {
		t.Errorf("the commune's notices of the secret visit's recommendation: %s, want some, all on its first day", got)
	}
	if !mailedAbout(mail.Messages(), commune.Email, objs[hidden].marker) {
		t.Error("the commune got no mail about the secret visit's recommendation once it started")
	}
	// The commune's head was asked for the survey of the planned visit the
	// day before the unannounced one started, and of that one from its first day.
	for o, want := range map[string]string{own: dayBefore.String(), hidden: dayOf.String()} {
		var days []string
		if err := srv.DB.Raw(`SELECT to_char(created_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD') FROM notifications
			WHERE user_id = ? AND kind = 'survey_open' AND link = ?`, head.ID, fmt.Sprintf("/surveys/visits/%d", objs[o].visit.ID)).
			Scan(&days).Error; err != nil {
			t.Fatal(err)
		}
		if len(days) != 1 || days[0] != want || !mailedAbout(mail.Messages(), head.Email, objs[o].visit.Code) && !mailedAbout(mail.Messages(), head.Email, "phiếu ý kiến") {
			t.Errorf("the head's survey invitations for the %s visit: %v, want one on %s, and a mail", o, days, want)
		}
	}
	var issued int64
	srv.DB.Table("notifications").Where("user_id = ? AND kind = 'conclusion_issued'", wardUser.ID).Count(&issued)
	if issued != 1 || !mailedAbout(mail.Messages(), wardUser.Email, "Kết luận") {
		t.Errorf("the ward named in the district's conclusion: %d notices of it, mailed %v; want 1 and a mail",
			issued, mailedAbout(mail.Messages(), wardUser.Email, "Kết luận"))
	}
}

// versionProposals reads the proposals count of a plan version's page.
var versionProposals = regexp.MustCompile(`data-test="proposals">(\d+)<`)

// leakCheck compares what a channel showed with what the rule allows.
type leakCheck struct {
	t   *testing.T
	c   *webtest.Client
	day models.Date
}

func (m *leakCheck) expect(channel, object string, got, want bool) {
	m.t.Helper()
	if got != want {
		m.t.Errorf("%s: %s shows the %s object = %v, want %v", m.day, channel, object, got, want)
	}
}

func (m *leakCheck) count(what string, got, want int64) {
	m.t.Helper()
	if got != want {
		m.t.Errorf("%s: %s %d, want %d", m.day, what, got, want)
	}
}

// byID asks for an object by id. Seen: 200, or a redirect onwards. Not seen:
// the same answer as for an id that does not exist (never a 2xx or 3xx), and
// 404 wherever the role may use the route at all.
func (m *leakCheck) byID(channel, object, path, missingPattern string, want bool, asJSON bool) {
	m.t.Helper()
	get := m.c.Get
	if asJSON {
		get = m.c.GetJSON
	}
	r := get(path)
	seen := r.Status == http.StatusOK || r.Status == http.StatusSeeOther
	if seen != want {
		m.t.Errorf("%s: %s %s: %d, want seen=%v", m.day, channel, path, r.Status, want)
		return
	}
	if want {
		return
	}
	missing := missingPattern
	if strings.Contains(missingPattern, "%d") {
		missing = fmt.Sprintf(missingPattern, 99999999)
	}
	if nr := get(missing); nr.Status != r.Status {
		m.t.Errorf("%s: %s %s answers %d but a missing id answers %d: the object's existence leaks", m.day, channel, path, r.Status, nr.Status)
	}
	if r.Status != http.StatusNotFound && r.Status != http.StatusForbidden {
		m.t.Errorf("%s: %s %s: %d, want 404 (or the role's 403 on a route it may not use)", m.day, channel, path, r.Status)
	}
}

// outcomeForm is a valid outcome of responsibility.
var outcomeForm = url.Values{"measure": {"khien_trach"}, "subject": {"Ông Nguyễn Văn A"}, "decided_on": {"2027-04-01"},
	"document_number": {"15/QĐ-UBND"}}

// postByID posts form to path: want says the object is reachable (the answer
// is then one of seenStatus); otherwise the answer must be 404, as for a missing id.
func (m *leakCheck) postByID(channel, object, path, missingPattern string, form url.Values, want bool, seenStatus ...int) {
	m.t.Helper()
	r := m.c.PostForm(path, form)
	if want {
		if !slices.Contains(seenStatus, r.Status) {
			m.t.Errorf("%s: %s %s: %d, want one of %v", m.day, channel, path, r.Status, seenStatus)
		}
		return
	}
	if nr := m.c.PostForm(fmt.Sprintf(missingPattern, 99999999), form); r.Status != http.StatusNotFound || nr.Status != r.Status {
		m.t.Errorf("%s: %s %s answers %d, a missing id %d: want 404 for both", m.day, channel, path, r.Status, nr.Status)
	}
}

// jsonIDs returns the ids of the items of a JSON list {"items": [...]}.
func jsonIDs(t *testing.T, c *webtest.Client, path string) map[int64]bool {
	t.Helper()
	var res struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
	}
	jsonInto(t, c, path, &res)
	out := map[int64]bool{}
	for _, it := range res.Items {
		out[it.ID] = true
	}
	return out
}

func jsonInto(t *testing.T, c *webtest.Client, path string, v any) {
	t.Helper()
	r := c.GetJSON(path)
	if r.Status != http.StatusOK {
		t.Fatalf("GET %s: %d %.300s", path, r.Status, r.Body)
	}
	r.JSON(t, v)
}

// xlsxText returns every cell of every sheet of the workbook at path.
func xlsxText(t *testing.T, c *webtest.Client, path string) string {
	t.Helper()
	r := c.Get(path)
	if r.Status != http.StatusOK {
		t.Fatalf("GET %s: %d %.200s", path, r.Status, r.Body)
	}
	f, err := excelize.OpenReader(bytes.NewReader([]byte(r.Body)))
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	defer f.Close()
	var b strings.Builder
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range rows {
			b.WriteString(strings.Join(row, "\t") + "\n")
		}
	}
	return b.String()
}

// concludeTheDistrictsVisit walks the district's visit through its workflow
// on the JSON API as the planner, on the days each step happens, and issues
// its conclusion with a recommendation for a ward below the district (the
// object's) and one for the district.
func concludeTheDistrictsVisit(t *testing.T, srv *webtest.Server, planner *webtest.Client, w *visitstest.World, ward models.Unit, o *leakObject) {
	t.Helper()
	id := w.District.ID
	post := func(day, path, body string) webtest.Response {
		t.Helper()
		setDay(t, srv, models.MustParseDate(day))
		r := planner.SendJSON(http.MethodPost, path, body)
		if r.Status != http.StatusOK && r.Status != http.StatusCreated {
			t.Fatalf("POST %s on %s: %d %.400s", path, day, r.Status, r.Body)
		}
		return r
	}
	post("2027-03-01", fmt.Sprintf("/api/v1/visits/%d/decision", id), fmt.Sprintf(
		`{"signed_on":"2027-03-01","signer_name":"Trần Văn Hùng","scope":"Kỷ luật hành chính","lead_id":%d}`, w.Lead.ID))
	post("2027-03-02", fmt.Sprintf("/api/v1/visits/%d/status", id), `{"to":"announced","on_date":"2027-03-02"}`)
	post("2027-03-22", fmt.Sprintf("/api/v1/visits/%d/status", id), `{"to":"on_site","on_date":"2027-03-22"}`)
	post("2027-03-24", fmt.Sprintf("/api/v1/visits/%d/status", id), `{"to":"on_site_ended","on_date":"2027-03-24"}`)
	r := post("2027-03-25", fmt.Sprintf("/api/v1/visits/%d/conclusion", id), fmt.Sprintf(`{"signed_on":"2027-03-25",
		"signer_name":"Trần Văn Hùng","summary":"Quận và phường còn tồn tại.","recommendations":[
		{"owner_unit_id":%d,"action":"Cập nhật hồ sơ %s","deadline":"2027-04-25","severity":"medium"},
		{"owner_unit_id":%d,"action":"Chỉ đạo các phường","deadline":"2027-04-25","severity":"low"}]}`,
		ward.ID, o.marker, w.DistrictA.ID))
	var out struct {
		Conclusion struct {
			ID int64 `json:"id"`
		} `json:"conclusion"`
	}
	r.JSON(t, &out)
	o.conclusion = out.Conclusion.ID
	if o.conclusion == 0 {
		if err := srv.DB.Raw(`SELECT id FROM conclusions WHERE visit_id = ?`, id).Scan(&o.conclusion).Error; err != nil {
			t.Fatal(err)
		}
	}
	if err := srv.DB.Raw(`SELECT id FROM recommendations WHERE conclusion_id = ? AND owner_unit_id = ?`, o.conclusion, ward.ID).
		Scan(&o.rec).Error; err != nil || o.rec == 0 {
		t.Fatalf("the ward's recommendation: %v", err)
	}
	o.file = conclusionFile(t, srv, o.conclusion)
	var num struct {
		Number int
		Symbol string
	}
	if err := srv.DB.Raw(`SELECT number, symbol FROM conclusions WHERE id = ?`, o.conclusion).Scan(&num).Error; err != nil {
		t.Fatal(err)
	}
	o.number = fmt.Sprintf("%02d/%s", num.Number, num.Symbol)
}

// refuseTheUnannouncedVisitEarly: the workflow refuses "on site" eight days
// before the unannounced visit starts (422 naming the field, in vi and en),
// and so a conclusion.
func refuseTheUnannouncedVisitEarly(t *testing.T, srv *webtest.Server, planner *webtest.Client, w *visitstest.World) {
	t.Helper()
	id := w.Unannounced.ID
	setDay(t, srv, models.MustParseDate("2027-04-01"))
	if r := planner.SendJSON(http.MethodPost, fmt.Sprintf("/api/v1/visits/%d/decision", id), fmt.Sprintf(
		`{"signed_on":"2027-04-01","signer_name":"Trần Văn Hùng","scope":"Kỷ luật hành chính","lead_id":%d,"grounds":"Phản ánh của công dân về việc thu phí sai quy định"}`, w.Member.ID)); r.Status != http.StatusCreated {
		t.Fatalf("decision: %d %.300s", r.Status, r.Body)
	}
	setDay(t, srv, models.MustParseDate("2027-04-04"))
	before := srv.Count(t, "visit_events")
	r := planner.SendJSON(http.MethodPost, fmt.Sprintf("/api/v1/visits/%d/status", id), `{"to":"on_site","on_date":"2027-04-04"}`)
	var body struct {
		Fields []struct{ Field, Rule, VI, EN string } `json:"fields"`
	}
	r.JSON(t, &body)
	if r.Status != http.StatusUnprocessableEntity || len(body.Fields) != 1 || body.Fields[0].Field != "on_date" ||
		body.Fields[0].VI == "" || body.Fields[0].EN == "" || body.Fields[0].VI == body.Fields[0].EN {
		t.Fatalf("on site eight days early: %d %.400s, want 422 on on_date in vi and en", r.Status, r.Body)
	}
	if n := srv.Count(t, "visit_events"); n != before {
		t.Errorf("the refused move wrote %d events", n-before)
	}
	r = planner.SendJSON(http.MethodPost, fmt.Sprintf("/api/v1/visits/%d/conclusion", id),
		`{"signed_on":"2027-04-04","signer_name":"Trần Văn Hùng","summary":"Tồn tại."}`)
	if r.Status != http.StatusConflict {
		t.Errorf("a conclusion before the work on site: %d %.300s, want 409", r.Status, r.Body)
	}
}

// recordConclusion writes straight into the database a conclusion of o's
// visit (as an older workflow let one be recorded, even before a secret visit
// started) with a recommendation for the visited unit and a file.
func recordConclusion(t *testing.T, srv *webtest.Server, o *leakObject, number int) {
	t.Helper()
	db := srv.DB
	if err := db.Raw(`INSERT INTO conclusions (visit_id, number, issuing_body_id, year, signed_on, signer_name, summary)
		VALUES (?, ?, ?, 2027, '2027-04-10', 'Trần Văn Hùng', ?) RETURNING id`,
		o.visit.ID, number, o.visit.LeadBodyID, "Kết luận "+o.marker).Scan(&o.conclusion).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Raw(`INSERT INTO recommendations (conclusion_id, owner_unit_id, action, deadline, severity)
		VALUES (?, ?, ?, '2027-04-25', 'medium') RETURNING id`, o.conclusion, o.visit.UnitID, "Khắc phục "+o.marker).
		Scan(&o.rec).Error; err != nil {
		t.Fatal(err)
	}
	o.file = conclusionFile(t, srv, o.conclusion)
	o.number = fmt.Sprintf("%02d/KL-SNV", number)
}

// conclusionFile stores a small PDF as a paper of conclusion and returns its id.
func conclusionFile(t *testing.T, srv *webtest.Server, conclusion int64) int64 {
	t.Helper()
	data := []byte("%PDF-1.4\n% kết luận\n")
	sum := sha256.Sum256(data)
	var id int64
	if err := srv.DB.Raw(`INSERT INTO attachments (conclusion_id, filename, content_type, size_bytes, sha256, data)
		VALUES (?, 'ket-luan.pdf', 'application/pdf', ?, ?, ?) RETURNING id`, conclusion, len(data), hex.EncodeToString(sum[:]), data).
		Scan(&id).Error; err != nil {
		t.Fatal(err)
	}
	return id
}

// notesAbout says how many notifications of user mention marker and on which
// day they were written ("0" when none).
func notesAbout(t *testing.T, srv *webtest.Server, user int64, marker string) string {
	t.Helper()
	var days []string
	if err := srv.DB.Raw(`SELECT to_char(created_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD') FROM notifications
		WHERE user_id = ? AND (subject || body) LIKE '%' || ? || '%' ORDER BY id`, user, marker).Scan(&days).Error; err != nil {
		t.Fatal(err)
	}
	if len(days) == 0 {
		return "0"
	}
	return fmt.Sprintf("%d on %s", len(days), strings.Join(slices.Compact(days), ","))
}

func mailedAbout(msgs []mailtest.Message, to, text string) bool {
	return slices.ContainsFunc(msgs, func(m mailtest.Message) bool {
		return slices.Contains(m.To, to) && strings.Contains(m.Subject+"\n"+m.Body, text)
	})
}

// The plan workflow's channel (issue 10): each waiting step tells the person
// who must act, in-app and by mail, and publishing tells each unit of its
// planned visits. The unannounced visit to Quận Ba Đình is never announced:
// neither its unit's office nor its head hears of it, in the app or by mail,
// while the commune with a planned visit does (the positive control).
func TestPlanStepsNotifyWhoMustActAndNeverAnnounceAnUnannouncedVisit(t *testing.T) {
	t.Parallel()
	d := newPlansDemo(t)
	mail := mailtest.Start(t)
	cfg := d.srv.Config
	cfg.SMTPURL, _ = url.Parse(fmt.Sprintf("smtp://%s?tls=none", mail.Addr()))
	cfg.MailFrom = "khung@sonoivu.test"
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := app.New(app.Deps{Config: cfg, DB: d.srv.DB, Log: quiet, Now: d.srv.Clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	runner, err := jobs.New(a, quiet)
	if err != nil {
		t.Fatal(err)
	}
	planner, approver := d.client(t, d.planner), d.client(t, d.approver)
	id := d.buildFromPage(t, planner)
	inbox := func(c *webtest.Client) []models.Notification {
		var in struct{ Items []models.Notification }
		jsonInto(t, c, "/api/v1/notifications", &in)
		return in.Items
	}
	step := func(c *webtest.Client, path string, lock int) {
		t.Helper()
		r := c.PostForm(fmt.Sprintf("/plans/versions/%d/%s", id, path), url.Values{"lock_version": {fmt.Sprint(lock)}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("%s: %d %.500s", path, r.Status, r.Body)
		}
		if err := runner.RunOnce(t.Context(), "outbox", d.srv.Clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	mentions := func(items []models.Notification, text string) bool {
		return slices.ContainsFunc(items, func(n models.Notification) bool {
			return strings.Contains(n.Subject+n.Body, text)
		})
	}

	step(planner, "submit", 0)
	if items := inbox(approver); !mentions(items, "chờ phê duyệt") || !mailedAbout(mail.Messages(), "approver@khung.vn", "chờ phê duyệt") {
		t.Errorf("the approver was not told that the plan awaits approval: %+v", items)
	}
	if mentions(inbox(planner), "chờ phê duyệt") {
		t.Error("the planner who submitted is told of their own step")
	}
	r := approver.PostForm(fmt.Sprintf("/plans/versions/%d/return", id), url.Values{"lock_version": {"1"}, "reason": {"Bổ sung đoàn"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("return: %d", r.Status)
	}
	if !mentions(inbox(planner), "bị trả lại") {
		t.Error("the planner was not told that the plan was sent back")
	}
	step(planner, "submit", 2)
	if n := len(inbox(approver)); n != 2 {
		t.Errorf("a second submission after a return: the approver has %d notices, want 2", n)
	}
	step(approver, "approve", 3)
	step(approver, "publish", 4)

	unit, head, commune := d.client(t, webtest.User{Email: "unit@khung.vn", Password: seed.DemoPassword}),
		d.client(t, webtest.User{Email: "unit.head@khung.vn", Password: seed.DemoPassword}), d.client(t, d.unitUsr)
	if items := inbox(commune); !mentions(items, "Phường Phúc Xá") || !mailedAbout(mail.Messages(), "phucxa@khung.vn", "Phường Phúc Xá") {
		t.Errorf("the commune was not told of its planned visit (in-app %+v)", items)
	}
	for who, c := range map[string]*webtest.Client{"unit@khung.vn": unit, "unit.head@khung.vn": head} {
		if items := inbox(c); mentions(items, "Quận Ba Đình") || mailedAbout(mail.Messages(), who, "Quận Ba Đình") {
			t.Errorf("%s heard of the unannounced visit to Quận Ba Đình: %+v", who, items)
		}
	}
	var published int64
	d.srv.DB.Table("notifications").Where("kind = 'plan_published'").Count(&published)
	var outbox int64
	d.srv.DB.Table("mail_outbox").Where("subject LIKE ?", "%Quận Ba Đình%").Count(&outbox)
	if published == 0 || outbox != 0 {
		t.Errorf("%d publication notices, %d mails of Quận Ba Đình in the outbox (want some, and none)", published, outbox)
	}
}

// surveysAndEvaluation checks the channels of the units' survey, of
// misconduct reports and of the evaluation for one role and day: the
// survey's list and the misconduct form name the secret visit only to its
// unit from its start; the scores and the lists behind them count it only
// for those who may know of it; leadership's pages answer only leadership.
func surveysAndEvaluation(t *testing.T, m *leakCheck, c *webtest.Client, r leakRole, d models.Date, objs map[string]*leakObject,
	knows map[string]bool, commune int64, statsReader bool) {
	t.Helper()
	unitOfCommune := r.role == models.RoleUnit && len(r.opts) > 0 && r.name == "unit of the visited commune"
	status := func(path string) int { return c.Get(path).Status }
	want := func(ok bool) int {
		if ok {
			return http.StatusOK
		}
		return http.StatusForbidden
	}
	for path, ok := range map[string]bool{
		"/surveys":             r.role == models.RoleUnit,
		"/misconduct":          r.role == models.RoleUnit,
		"/misconduct/inbox":    r.role == models.RoleApprover,
		"/surveys/results":     r.role == models.RoleApprover || r.role == models.RoleViewer,
		"/evaluation":          r.role == models.RoleApprover || r.role == models.RoleViewer || r.role == models.RoleUnit,
		"/evaluation/criteria": true,
	} {
		if got := status(path); got != want(ok) {
			t.Errorf("%s: %s answers %d, want %d", d, path, got, want(ok))
		}
	}
	if r.role == models.RoleUnit {
		open := c.Get("/surveys").Body
		form := c.Get("/misconduct").Body
		for _, o := range []string{own, hidden} {
			id := objs[o].visit.ID
			m.expect("surveys: the unit's open surveys", o, strings.Contains(open, fmt.Sprintf("/surveys/visits/%d", id)), unitOfCommune && knows[o])
			m.expect("misconduct: the visits to name", o, strings.Contains(form, fmt.Sprintf(`value="%d"`, id)), unitOfCommune && knows[o])
		}
	}
	if statsReader {
		period := "from=2027-01-01&to=2027-12-31"
		findings := c.Get("/reports/list/findings?" + period).Body
		conclusions := c.Get("/reports/list/conclusions?" + period).Body
		var ageing strings.Builder
		for _, band := range []string{"0", "1-5", "6-10", "11-30", "31+"} {
			ageing.WriteString(c.Get("/reports/list/ageing?" + period + "&band=" + url.QueryEscape(band)).Body)
		}
		link := fmt.Sprintf("/calendar/visits/%d", objs[hidden].visit.ID)
		m.expect("statistics: findings behind a figure", hidden, strings.Contains(findings, link), knows[hidden])
		m.expect("statistics: conclusions behind a team's figure", hidden, strings.Contains(conclusions, link), knows[hidden])
		m.expect("statistics: ageing behind a figure", hidden, strings.Contains(ageing.String(), link), knows[hidden])
	}
	if r.role == models.RoleApprover || r.role == models.RoleViewer || r.role == models.RoleUnit {
		var s struct {
			Units []struct {
				ID    int64
				Parts []struct {
					Criterion struct{ Measure string }
					Of        int64
				}
			}
		}
		jsonInto(t, c, "/api/v1/evaluation/scores?period=2027", &s)
		var of int64
		for _, u := range s.Units {
			for _, p := range u.Parts {
				if u.ID == commune && p.Criterion.Measure == "violation_free" {
					of = p.Of
				}
			}
		}
		var wantOf int64
		for _, o := range []string{own, hidden} {
			if knows[o] {
				wantOf++
			}
		}
		m.count("evaluation: the commune's visits scored", of, wantOf)
	}
}
