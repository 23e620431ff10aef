package routes

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"khung/app/reports"
)

// The dashboard's follow-up charts: the ageing of the open recommendations
// (working days past the deadline) and the findings by type and severity.
// Their numbers are the report's own (Recommendations, Findings), and each
// links to the list behind it, read from the same rows (app/reports'
// AgeingVisits, FindingVisits).

// followupLink is the address of a list behind a follow-up figure of f.
func followupLink(f reports.Filter, list string, extra ...string) string {
	return "/reports/list/" + list + "?" + reportQuery(f) + "&" + queryOf(append(extra, "back", "dashboard")...)
}

// queryOf encodes key, value pairs.
func queryOf(kv ...string) string {
	q := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		q.Set(kv[i], kv[i+1])
	}
	return q.Encode()
}

// ageingChart: the open recommendations not overdue, then by the report's
// bands of working days overdue; the bars add up to the report's open ones.
func ageingChart(c *fiber.Ctx, f reports.Filter, rec reports.Recommendations) barChart {
	tr := trOf(c)
	n := func(x int) string { return groupDigits(int64(x), tr.Lang) }
	notDue := rec.Open - rec.Overdue
	fs := []figure{{Name: tr.T("dashboard.ageing.not_due"), N: notDue, Count: n(notDue),
		Link: followupLink(f, "ageing", "band", reports.AgeingNotDue)}}
	for _, b := range rec.Ageing {
		name := tr.T("dashboard.ageing.band", "From", b.From, "To", b.To)
		if b.To == 0 {
			name = tr.T("dashboard.ageing.over", "From", b.From-1)
		}
		fs = append(fs, figure{Name: name, N: b.Count, Count: n(b.Count), Link: followupLink(f, "ageing", "band", b.Key)})
	}
	return newBarChart("chart-ageing", tr.T("dashboard.ageing.title"), fs)
}

// findingsChart: the report's findings by type and severity, violations first.
func findingsChart(c *fiber.Ctx, f reports.Filter, found []reports.FindingCount) barChart {
	tr := trOf(c)
	kinds := map[string]string{"violation": tr.T("reports.violation"), "shortcoming": tr.T("reports.shortcoming")}
	sev := map[string]string{"high": tr.T("reports.sev_high"), "medium": tr.T("reports.sev_medium"), "low": tr.T("reports.sev_low"),
		"": tr.T("reports.sev_none")}
	fs := make([]figure, 0, len(found))
	for _, x := range found {
		severity := x.Severity
		if severity == "" {
			severity = reports.SeverityNone
		}
		fs = append(fs, figure{Name: kinds[x.Kind] + " — " + sev[x.Severity], N: x.Count, Count: groupDigits(int64(x.Count), tr.Lang),
			Link: followupLink(f, "findings", "finding", x.Kind, "severity", severity)})
	}
	return newBarChart("chart-findings", tr.T("reports.findings"), fs)
}
