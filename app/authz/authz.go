// Package authz decides, in one place, what each role may do and which rows
// each actor may read. Every query of a service goes through one of the scopes
// here (UnitScope, VisitScope, RecommendationScope…); every write checks a
// Permission with Require.
//
// # The visibility rule
//
// An unannounced or verification visit, and everything of it (its proposals
// and their windows, its decision and team, findings, conclusion,
// recommendations and files), is seen before its start date only by
// planners, approvers and the inspectors on its team. Written once here, as
// SQL (VisitCondition, notSecretYet), it is applied by every channel: pages,
// JSON, the iCal feed, search, counts and badges, exports and prints, in-app
// notifications, mails and the jobs (app/notices reads NotSecretYetSQL).
// Per role, with today the reader's date in Asia/Ho_Chi_Minh:
//
//   - planner, approver: every visit, its work and recommendations, every
//     proposal;
//   - inspector: the visits of their team (and their work and
//     recommendations), and the published plan's visits, a secret one only
//     from its start date;
//   - unit: the visits of its unit, the units below it and the units they
//     were formed from (history follows the unit: unitReach; published plan, or
//     outside a plan once started, never cancelled), and the visits whose
//     conclusion gives it a recommendation; the recommendations it or a unit
//     below must carry out and the conclusion's papers through them; never a
//     secret visit or anything of it before its start date;
//   - viewer: the published plan's visits and those outside a plan, a secret
//     one from its start date; planned proposals, a secret one once its visit
//     has started; no visit's work, no recommendation (statistics instead);
//   - admin: no visit, no proposal, no recommendation: the administrator
//     administers the platform, not inspections;
//   - anybody else: nothing.
//
// Knowing of a visit (VisitScope) is not reading its work (VisitWorkScopeOn).
// A row an actor may not read answers as one that does not exist (404). The
// table of docs/visibility.md says the same per channel.
package authz

import (
	"fmt"

	"gorm.io/gorm"

	"khung/app/apperr"
	"khung/models"
)

// Actor is who is acting: the logged-in user as the rules see them. The zero
// Actor is nobody (anonymous, or the system in jobs) and may read nothing
// through the scopes.
type Actor struct {
	UserID      int64
	Role        models.Role
	UnitID      int64  // the user's unit, 0 when none (required for role unit)
	UnitPath    string // the unit's materialised path, e.g. "/01/001/"; "" when none
	InspectorID int64  // the user's inspector profile, 0 when none
	// Today is the civil date of the request in the platform's time zone, from
	// the injectable clock. The visit rules compare start dates with it; the
	// zero Date hides every unannounced or verification visit, the safe side.
	Today models.Date
}

// LoggedIn tells whether a is a user.
func (a Actor) LoggedIn() bool { return a.UserID != 0 && a.Role != "" }

// Is tells whether a has one of roles.
func (a Actor) Is(roles ...models.Role) bool {
	for _, r := range roles {
		if a.Role == r {
			return true
		}
	}
	return false
}

// Permission is one thing a role may do.
type Permission string

// Permissions, named for what they allow.
const (
	// ManageReference: create, edit, deactivate users, units, bodies, inspectors,
	// catalogs, rules and holidays.
	ManageReference Permission = "manage_reference"
	// ViewAudit: read the audit log.
	ViewAudit Permission = "view_audit"
	// ReadReference: read units, bodies, inspectors, catalogs and the holiday calendar.
	ReadReference Permission = "read_reference"
	// ManageProposals: enter, import and withdraw inspection proposals.
	ManageProposals Permission = "manage_proposals"
	// ManagePlans: build, adjust and submit the framework plan.
	ManagePlans Permission = "manage_plans"
	// ApprovePlans: approve and publish a plan version.
	ApprovePlans Permission = "approve_plans"
	// ReadDraftPlans: read plan versions that are not published.
	ReadDraftPlans Permission = "read_draft_plans"
	// ReadPublishedPlans: read published plan versions.
	ReadPublishedPlans Permission = "read_published_plans"
	// WorkOnVisits: record decisions, findings, conclusions and recommendations
	// (on the visits VisitScope lets the actor reach).
	WorkOnVisits Permission = "work_on_visits"
	// VerifyRemediation: accept or return a unit's remediation report.
	VerifyRemediation Permission = "verify_remediation"
	// ReportRemediation: report progress on a recommendation with evidence.
	ReportRemediation Permission = "report_remediation"
	// ViewStatistics: read statistics and exports.
	ViewStatistics Permission = "view_statistics"
)

// permissionsOf lists what each role may do (the roles table of docs/domain.md).
func permissionsOf(r models.Role) []Permission {
	switch r {
	case models.RoleAdmin:
		return []Permission{ManageReference, ViewAudit, ReadReference}
	case models.RolePlanner:
		return []Permission{ReadReference, ManageProposals, ManagePlans, ReadDraftPlans, ReadPublishedPlans,
			WorkOnVisits, VerifyRemediation, ViewStatistics}
	case models.RoleApprover:
		return []Permission{ReadReference, ApprovePlans, ReadDraftPlans, ReadPublishedPlans, ViewStatistics}
	case models.RoleInspector:
		return []Permission{ReadReference, ReadPublishedPlans, WorkOnVisits, VerifyRemediation}
	case models.RoleUnit:
		return []Permission{ReadReference, ReportRemediation}
	case models.RoleViewer:
		return []Permission{ReadPublishedPlans, ViewStatistics}
	}
	return nil
}

// Can tells whether a may do p.
func Can(a Actor, p Permission) bool {
	if !a.LoggedIn() {
		return false
	}
	for _, q := range permissionsOf(a.Role) {
		if q == p {
			return true
		}
	}
	return false
}

// Require returns apperr.ErrForbidden (wrapped, naming p) unless a may do p.
func Require(a Actor, p Permission) error {
	if Can(a, p) {
		return nil
	}
	if !a.LoggedIn() {
		return fmt.Errorf("%s: %w", p, apperr.ErrUnauthenticated)
	}
	return fmt.Errorf("%s as %s: %w", p, a.Role, apperr.ErrForbidden)
}

// Scope is a GORM scope: db.Scopes(authz.UnitScope(actor)).Find(&units).
type Scope = func(*gorm.DB) *gorm.DB

// nothing matches no row: the zero Actor and unknown roles reach nothing.
func nothing(db *gorm.DB) *gorm.DB { return db.Where("FALSE") }

func everything(db *gorm.DB) *gorm.DB { return db }

// UnitScope limits a query on units to those a may read: a unit user reads its
// unit, the units below it and the units they were formed from (unitReach);
// staff roles read the whole tree (it is reference
// data); the viewer reads it too, for statistics by area.
func UnitScope(a Actor) Scope {
	return UnitScopeOn(a, "units")
}

// UnitScopeOn is UnitScope for a query where the units table has another alias.
func UnitScopeOn(a Actor, alias string) Scope {
	if !a.LoggedIn() {
		return nothing
	}
	if a.Role == models.RoleUnit {
		return UnitIDScope(a, alias+".id")
	}
	if permissionsOf(a.Role) == nil {
		return nothing
	}
	return everything
}

// UnitIDScope limits a query on a table with a unit id column (for example
// "users.unit_id" or "recommendations.owner_unit_id") to rows whose unit a may
// read.
func UnitIDScope(a Actor, column string) Scope {
	if !a.LoggedIn() {
		return nothing
	}
	if a.Role == models.RoleUnit {
		return func(db *gorm.DB) *gorm.DB {
			if a.UnitPath == "" {
				return db.Where("FALSE")
			}
			return db.Where(column+" IN "+unitReach, models.SubtreePattern(a.UnitPath))
		}
	}
	if permissionsOf(a.Role) == nil {
		return nothing
	}
	return everything
}
