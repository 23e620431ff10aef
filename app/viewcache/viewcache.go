// Package viewcache keeps answers that are the same for everybody of one
// visibility class on one day until the data they show changes: the
// calendar's (app/visits) and the plan board's (app/plans).
package viewcache

import (
	"container/list"
	"context"
	"fmt"
	"sync"

	"golang.org/x/sync/singleflight"

	"khung/app/authz"
	"khung/app/changes"
	"khung/models"
)

// What a calendar or a board shows is the same for everybody of one
// visibility class (the unit users of one unit, every planner, one
// inspector…) on one day, as long as no table it shows has changed. A Cache
// keeps such answers, bounded in bytes, at the generation of the channel
// changes.Calendar: the triggers of migrations 00015 and 00027 notify it
// whenever a committed transaction changes a visit, its team, proposals,
// plan version, unit, bodies, inspectors, catalogs, conclusions or
// recommendations, and app/changes counts the notifications in memory, so a
// request checks freshness without a query. An answer is served only to a
// request of the same class, the same day, the same query and the same
// generation: never across a visibility boundary, never after a change has
// been heard. While the listener is down (changes.Generation says so) the
// cache is off: every request reads the database and nothing is kept.

// Cache holds answers per visibility class, day, query and generation.
type Cache struct {
	changes *changes.Listener
	lru     *lru
	flight  singleflight.Group // one build per key and generation at a time
	// classes memoises Class per actor and day (writing the rule's SQL is
	// most of a kept answer's cost); at most maxClasses, then emptied.
	mu      sync.Mutex
	classes map[authz.Actor]string
}

const maxClasses = 4096

// New returns an empty cache of at most maxBytes (as its users estimate
// them), fresh as long as l is live; with a nil l nothing is ever kept.
func New(l *changes.Listener, maxBytes int64) *Cache {
	return &Cache{changes: l, lru: newLRU(maxBytes), classes: map[authz.Actor]string{}}
}

// A View is what one request may see of the calendar: its actor's visibility
// class on its day, at the data's generation read once for the request.
type View struct {
	c     *Cache
	actor authz.Actor
	today models.Date
	class string
	gen   int64 // -1: the listener is down, the cache is off
}

// View returns the request's View. It reads no database.
func (c *Cache) View(ctx context.Context, a authz.Actor, today models.Date) (View, error) {
	gen, live := c.changes.Generation(changes.Calendar)
	if !live {
		gen = -1
	}
	return View{c: c, actor: a, today: today, class: c.class(a, today), gen: gen}, nil
}

// class is Class(a, today), memoised: the same actor and day always make the
// same class (the rule is code).
func (c *Cache) class(a authz.Actor, today models.Date) string {
	a.Today = today
	c.mu.Lock()
	s, ok := c.classes[a]
	c.mu.Unlock()
	if ok {
		return s
	}
	s = Class(a, today)
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.classes) >= maxClasses {
		clear(c.classes)
	}
	c.classes[a] = s
	return s
}

// Generation is the data's generation the view was made at (-1: none, the
// cache is off).
func (v View) Generation() int64 { return v.gen }

// Today is the day the view was made for.
func (v View) Today() models.Date { return v.today }

// Class is the visibility class of a on today: two actors of one class see
// exactly the same calendar. It holds the visit rule itself as authz writes
// it for a (its SQL and arguments, so whatever the rule comes to depend on is
// in the class), the role and unit path (the unit filter's choices), the
// inspector (the team's pending versions) and the day (a secret visit appears
// on its start date).
func Class(a authz.Actor, today models.Date) string {
	a.Today = today
	cond, args := authz.VisitCondition(a, "visits")
	// Lengths before the free texts keep the parts apart without quoting
	// them (quoting the rule's SQL was most of a kept answer's cost).
	return fmt.Sprintf("%s|%d|%d:%s|%d|%d|%d:%s|%d:%s|%#v", today, boolInt(a.LoggedIn()), len(a.Role), a.Role,
		a.UnitID, a.InspectorID, len(a.UnitPath), a.UnitPath, len(cond), cond, args)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Remember returns build's answer to query for v's class, from the cache when
// the same class asked the same query at the same generation. build gets the
// view's context, actor and day (the ones the class was made of) and returns
// the answer and about how many bytes it holds. A cached answer is shared:
// neither build's caller nor the readers may change it.
func Remember[T any](ctx context.Context, v View, query string, build func(ctx context.Context, a authz.Actor, today models.Date) (T, int, error)) (T, error) {
	if v.gen < 0 {
		val, _, err := build(ctx, v.actor, v.today)
		return val, err
	}
	key := v.class + "\x00" + query
	if got, ok := v.c.lru.get(key, v.gen); ok {
		return got.(T), nil
	}
	// Requests that miss together wait for one build (a cold cache under
	// load would otherwise build the same answer once per request). The
	// build outlives a caller that goes away: the others still want it.
	got, err, _ := v.c.flight.Do(fmt.Sprintf("%d\x00%s", v.gen, key), func() (any, error) {
		val, size, err := build(context.WithoutCancel(ctx), v.actor, v.today)
		if err != nil {
			return nil, err
		}
		v.c.lru.put(key, v.gen, val, int64(size+len(key)))
		return val, nil
	})
	if err != nil {
		var zero T
		return zero, err
	}
	return got.(T), nil
}

// lru is a cache of answers bounded in bytes, least recently used out first.
// It holds one generation at a time: a newer one empties it.
type lru struct {
	mu    sync.Mutex
	max   int64
	size  int64
	gen   int64
	order *list.List // of *entry, most recent first
	items map[string]*list.Element
	hits  int64
}

type entry struct {
	key  string
	val  any
	size int64
}

func newLRU(maxBytes int64) *lru {
	return &lru{max: maxBytes, order: list.New(), items: map[string]*list.Element{}}
}

func (c *lru) get(key string, gen int64) (any, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return nil, false
	}
	el, ok := c.items[key]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(el)
	c.hits++
	return el.Value.(*entry).val, true
}

func (c *lru) put(key string, gen int64, val any, size int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case gen < c.gen || size > c.max/4:
		return // read before a newer change, or too big to be worth a quarter of the cache
	case gen > c.gen:
		c.order.Init()
		clear(c.items)
		c.size, c.gen = 0, gen
	}
	if el, ok := c.items[key]; ok {
		c.size -= el.Value.(*entry).size
		c.order.Remove(el)
	}
	c.items[key] = c.order.PushFront(&entry{key: key, val: val, size: size})
	c.size += size
	for c.size > c.max {
		last := c.order.Back()
		e := last.Value.(*entry)
		c.order.Remove(last)
		delete(c.items, e.key)
		c.size -= e.size
	}
}

// Stats is what a cache holds: entries, bytes, hits since it was made.
type Stats struct {
	Entries int
	Bytes   int64
	Hits    int64
}

// Stats reports the cache's size (for tests and diagnostics).
func (c *Cache) Stats() Stats {
	c.lru.mu.Lock()
	defer c.lru.mu.Unlock()
	return Stats{Entries: len(c.lru.items), Bytes: c.lru.size, Hits: c.lru.hits}
}
