package planning

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// explain turns the final schedule into plan rows with their why sentences.
func (st *state) explain(greedy bool) groupResult {
	p := st.p
	m := p.m
	byInsp := make([][]int32, p.nI)
	for v := range p.visits {
		for _, i := range st.team[v] {
			byInsp[i] = append(byInsp[i], int32(v))
		}
	}
	ex := &explainer{st: st, byInsp: byInsp, byArea: make([][]int32, p.nArea)}
	for v := range p.visits {
		if a := p.visits[v].area; a >= 0 {
			ex.byArea[a] = append(ex.byArea[a], int32(v))
		}
	}
	var notes map[int][]text
	var out groupResult
	for v := range p.visits {
		pv := &p.visits[v]
		s := int(st.start[v])
		if s < 0 {
			reason := text{pv.reason, pv.reasonVi}
			if reason.en == "" {
				if notes == nil {
					notes = p.capacityNotes()
				}
				reason = ex.unplacedReason(v, notes[v])
			}
			out.unscheduled = append(out.unscheduled, Unscheduled{
				Visit: pv.mv.ID, Proposals: slices.Clone(pv.mv.Proposals), Reason: reason.en, ReasonVi: reason.vi})
			continue
		}
		team := slices.Clone(st.team[v])
		slices.Sort(team[1:]) // local indices follow inspector ids
		members := make([]TeamMember, len(team))
		for k, i := range team {
			role := RoleMember
			if k == 0 {
				role = RoleLead
			}
			members[k] = TeamMember{Inspector: m.inspectors[p.insp[i]].ID, Role: role}
		}
		why := ex.why(v, greedy)
		out.visits = append(out.visits, Visit{
			ID: pv.mv.ID, Unit: pv.mv.Unit, Form: pv.mv.Form,
			Proposals: slices.Clone(pv.mv.Proposals), LeadBody: pv.mv.LeadBody,
			Start: m.dateOf(s), End: m.dateOf(s + pv.days - 1), Days: pv.days,
			Team: members, Why: why.en(), WhyVi: why.vi(),
		})
	}
	return out
}

type explainer struct {
	st     *state
	byInsp [][]int32 // inspector → visits they are on
	byArea [][]int32 // area → planned visits of the area
}

func (ex *explainer) name(i int32) string {
	p := ex.st.p
	return p.m.inspectors[p.insp[i]].ID
}

// why returns the sentences that explain visit v's merge, date and team.
func (ex *explainer) why(v int, greedy bool) texts {
	st, p := ex.st, ex.st.p
	m := p.m
	pv := &p.visits[v]
	mv := pv.mv
	s := int(st.start[v])
	var why texts

	// 1. What was merged.
	bodyOf := func(id string) string { return m.proposals[id].Body }
	switch {
	case mv.Form != FormPlanned:
		why.add(fmt.Sprintf("%s proposal %s of %s: never merged, a visit of its own",
			mv.Form, mv.Proposals[0], bodyOf(mv.Proposals[0])),
			fmt.Sprintf("Đề xuất kiểm tra %s %s của %s: không gộp với đề xuất nào, là một cuộc kiểm tra riêng",
				formVi(mv.Form), mv.Proposals[0], bodyOf(mv.Proposals[0])))
	case len(mv.Proposals) == 1:
		why.add(fmt.Sprintf("proposal %s of %s: the only planned proposal for unit %s",
			mv.Proposals[0], bodyOf(mv.Proposals[0]), mv.Unit),
			fmt.Sprintf("Đề xuất %s của %s: đề xuất kiểm tra theo kế hoạch duy nhất đối với đơn vị %s",
				mv.Proposals[0], bodyOf(mv.Proposals[0]), mv.Unit))
	default:
		parts := make([]string, len(mv.Proposals))
		for k, id := range mv.Proposals {
			parts[k] = fmt.Sprintf("%s (%s)", id, bodyOf(id))
		}
		if len(mv.Bodies) == 1 {
			why.add(fmt.Sprintf("merged %s: same unit %s, all planned, one body", joinAnd(parts), mv.Unit),
				fmt.Sprintf("Gộp các đề xuất %s: cùng đơn vị %s, đều theo kế hoạch, của cùng một cơ quan", joinVa(parts), mv.Unit))
		} else {
			why.add(fmt.Sprintf("merged %s: same unit %s, all planned; %s leads (lowest precedence); %d working days and a team of %d for %d bodies",
				joinAnd(parts), mv.Unit, mv.LeadBody, mv.Days, mv.TeamSize, len(mv.Bodies)),
				fmt.Sprintf("Gộp các đề xuất %s: cùng đơn vị %s, đều theo kế hoạch; %s là cơ quan chủ trì (thứ tự ưu tiên cao nhất); %d ngày làm việc và đoàn kiểm tra %d người cho %d cơ quan",
					joinVa(parts), mv.Unit, mv.LeadBody, mv.Days, mv.TeamSize, len(mv.Bodies)))
		}
	}

	// 2. Why this date.
	date := m.dateOf(s)
	var inside, outside texts
	for k, iv := range mv.Windows {
		if iv.From == "" {
			continue
		}
		a, z := m.dayRange(iv)
		in := max(0, min(s+pv.days-1, z)-max(s, a)+1)
		if in == pv.days {
			inside.add(fmt.Sprintf("%s (%s..%s)", mv.Proposals[k], iv.From, iv.To),
				fmt.Sprintf("%s (%s–%s)", mv.Proposals[k], viDate(iv.From), viDate(iv.To)))
		} else {
			outside.add(fmt.Sprintf("%d working days outside the window %s..%s of %s", pv.days-in, iv.From, iv.To, mv.Proposals[k]),
				fmt.Sprintf("%d ngày làm việc nằm ngoài thời gian đề xuất %s–%s của %s", pv.days-in, viDate(iv.From), viDate(iv.To), mv.Proposals[k]))
		}
	}
	switch {
	case len(inside) == 0 && len(outside) == 0:
		why.add(fmt.Sprintf("start %s: no window was asked", date),
			fmt.Sprintf("Bắt đầu ngày %s: không đề xuất nào nêu thời gian đề xuất", viDate(date)))
	case len(outside) == 0:
		why.add(fmt.Sprintf("start %s: every day inside the window of %s", date, joinAnd(inside.en())),
			fmt.Sprintf("Bắt đầu ngày %s: mọi ngày đều nằm trong thời gian đề xuất của %s", viDate(date), joinVa(inside.vi())))
	default:
		why.add(fmt.Sprintf("start %s: %s", date, strings.Join(outside.en(), "; ")),
			fmt.Sprintf("Bắt đầu ngày %s: %s", viDate(date), strings.Join(outside.vi(), "; ")))
	}
	if greedy {
		why.add("baseline: first start (in-window first, then by date) where the first team by id is free",
			"Phương án cơ sở: ngày bắt đầu đầu tiên (trước hết trong thời gian đề xuất, sau đó theo ngày) mà đoàn kiểm tra đầu tiên theo mã còn rảnh")
	}
	// What stopped a start with a cheaper window.
	cheapest, alt := int64(-1), -1
	for x := 0; x < p.nW; x++ {
		if !pv.startOK[x] {
			continue
		}
		c := pv.win[x]
		if cheapest < 0 || c < cheapest || (c == cheapest && absInt(x-s) < absInt(alt-s)) {
			cheapest, alt = c, x
		}
	}
	if pv.win[s] > cheapest && alt >= 0 {
		saved := st.team[v]
		st.unplace(v)
		b := ex.blocker(v, alt)
		st.place(v, s, saved)
		if b.en == "" {
			b = text{"the plan is cheaper overall with this date (month balance, shared area weeks, teams of other visits)",
				"với ngày này tổng điểm phạt của kế hoạch thấp hơn (cân đối giữa các tháng, tuần chung của địa bàn, đoàn kiểm tra của các cuộc kiểm tra khác)"}
		}
		verb := text{"would be in the window", "thì nằm trong thời gian đề xuất"}
		if cheapest > 0 {
			verb = text{"would miss the windows by fewer days", "thì ít ngày nằm ngoài thời gian đề xuất hơn"}
		}
		why.add(fmt.Sprintf("%s %s but %s", m.dateOf(alt), verb.en, b.en),
			fmt.Sprintf("Nếu bắt đầu ngày %s %s nhưng %s", viDate(m.dateOf(alt)), verb.vi, b.vi))
	}
	if cheapest > 0 && len(outside) > 0 {
		t := ex.windowsImpossible(pv)
		why.add(t.en, capitalize(t.vi))
	}
	if pv.area >= 0 {
		var others []string
		k := int(pv.area)*p.nWeek + int(p.week[s])
		if st.aw[k] > 1 {
			for _, u := range ex.byArea[pv.area] {
				if int(u) != v && st.start[u] >= 0 && p.week[st.start[u]] == p.week[s] {
					others = append(others, p.visits[u].mv.ID)
				}
			}
		}
		y, w := m.cal.ISOWeek(s)
		area := p.areaID[pv.area]
		if len(others) == 0 {
			why.add(fmt.Sprintf("the only visit of area %s starting in week %d-W%02d", area, y, w),
				fmt.Sprintf("Cuộc kiểm tra duy nhất trên địa bàn %s bắt đầu trong tuần %d năm %d", area, w, y))
		} else {
			why.add(fmt.Sprintf("shares week %d-W%02d of area %s with %s (one trip)", y, w, area, joinAnd(capList(others, 4))),
				fmt.Sprintf("Cùng tuần %d năm %d trên địa bàn %s với %s (một chuyến đi)", w, y, area, joinVa(capListVi(others, 4))))
		}
	}

	// 3. Why this team.
	team := st.team[v]
	lead := team[0]
	leadLine := textf("lead %s of %s: can lead, free of conflict of interest and free on all %d days",
		"Trưởng đoàn %s (%s): có thể làm trưởng đoàn, không có xung đột lợi ích và rảnh cả %d ngày", ex.name(lead), mv.LeadBody, pv.days)
	if isRot(pv, lead) {
		leadLine.en += "; led the unit's last visit (rotation), no other lead inspector of " + mv.LeadBody + " was free then"
		leadLine.vi += "; đã làm trưởng đoàn cuộc kiểm tra gần nhất tại đơn vị (cần luân chuyển) nhưng khi đó không còn ai khác của " + mv.LeadBody + " có thể làm trưởng đoàn và rảnh"
	} else if len(pv.rot) > 0 {
		leadLine.en += fmt.Sprintf("; not %s, who led the unit's last visit", ex.name(pv.rot[0]))
		leadLine.vi += fmt.Sprintf("; không phải %s, người đã làm trưởng đoàn cuộc kiểm tra gần nhất tại đơn vị", ex.name(pv.rot[0]))
	}
	why = append(why, leadLine)
	if len(team) > 1 {
		var parts []string
		for _, i := range sortedMembers(team) {
			parts = append(parts, fmt.Sprintf("%s (%s)", ex.name(i), m.inspectors[p.insp[i]].Body))
		}
		line := text{"members " + joinAnd(parts), "Thành viên: " + joinVa(parts)}
		if len(pv.skills) > 0 {
			line.en += "; skills " + strings.Join(mv.Skills, ", ") + " covered"
			line.vi += "; đáp ứng đủ các chuyên môn " + strings.Join(mv.Skills, ", ")
		}
		why = append(why, line)
	}
	for k, b := range pv.bodies {
		if !teamHasBody(p, team, b) {
			why.add(fmt.Sprintf("no free inspector of %s could join the team on these days", mv.Bodies[k]),
				fmt.Sprintf("Không còn ai của %s rảnh để tham gia đoàn kiểm tra vào những ngày này", mv.Bodies[k]))
		}
	}
	return why
}

func sortedMembers(team []int32) []int32 {
	m := slices.Clone(team[1:])
	slices.Sort(m)
	return m
}

// blocker explains why visit v (not placed) cannot start at s given the other
// visits, or returns the empty text when it could.
func (ex *explainer) blocker(v, s int) text {
	st, p := ex.st, ex.st.p
	pv := &p.visits[v]
	if s+pv.days > p.nW {
		return text{"the visit would run past the last working day of the year",
			"cuộc kiểm tra sẽ kéo dài quá ngày làm việc cuối cùng của năm"}
	}
	if !pv.startOK[s] {
		return text{"the unit has a blackout on those days", "những ngày đó trùng ngày nghỉ của đơn vị"}
	}
	if o := st.siblingClash(v, s); o >= 0 {
		return textf("another visit of the unit, %s, runs on those days",
			"cuộc kiểm tra khác tại đơn vị, %s, diễn ra vào những ngày đó", p.visits[o].mv.ID)
	}
	cand := newBitset(p.nI)
	p.free(pv, s, st.occ, st.load, cand)
	leads := newBitset(p.nI)
	for w := range leads {
		leads[w] = cand[w] & pv.leads[w]
	}
	if leads.count() == 0 {
		var why texts
		pv.leads.each(func(i int) {
			if len(why) < 3 {
				why = append(why, ex.busy(int32(i), s, pv.days))
			}
		})
		if n := pv.leads.count(); n > 3 {
			why.add(fmt.Sprintf("%d other lead inspectors are busy too", n-3),
				fmt.Sprintf("%d người khác có thể làm trưởng đoàn cũng bận", n-3))
		}
		return text{"no lead inspector of " + pv.mv.LeadBody + " is free: " + joinAnd(why.en()),
			"không có ai của " + pv.mv.LeadBody + " có thể làm trưởng đoàn mà còn rảnh: " + joinVa(why.vi())}
	}
	for k, sk := range pv.skills {
		set := p.skillSet[sk]
		hit := false
		for w := range cand {
			hit = hit || cand[w]&set[w] != 0
		}
		if !hit {
			var why texts
			set.each(func(i int) {
				if len(why) < 3 && pv.elig.has(i) {
					why = append(why, ex.busy(int32(i), s, pv.days))
				}
			})
			return text{fmt.Sprintf("no free inspector holds skill %s: %s", pv.mv.Skills[k], joinAnd(why.en())),
				fmt.Sprintf("không có ai có chuyên môn %s còn rảnh: %s", pv.mv.Skills[k], joinVa(why.vi()))}
		}
	}
	if n := cand.count(); n < pv.size {
		return textf("only %d inspectors free of conflict of interest are free on those days and the team needs %d",
			"chỉ có %d người không có xung đột lợi ích rảnh vào những ngày đó trong khi đoàn kiểm tra cần %d người", n, pv.size)
	}
	if st.buildTeam(v, s, teamBalanced) == nil {
		return textf("no team of %d with a lead of %s and every skill is free on those days",
			"không lập được đoàn kiểm tra %d người có trưởng đoàn của %s và đủ các chuyên môn mà cùng rảnh vào những ngày đó", pv.size, pv.mv.LeadBody)
	}
	return text{}
}

// busy says why inspector i cannot take days [s, s+days).
func (ex *explainer) busy(i int32, s, days int) text {
	st, p := ex.st, ex.st.p
	name := ex.name(i)
	for d := s; d < s+days; d++ {
		if p.leave[d].has(int(i)) {
			date := p.m.dateOf(d)
			return text{fmt.Sprintf("%s is on leave on %s", name, date), fmt.Sprintf("%s nghỉ phép ngày %s", name, viDate(date))}
		}
	}
	for _, u := range ex.byInsp[i] {
		us := int(st.start[u])
		if us >= 0 && us < s+days && s < us+p.visits[u].days && inTeam(st.team[u], int(i)) {
			return textf("%s is on %s", "%s đang tham gia cuộc kiểm tra %s", name, p.visits[u].mv.ID)
		}
	}
	if p.maxDays[i] > 0 && st.load[i]+int32(days) > p.maxDays[i] {
		return textf("%s would pass max_days (%d)", "%s sẽ vượt số ngày tối đa (%d)", name, p.maxDays[i])
	}
	return text{name + " is free", name + " còn rảnh"}
}

// unplacedReason explains why a possible visit stayed unscheduled after search.
func (ex *explainer) unplacedReason(v int, notes []text) text {
	p := ex.st.p
	pv := &p.visits[v]
	var en, vi strings.Builder
	fmt.Fprintf(&en, "every start where a team could exist (%d of them) collides with other visits", len(pv.starts))
	fmt.Fprintf(&vi, "mọi ngày bắt đầu có thể lập được đoàn kiểm tra (%d ngày) đều trùng với các cuộc kiểm tra khác", len(pv.starts))
	best := -1
	for k, s := range pv.starts {
		if best < 0 || pv.win[s] < pv.win[pv.starts[best]] {
			best = k
		}
	}
	if best >= 0 {
		s := int(pv.starts[best])
		if why := ex.blocker(v, s); why.en != "" {
			date := p.m.dateOf(s)
			fmt.Fprintf(&en, "; on %s %s", date, why.en)
			fmt.Fprintf(&vi, "; ngày %s: %s", viDate(date), why.vi)
		}
	}
	for _, n := range notes {
		en.WriteString("; " + n.en)
		vi.WriteString("; " + n.vi)
	}
	return text{en.String(), vi.String()}
}

// windowsImpossible says why no start keeps every day inside every window.
func (ex *explainer) windowsImpossible(pv *pvisit) text {
	m := ex.st.p.m
	lo, hi := 0, ex.st.p.nW-1
	var named texts
	for k, iv := range pv.mv.Windows {
		if iv.From == "" {
			continue
		}
		a, z := m.dayRange(iv)
		lo, hi = max(lo, a), min(hi, z)
		named.add(fmt.Sprintf("%s (%s..%s)", pv.mv.Proposals[k], iv.From, iv.To),
			fmt.Sprintf("%s (%s–%s)", pv.mv.Proposals[k], viDate(iv.From), viDate(iv.To)))
	}
	const (
		noStart   = "no start keeps every day inside every window: "
		noStartVi = "không có ngày bắt đầu nào giữ mọi ngày trong mọi thời gian đề xuất: "
	)
	switch {
	case len(named) > 1 && hi-lo+1 < pv.days:
		return text{fmt.Sprintf(noStart+"the windows of %s leave no %d common working days", joinAnd(named.en()), pv.days),
			fmt.Sprintf(noStartVi+"thời gian đề xuất của %s không có chung đủ %d ngày làm việc", joinVa(named.vi()), pv.days)}
	case len(named) > 1:
		return text{fmt.Sprintf(noStart+"the common part %s..%s of the windows and the unit's blackouts leave no %d consecutive working days",
			m.dateOf(lo), m.dateOf(hi), pv.days),
			fmt.Sprintf(noStartVi+"phần chung %s–%s của các thời gian đề xuất, trừ ngày nghỉ của đơn vị, không còn đủ %d ngày làm việc liên tiếp",
				viDate(m.dateOf(lo)), viDate(m.dateOf(hi)), pv.days)}
	default:
		iv := pv.mv.Windows[slices.IndexFunc(pv.mv.Windows, func(iv Interval) bool { return iv.From != "" })]
		return text{fmt.Sprintf("window %s..%s and blackouts leave no %d consecutive working days", iv.From, iv.To, pv.days),
			fmt.Sprintf("thời gian đề xuất %s–%s, trừ ngày nghỉ của đơn vị, không còn đủ %d ngày làm việc liên tiếp", viDate(iv.From), viDate(iv.To), pv.days)}
	}
}

func joinAnd(parts []string) string {
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// joinVa joins Vietnamese list items: "a, b và c".
func joinVa(parts []string) string {
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " và " + parts[len(parts)-1]
}

func capListVi(list []string, n int) []string {
	if len(list) <= n {
		return list
	}
	return append(slices.Clone(list[:n]), fmt.Sprintf("%d cuộc kiểm tra khác", len(list)-n))
}

func capList(list []string, n int) []string {
	if len(list) <= n {
		return list
	}
	return append(slices.Clone(list[:n]), fmt.Sprintf("%d more", len(list)-n))
}

func absInt(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// text is one explanation in English and Vietnamese, built from the same data.
type text struct{ en, vi string }

// textf formats both languages with the same arguments in the same order.
func textf(en, vi string, args ...any) text {
	return text{fmt.Sprintf(en, args...), fmt.Sprintf(vi, args...)}
}

// texts is a list of explanations kept in step in both languages.
type texts []text

func (ts *texts) add(en, vi string) { *ts = append(*ts, text{en, vi}) }

func (ts texts) en() []string {
	out := make([]string, len(ts))
	for k, t := range ts {
		out[k] = t.en
	}
	return out
}

func (ts texts) vi() []string {
	out := make([]string, len(ts))
	for k, t := range ts {
		out[k] = t.vi
	}
	return out
}

// viDate writes an ISO date (YYYY-MM-DD) the Vietnamese way, dd/mm/yyyy; other
// strings pass unchanged.
func viDate(iso string) string {
	if len(iso) != 10 || iso[4] != '-' || iso[7] != '-' {
		return iso
	}
	return iso[8:10] + "/" + iso[5:7] + "/" + iso[0:4]
}

// formVi names a proposal form in Vietnamese.
func formVi(form string) string {
	switch form {
	case FormPlanned:
		return "theo kế hoạch"
	case FormUnannounced:
		return "đột xuất"
	case FormVerification:
		return "xác minh"
	}
	return form
}

// capitalize upper-cases the first letter of a sentence.
func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}
