package routes

import (
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"khung/app/reports"
	"khung/models"
	"khung/views"
)

// The dashboard draws the report's figures as SVG charts on the server: no
// script, readable printed, every number a link to the list behind it. The
// geometry below is in the charts' own units (viewBox); the page scales them.
const (
	chartWidth  = 340.0 // every chart's viewBox width: about a phone's, so 13 units read as 13 px there
	barRow      = 40.0  // a horizontal bar's row: its label, then the bar
	barRoom     = 64.0  // room right of the longest bar for its number
	labelRunes  = 46    // longer labels are cut (the full name is the bar's title)
	colHeight   = 150.0 // a column chart's plotting height
	colTop      = 22.0  // room above the tallest column for its number
	trendYears  = 3     // years the trend compares, the period's own included
	levelColors = 3     // colours of the levels (classes lv0…lv2)
)

// bar is one bar of a horizontal bar chart.
type bar struct {
	figure
	Full   string  // the whole label (the bar's title)
	Y, W   float64 // top of the row, bar length
	ValueX float64 // where the number starts
}

// barChart is a horizontal bar chart: one row per figure.
type barChart struct {
	ID, Title string
	Height    float64
	Bars      []bar
}

// cut shortens s to n runes with an ellipsis.
func cut(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// newBarChart lays out fs as horizontal bars scaled to the largest.
func newBarChart(id, title string, fs []figure) barChart {
	c := barChart{ID: id, Title: title, Height: float64(len(fs)) * barRow}
	top := 0
	for _, f := range fs {
		top = max(top, f.N)
	}
	for i, f := range fs {
		b := bar{figure: f, Full: f.Name, Y: float64(i) * barRow}
		b.Name = cut(f.Name, labelRunes)
		if top > 0 {
			b.W = float64(f.N) / float64(top) * (chartWidth - barRoom)
			if f.N > 0 {
				b.W = max(b.W, 2)
			}
		}
		b.ValueX = b.W + 6
		c.Bars = append(c.Bars, b)
	}
	return c
}

// column is one column of a column chart.
type column struct {
	figure
	X, W, Y, H float64
	LabelX     float64
}

// columnChart is a column chart (the months of the period).
type columnChart struct {
	ID, Title string
	Base      float64 // the baseline's y
	Height    float64
	Cols      []column
}

// newColumnChart lays out fs as columns scaled to the largest.
func newColumnChart(id, title string, fs []figure) columnChart {
	c := columnChart{ID: id, Title: title, Base: colTop + colHeight, Height: colTop + colHeight + 22}
	if len(fs) == 0 {
		return c
	}
	top := 0
	for _, f := range fs {
		top = max(top, f.N)
	}
	step := chartWidth / float64(len(fs))
	for i, f := range fs {
		col := column{figure: f, X: float64(i)*step + step*0.15, W: step * 0.7}
		if top > 0 {
			col.H = float64(f.N) / float64(top) * colHeight
		}
		col.Y = c.Base - col.H
		col.LabelX = col.X + col.W/2
		c.Cols = append(c.Cols, col)
	}
	return c
}

// trendSegment is a level's part of a year's bar in the trend.
type trendSegment struct {
	figure
	X, W  float64
	Class string
}

// trendRow is one year of the trend: its label, its bar split by level, and
// its total linked to its list.
type trendRow struct {
	Label    string
	Y        float64
	Segments []trendSegment
	Total    figure
	TotalX   float64
}

// trendChart compares the same days of the years before the period.
type trendChart struct {
	ID, Title string
	Height    float64
	Rows      []trendRow
	Levels    []figure // the legend: the levels' names
}

// newTrend lays out t: one stacked bar per year, scaled to the busiest year.
func newTrend(c *fiber.Ctx, title string, f reports.Filter, t reports.Trend, levels []reports.Count) trendChart {
	tr := trOf(c)
	ch := trendChart{ID: "chart-trend", Title: title, Height: float64(len(t.Years)) * barRow}
	top := 0
	for _, y := range t.Years {
		top = max(top, y.Inspections)
	}
	for i, l := range levels {
		ch.Levels = append(ch.Levels, figure{Name: tr.Pick(l.NameVI, l.NameEN), Link: fmt.Sprintf("lv%d", i%levelColors)})
	}
	for i, y := range t.Years {
		g := f
		g.From, g.To = y.From, y.To
		row := trendRow{Label: periodName(tr, y.From, y.To), Y: float64(i) * barRow,
			Total: figure{N: y.Inspections, Count: groupDigits(int64(y.Inspections), tr.Lang), Link: dashLink(g)}}
		x := 0.0
		for j, l := range levels {
			n := y.ByLevel[l.Key]
			w := 0.0
			if top > 0 {
				w = float64(n) / float64(top) * (chartWidth - barRoom)
			}
			row.Segments = append(row.Segments, trendSegment{X: x, W: w, Class: fmt.Sprintf("lv%d", j%levelColors),
				figure: figure{Name: tr.Pick(l.NameVI, l.NameEN), N: n, Count: groupDigits(int64(n), tr.Lang), Link: dashLink(g, "level", l.Key)}})
			x += w
		}
		row.TotalX = x + 6
		ch.Rows = append(ch.Rows, row)
	}
	return ch
}

// periodName names a period: "Năm 2027", "6 tháng đầu năm 2027", or its dates.
func periodName(tr *views.Translator, from, to models.Date) string {
	switch k := reports.PresetOf(from, to); {
	case k == "":
		return tr.T("dashboard.trend_row", "From", vnDate(from), "To", vnDate(to))
	case strings.HasSuffix(k, "-h1"):
		return tr.T("reports.period.h1", "Year", from.Year)
	case strings.HasSuffix(k, "-h2"):
		return tr.T("reports.period.h2", "Year", from.Year)
	default:
		return tr.T("reports.period.year", "Year", from.Year)
	}
}

// dashLink is the list behind a dashboard figure: the report's list, with a
// way back to the dashboard.
func dashLink(f reports.Filter, extra ...string) string {
	return listLink(f, append(extra, "back", "dashboard")...)
}

// monthFigures are the months of the period, each linked to the list of its
// days inside the period.
func monthFigures(c *fiber.Ctx, f reports.Filter, months []reports.Count) []figure {
	tr := trOf(c)
	out := make([]figure, 0, len(months))
	for _, m := range months {
		t, err := time.Parse("2006-01", m.Key)
		if err != nil {
			continue
		}
		g := f
		g.From = laterOf(f.From, models.NewDate(t.Year(), t.Month(), 1))
		g.To = earlierOf(f.To, models.NewDate(t.Year(), t.Month(), 1).AddDays(-1+daysIn(t)))
		out = append(out, figure{Name: t.Format("01/06"), N: m.Count, Count: groupDigits(int64(m.Count), tr.Lang), Link: dashLink(g)})
	}
	return out
}

func daysIn(t time.Time) int { return t.AddDate(0, 1, -t.Day()).Day() }

func laterOf(a, b models.Date) models.Date {
	if a.Before(b) {
		return b
	}
	return a
}

func earlierOf(a, b models.Date) models.Date {
	if b.Before(a) {
		return b
	}
	return a
}

// decimal writes x with one decimal, a decimal comma in Vietnamese.
func decimal(x float64, lang string) string {
	s := strconv.FormatFloat(x, 'f', 1, 64)
	if lang == "vi" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// percent writes a rate as a percentage with one decimal.
func percent(x float64, lang string) string { return decimal(x*100, lang) + "%" }

// dashboard: GET /dashboard — the report's figures as charts, with the same
// filters, and the trend of the same days of the years before.
func (r *reportsUI) dashboard(c *fiber.Ctx) error {
	tr := trOf(c)
	data := fiber.Map{"Title": tr.T("dashboard.title")}
	f, err := r.filterOf(c, true)
	if ferr := r.filterForm(c, data, f, "/dashboard"); ferr != nil {
		return ferr
	}
	if err != nil {
		return r.renderForm422(c, "reports/dashboard", data, err)
	}
	rep, err := r.svc.Periodic(ctxOf(c), actorOf(c), f)
	if err != nil {
		return err
	}
	trend, err := r.svc.YearOnYear(ctxOf(c), actorOf(c), f, trendYears)
	if err != nil {
		return err
	}
	linked := func(fs []figure) []figure {
		for i := range fs {
			if fs[i].Link != "" {
				fs[i].Link += "&back=dashboard"
			}
		}
		return fs
	}
	n := func(x int) string { return groupDigits(int64(x), tr.Lang) }
	recs := rep.Recommendations
	recLinks := recLink(f)
	data["Links"] = reportLinks(f)
	data["ChartWidth"] = chartWidth
	data["R"] = rep
	data["Headline"] = headline(tr, f, rep)
	data["Charts"] = []barChart{
		newBarChart("chart-level", tr.T("reports.by_level"), linked(figures(c, f, rep.ByLevel, "level"))),
		newBarChart("chart-form", tr.T("reports.by_form"), linked(figures(c, f, rep.ByForm, "form"))),
		newBarChart("chart-kind", tr.T("reports.by_kind"), linked(figures(c, f, rep.ByKind, "kind"))),
		newBarChart("chart-body", tr.T("reports.by_body"), linked(figures(c, f, rep.ByBody, "body"))),
		newBarChart("chart-recs", tr.T("reports.recommendations"), []figure{
			{Name: tr.T("reports.rec_issued"), N: recs.Issued, Count: n(recs.Issued), Link: recLinks("issued", 0) + "&back=dashboard"},
			{Name: tr.T("reports.rec_done"), N: recs.Done, Count: n(recs.Done), Link: recLinks("done", 0) + "&back=dashboard"},
			{Name: tr.T("reports.rec_open"), N: recs.Open, Count: n(recs.Open), Link: recLinks("open", 0) + "&back=dashboard"},
			{Name: tr.T("reports.rec_overdue"), N: recs.Overdue, Count: n(recs.Overdue), Link: recLinks("overdue", 0) + "&back=dashboard"},
		}),
		ageingChart(c, f, recs),
		findingsChart(c, f, rep.Findings),
	}
	data["Months"] = newColumnChart("chart-month", tr.T("dashboard.by_month"), monthFigures(c, f, rep.ByMonth))
	data["Trend"] = newTrend(c, tr.T("dashboard.trend", "Years", trendYears), f, trend, rep.ByLevel)
	return r.render(c, "reports/dashboard", data)
}

// headline is the row of figures above the dashboard's charts (also on the
// viewer's and approver's home pages).
func headline(tr *views.Translator, f reports.Filter, rep reports.Report) []figure {
	n := func(x int) string { return groupDigits(int64(x), tr.Lang) }
	recs := rep.Recommendations
	return []figure{
		{Name: tr.T("reports.total_inspections"), N: rep.Totals.Inspections, Count: n(rep.Totals.Inspections), Link: dashLink(f)},
		{Name: tr.T("dashboard.visits"), N: rep.Totals.Visits, Count: n(rep.Totals.Visits)},
		{Name: tr.T("reports.total_own"), N: rep.Totals.OwnInspections, Count: n(rep.Totals.OwnInspections)},
		{Name: tr.T("reports.merge_avoided"), N: rep.MergeSavings.VisitsAvoided, Count: n(rep.MergeSavings.VisitsAvoided)},
		{Name: tr.T("dashboard.overdue"), N: recs.Overdue, Count: n(recs.Overdue), Link: recLink(f)("overdue", 0) + "&back=dashboard"},
		{Name: tr.T("reports.rec_rate"), N: 1, Count: percent(recs.Rate, tr.Lang)},
	}
}

// stylesheet: GET /reports/assets/reports.css — the report's and dashboard's styles.
func (r *reportsUI) stylesheet(c *fiber.Ctx) error {
	css, err := fs.ReadFile(views.Templates(), "reports/reports.css")
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/css; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "public, max-age=86400")
	return c.Send(css)
}
