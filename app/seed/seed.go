// Package seed imports the official units of a province and loads the demo
// city: Hanoi's units (Demo: before 1 July 2025 and the departments after the
// reorganisation of 1 March 2025; Today: both generations, linked), the
// catalogs and rules with their legal basis, the inspecting bodies with their
// life spans, about 300 inspectors, the public holidays and one login per
// role. The demo's history (plans, visits, conclusions, follow-up) is built
// through the app's services by package live. Every load is idempotent: it adds what is missing by natural key and
// leaves existing rows (perhaps edited by an administrator) alone.
package seed

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"khung/app/adminunits"
	"khung/app/holidays"
	"khung/models"
)

// Options tune the demo load; Now is passed in so tests fix the clock.
type Options struct{ Now time.Time }

// demoProvince is the official code of the demo city, Hà Nội.
const demoProvince = "01"

// First and last year of the holidays loaded by default.
const (
	firstHolidayYear = 2025
	lastHolidayYear  = 2027
)

// Demo loads the demo city in one transaction and returns a report of what it
// added and of the demo logins. It is idempotent: a second run adds nothing.
// Leave periods of the demo inspectors fall in the year of opt.Now.
func Demo(ctx context.Context, db *gorm.DB, opt Options) (string, error) {
	if opt.Now.IsZero() {
		return "", errors.New("seed: Options.Now is required")
	}
	data, err := loadDemoData(dataFiles)
	if err != nil {
		return "", err
	}
	deps, err := loadDepartments(dataFiles)
	if err != nil {
		return "", err
	}
	ps, err := adminunits.Official()
	if err != nil {
		return "", fmt.Errorf("seed: %w", err)
	}
	hanoi, err := findProvince(ps, demoProvince)
	if err != nil {
		return "", err
	}
	rows, err := provinceUnits(hanoi)
	if err != nil {
		return "", err
	}
	rows = append(rows, data.districtOffices(hanoi)...)
	// The bodies of Sở Nội vụ and the districts first: the inspectors' codes follow this order.
	bodies := append(data.demoBodies(hanoi), deps.departmentBodies()...)
	inspectors := data.demoInspectors(hanoi, bodies, opt.Now.Year())
	users := data.demoUsers(inspectors[0].FullName)

	rep := &demoReport{}
	var units importResult
	err = db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if units, err = upsertUnits(tx, rows); err != nil {
			return err
		}
		rep.add("units", int64(units.Added))
		if err := deps.reorganise(tx, rep); err != nil {
			return err
		}
		unitCodes := make([]string, len(rows), len(rows)+len(deps.Department))
		for i, r := range rows {
			unitCodes[i] = r.Code
		}
		for _, dep := range deps.Department {
			unitCodes = append(unitCodes, dep.Code)
		}
		unitIDs, err := idsByCode(tx, &models.Unit{}, unitCodes)
		if err != nil {
			return fmt.Errorf("seed units: %w", err)
		}
		if err := insertCatalogs(tx, data, rep); err != nil {
			return err
		}
		bodyIDs, err := insertBodies(tx, bodies, unitIDs, rep)
		if err != nil {
			return err
		}
		inspectorIDs, err := insertInspectors(tx, inspectors, bodyIDs, unitIDs, rep)
		if err != nil {
			return err
		}
		if err := insertHolidays(tx, holidayYears(opt.Now), rep); err != nil {
			return err
		}
		return insertUsers(tx, users, unitIDs, inspectorIDs, rep)
	})
	if err != nil {
		return "", fmt.Errorf("seed --demo: %w", err)
	}
	return demoText(units.report(hanoi, adminunits.Source), rep, users, holidayYears(opt.Now)), nil
}

// holidayYears are the years whose holidays the demo loads: 2025–2027, and the
// year after now when that is later.
func holidayYears(now time.Time) []int {
	last := max(lastHolidayYear, now.Year()+1)
	var ys []int
	for y := firstHolidayYear; y <= last; y++ {
		ys = append(ys, y)
	}
	return ys
}

// insertHolidays adds the default holidays of years on dates not yet in the
// calendar; a date an administrator already set is kept as it is.
func insertHolidays(tx *gorm.DB, years []int, rep *demoReport) error {
	var rows []models.Holiday
	for _, y := range years {
		rows = append(rows, holidays.LabourCode(y)...)
	}
	n, err := insertMissing(tx, rows)
	if err != nil {
		return fmt.Errorf("seed holidays: %w", err)
	}
	rep.add("holidays", n)
	return nil
}

// demoReport counts the rows added per table, in the order they were loaded.
type demoReport struct {
	tables []string
	added  map[string]int64
}

func (r *demoReport) add(table string, n int64) {
	if r.added == nil {
		r.added = map[string]int64{}
	}
	if _, ok := r.added[table]; !ok {
		r.tables = append(r.tables, table)
	}
	r.added[table] += n
}

// total is the number of rows added to all tables.
func (r *demoReport) total() int64 {
	var t int64
	for _, n := range r.added {
		t += n
	}
	return t
}

func demoText(units string, rep *demoReport, users []demoUser, years []int) string {
	var b strings.Builder
	b.WriteString("Khung — thành phố mẫu Hà Nội / demo city Hà Nội\n\n")
	b.WriteString(units)
	fmt.Fprintf(&b, "\n\nĐã thêm / added (%d dòng / rows; 0 = đã có sẵn / already there):\n", rep.total())
	for _, t := range rep.tables {
		fmt.Fprintf(&b, "  %-24s %5d\n", t, rep.added[t])
	}
	fmt.Fprintf(&b, "Ngày nghỉ lễ %d–%d theo Điều 112 Bộ luật Lao động 2019; năm 2025, 2026 theo thông báo của Chính phủ, các năm khác tính theo quy tắc mặc định\n", years[0], years[len(years)-1])
	fmt.Fprintf(&b, "Holidays %d–%d under art. 112 of the Labour Code 2019; 2025 and 2026 as the government announced, other years by the default rule\n", years[0], years[len(years)-1])
	fmt.Fprintf(&b, "\nTài khoản mẫu / demo logins — mật khẩu / password: %s\n", DemoPassword)
	for _, u := range users {
		fmt.Fprintf(&b, "  %-20s %-10s %s\n", u.Email, u.Role, u.What)
	}
	return strings.TrimRight(b.String(), "\n")
}

// insertMissing inserts rows (a slice of models), skipping those whose natural
// key already exists, and returns how many were added. The ids GORM writes back
// into rows are not reliable when rows are skipped, so callers never use them.
func insertMissing(tx *gorm.DB, rows any) (int64, error) {
	if reflect.ValueOf(rows).Len() == 0 {
		return 0, nil
	}
	res := tx.Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(rows, 500)
	return res.RowsAffected, res.Error
}
