// Package units browses and searches the unit tree: the children of a unit
// with their counts, the breadcrumbs above a unit, and a search that ignores
// Vietnamese diacritics and case. Every read goes through authz.UnitScope, so
// a unit user only reaches its own unit and the units below it.
package units

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"khung/app/apperr"
	"khung/app/authz"
	"khung/app/paging"
	"khung/models"
)

// Service reads the unit tree.
type Service struct {
	db *gorm.DB
}

// New returns a Service on db.
func New(db *gorm.DB) *Service { return &Service{db: db} }

// Node is a unit with the number of units directly and indirectly below it.
type Node struct {
	models.Unit
	ParentName      string `json:"parent_name"`      // "" for a root
	ChildCount      int64  `json:"child_count"`      // units directly below
	DescendantCount int64  `json:"descendant_count"` // units anywhere below
	// Formerly names the earlier units through which a search found this one
	// ("Phúc Xá" finds Phường Hồng Hà, its successor); "" otherwise.
	Formerly string `json:"formerly,omitempty"`
}

// nodeSelect reads a unit with its parent's name and its counts. The counts are
// correlated subqueries: children use units_parent_idx; descendants compare
// paths, which is a scan per row but stays cheap for the page sizes we return.
const nodeSelect = `units.*,
	coalesce(parent.name, '') AS parent_name,
	(SELECT count(*) FROM units c WHERE c.parent_id = units.id) AS child_count,
	(SELECT count(*) FROM units d WHERE starts_with(d.path, units.path) AND d.id <> units.id) AS descendant_count`

func (s *Service) nodes(ctx context.Context, a authz.Actor) *gorm.DB {
	return s.db.WithContext(ctx).Table("units").
		Select(nodeSelect).
		Joins("LEFT JOIN units parent ON parent.id = units.parent_id").
		Scopes(authz.UnitScope(a))
}

// Get returns the unit with id, or apperr.ErrNotFound when it does not exist or
// lies outside what a may read.
func (s *Service) Get(ctx context.Context, a authz.Actor, id int64) (Node, error) {
	var n Node
	err := s.nodes(ctx, a).Where("units.id = ?", id).Take(&n).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Node{}, fmt.Errorf("unit %d: %w", id, apperr.ErrNotFound)
	}
	if err != nil {
		return Node{}, fmt.Errorf("load unit %d: %w", id, err)
	}
	return n, nil
}

// GetByCode returns the unit with the official code, like Get.
func (s *Service) GetByCode(ctx context.Context, a authz.Actor, code string) (Node, error) {
	var n Node
	err := s.nodes(ctx, a).Where("units.code = ?", code).Take(&n).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Node{}, fmt.Errorf("unit %q: %w", code, apperr.ErrNotFound)
	}
	if err != nil {
		return Node{}, fmt.Errorf("load unit %q: %w", code, err)
	}
	return n, nil
}

// Roots returns the top of the tree a may read: the units without a parent,
// or for a unit user its own unit.
func (s *Service) Roots(ctx context.Context, a authz.Actor) ([]Node, error) {
	q := s.nodes(ctx, a)
	if a.Role == models.RoleUnit {
		q = q.Where("units.id = ?", a.UnitID)
	} else {
		q = q.Where("units.parent_id IS NULL")
	}
	var out []Node
	if err := q.Order("units.code").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("list root units: %w", err)
	}
	return out, nil
}

// childSorts are the columns the units below a unit may be sorted by.
var childSorts = paging.Columns{
	"name": paging.Text("units.name"), "code": "units.code", "kind": "units.kind",
	"children": "child_count", "descendants": "descendant_count",
}

// ChildSortKeys are the columns the units below a unit may be sorted by.
func ChildSortKeys() []string { return childSorts.Keys() }

// Children returns one page of the units directly below the unit parentID,
// sorted by p.Sort (one of ChildSortKeys), by default in the order of their
// codes (the official order).
func (s *Service) Children(ctx context.Context, a authz.Actor, parentID int64, p paging.Page) (paging.Result[Node], error) {
	if _, err := s.Get(ctx, a, parentID); err != nil {
		return paging.Result[Node]{}, err
	}
	p = p.Normal()
	var total int64
	if err := s.db.WithContext(ctx).Model(&models.Unit{}).Scopes(authz.UnitScope(a)).
		Where("parent_id = ?", parentID).Count(&total).Error; err != nil {
		return paging.Result[Node]{}, fmt.Errorf("count children of unit %d: %w", parentID, err)
	}
	var out []Node
	if err := s.nodes(ctx, a).Where("units.parent_id = ?", parentID).
		Order(childSorts.Order(p.Sort, "units.kind = 'department' DESC, units.code", "units.code")).
		Limit(p.Size).Offset(p.Offset()).Find(&out).Error; err != nil {
		return paging.Result[Node]{}, fmt.Errorf("list children of unit %d: %w", parentID, err)
	}
	return paging.NewResult(out, total, p), nil
}

// Breadcrumbs returns the units from the top of what a may read down to the
// unit id itself, for "Thành phố Hà Nội › Quận Ba Đình › Phường Phúc Xá".
func (s *Service) Breadcrumbs(ctx context.Context, a authz.Actor, id int64) ([]models.Unit, error) {
	n, err := s.Get(ctx, a, id)
	if err != nil {
		return nil, err
	}
	// The path lists the codes of every ancestor: '/01/001/00001/'.
	codes := strings.FieldsFunc(n.Path, func(r rune) bool { return r == '/' })
	var out []models.Unit
	if err := s.db.WithContext(ctx).Scopes(authz.UnitScope(a)).
		Where("code IN ?", codes).Order("length(path)").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("breadcrumbs of unit %d: %w", id, err)
	}
	return out, nil
}

// KindCount is how many units of one kind lie below a unit.
type KindCount struct {
	Kind  models.UnitKind `json:"kind"`
	Count int64           `json:"count"`
}

// CountsBelow returns, per kind, how many units lie anywhere below the unit id
// ("30 districts, 526 communes and wards").
func (s *Service) CountsBelow(ctx context.Context, a authz.Actor, id int64) ([]KindCount, error) {
	n, err := s.Get(ctx, a, id)
	if err != nil {
		return nil, err
	}
	var out []KindCount
	err = s.db.WithContext(ctx).Model(&models.Unit{}).
		Select("kind, count(*) AS count").
		Where("path LIKE ? AND id <> ?", models.SubtreePattern(n.Path), n.ID).
		Group("kind").Order("kind").Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("count units below %d: %w", id, err)
	}
	return out, nil
}

// Query is a search for units.
type Query struct {
	Q    string          `json:"q" query:"q" form:"q"`          // words to find, with or without diacritics
	Kind models.UnitKind `json:"kind" query:"kind" form:"kind"` // optional filter
	On   *models.Date    `json:"on" query:"on" form:"on"`       // optional: only the units in force on this day
	paging.Page
}

// sorts are the columns a search's results may be sorted by (instead of by relevance).
var sorts = paging.Columns{
	"name": paging.Text("units.name"), "code": "units.code", "kind": "units.kind", "parent": paging.Text("parent.name"),
	"children": "child_count",
}

// SortKeys are the columns a search's results may be sorted by.
func SortKeys() []string { return sorts.Keys() }

// Search returns one page of the units a may read whose name, short name or
// code contains every word of q, ignoring case and diacritics ("ba dinh" finds
// "Quận Ba Đình"), and the units that succeeded such a unit ("Phúc Xá" finds
// Phường Hồng Hà, with Formerly = "Phường Phúc Xá"). Units whose own text holds
// the words as one phrase come first, then those with such a predecessor,
// then by trigram similarity, then by name. With On, only the units in force on that day. An empty q lists every
// unit.
func (s *Service) Search(ctx context.Context, a authz.Actor, q Query) (paging.Result[Node], error) {
	p := q.Page.Normal()
	words := strings.Fields(q.Q)
	// Each word is matched on its own against the generated column
	// search_text = lower(khung_unaccent(name…)); its GIN trigram index
	// serves these LIKE '%…%' conditions for words of three letters or more.
	matches := func(alias string) (string, []any) {
		conds := make([]string, len(words))
		args := make([]any, len(words))
		for i, w := range words {
			conds[i] = alias + ".search_text LIKE '%' || lower(khung_unaccent(?)) || '%'"
			args[i] = models.SearchPattern(w)
		}
		return strings.Join(conds, " AND "), args
	}
	// formerSQL finds the predecessors of units whose text holds every word.
	formerSQL, formerArgs := "", []any(nil)
	if len(words) > 0 {
		cond, args := matches("p")
		formerSQL = `FROM unit_successions l JOIN units p ON p.id = l.predecessor_id
			WHERE l.successor_id = units.id AND ` + cond
		formerArgs = args
	}
	filter := func(db *gorm.DB) *gorm.DB {
		db = db.Scopes(authz.UnitScope(a))
		if len(words) > 0 {
			own, args := matches("units")
			db = db.Where("("+own+") OR EXISTS (SELECT 1 "+formerSQL+")", append(args, formerArgs...)...)
		}
		if q.Kind != "" {
			db = db.Where("units.kind = ?", q.Kind)
		}
		if q.On != nil {
			db = db.Scopes(InForce("units", *q.On))
		}
		return db
	}
	var total int64
	if err := s.db.WithContext(ctx).Model(&models.Unit{}).Scopes(filter).Count(&total).Error; err != nil {
		return paging.Result[Node]{}, fmt.Errorf("count units matching %q: %w", q.Q, err)
	}
	query := s.nodes(ctx, a).Scopes(filter)
	phrase := strings.Join(words, " ")
	if phrase != "" {
		// The earlier units are named only for a unit found through them.
		own, args := matches("units")
		query = query.Select(nodeSelect+`,
			CASE WHEN `+own+` THEN '' ELSE (SELECT string_agg(p.name, ', ' ORDER BY p.code) `+formerSQL+`) END AS formerly`,
			append(args, formerArgs...)...)
	}
	if order := sorts.Order(p.Sort, "", "units.id"); order != "" {
		query = query.Order(order) // the column the reader chose, instead of relevance
	} else if phrase != "" {
		query = query.Clauses(clause.OrderBy{Expression: clause.Expr{
			SQL: `units.search_text LIKE '%' || lower(khung_unaccent(?)) || '%' DESC,
				EXISTS (SELECT 1 FROM unit_successions l JOIN units p ON p.id = l.predecessor_id
					WHERE l.successor_id = units.id AND p.search_text LIKE '%' || lower(khung_unaccent(?)) || '%') DESC,
				similarity(units.search_text, lower(khung_unaccent(?))) DESC, units.name, units.id`,
			Vars:               []any{models.SearchPattern(phrase), models.SearchPattern(phrase), phrase},
			WithoutParentheses: true,
		}})
	} else {
		query = query.Order("units.path")
	}
	var out []Node
	if err := query.Limit(p.Size).Offset(p.Offset()).Find(&out).Error; err != nil {
		return paging.Result[Node]{}, fmt.Errorf("search units %q: %w", q.Q, err)
	}
	return paging.NewResult(out, total, p), nil
}
