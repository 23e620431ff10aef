package routes

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"khung/app/apperr"
	"khung/app/audit"
	"khung/app/auth"
	"khung/app/authz"
	"khung/models"
	"khung/views"
)

// Cookie names.
const (
	sessionCookie  = "khung_session"
	anonCSRFCookie = "khung_csrf" // double-submit token for forms posted before login
	langCookie     = "lang"
	flashCookie    = "khung_flash"
)

// request is what the middleware learns about a request, kept in one local.
type request struct {
	ID       string
	IP       string         // the client's address (see clientIP)
	Identity *auth.Identity // nil when anonymous
	Token    string         // the session cookie token, "" otherwise
	CSRF     string         // the token forms must send back
	Bearer   bool           // authenticated by an API token
	T        *views.Translator
	Today    models.Date // the request's date in the platform's time zone
}

type requestKey struct{}

// state returns the request's state, creating it for requests that skipped the
// middleware (a 404 before the routes, for example).
func state(c *fiber.Ctx) *request {
	if r, ok := c.Locals(requestKey{}).(*request); ok {
		return r
	}
	r := &request{}
	c.Locals(requestKey{}, r)
	return r
}

// today is the current civil date in the platform's time zone.
func (h *Handlers) today() models.Date { return h.App.Today() }

// actorOf returns who is acting; the zero Actor when nobody is logged in.
func actorOf(c *fiber.Ctx) authz.Actor {
	r := state(c)
	if r.Identity != nil {
		a := r.Identity.Actor()
		a.Today = r.Today
		return a
	}
	return authz.Actor{}
}

// userOf returns the logged-in user, or nil.
func userOf(c *fiber.Ctx) *models.User {
	if id := state(c).Identity; id != nil {
		return &id.User
	}
	return nil
}

// identityOf returns the logged-in identity, or nil.
func identityOf(c *fiber.Ctx) *auth.Identity { return state(c).Identity }

// ctxOf returns the request's context carrying its id and IP for the audit log.
func ctxOf(c *fiber.Ctx) context.Context {
	return audit.WithRequest(c.UserContext(), audit.Request{ID: state(c).ID, IP: state(c).IP})
}

// trOf returns the translator of the request's language.
func trOf(c *fiber.Ctx) *views.Translator {
	r := state(c)
	if r.T == nil {
		return &views.Translator{Lang: views.DefaultLanguage} // shows ids; only before the middleware ran
	}
	return r.T
}

// requestID gives every request an id: the client's X-Request-ID when it is a
// short token, else a new random one; it is echoed in the response.
func (h *Handlers) requestID(c *fiber.Ctx) error {
	id, err := newRequestID(c)
	if err != nil {
		return err
	}
	r := state(c)
	r.ID, r.IP, r.T = id, h.clientIP(c), h.Locales.For(views.DefaultLanguage)
	c.Set(fiber.HeaderXRequestID, id)
	return c.Next()
}

// clientIP is the address the login throttle and the audit log know a client
// by: the peer, unless the peer is one of TRUSTED_PROXIES; then the right-most
// address of X-Forwarded-For that is not itself a trusted proxy. Addresses
// further left were written by the client and prove nothing.
func (h *Handlers) clientIP(c *fiber.Ctx) string {
	peer, ok := netip.AddrFromSlice(c.Context().RemoteIP())
	if !ok {
		return c.Context().RemoteIP().String()
	}
	peer = peer.Unmap()
	if !h.Config.TrustedProxy(peer) {
		return peer.String()
	}
	client := peer
	hops := strings.Split(c.Get(fiber.HeaderXForwardedFor), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // not an address: keep the last hop we can vouch for
		}
		client = hop.Unmap()
		if !h.Config.TrustedProxy(client) {
			break
		}
	}
	return client.String()
}

// newRequestID is the client's X-Request-ID when it is a short token, else a
// new random one.
func newRequestID(c *fiber.Ctx) (string, error) {
	id := c.Get(fiber.HeaderXRequestID)
	if validRequestID(id) {
		return id, nil
	}
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("request id: %w", err)
	}
	return hex.EncodeToString(b), nil
}

func validRequestID(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

// accessLog writes one structured line per request, after the error handler
// has turned an error into a response (so the status is the real one).
func (h *Handlers) accessLog(c *fiber.Ctx) error {
	start := time.Now()
	if err := c.Next(); err != nil {
		if herr := h.handleError(c, err); herr != nil {
			_ = c.SendStatus(fiber.StatusInternalServerError)
		}
	}
	status := c.Response().StatusCode()
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelError
	}
	h.Log.LogAttrs(c.UserContext(), level, "request",
		slog.String("request_id", state(c).ID),
		slog.String("method", c.Method()),
		slog.String("path", c.Path()),
		slog.Int("status", status),
		slog.Duration("duration", time.Since(start)),
		slog.String("ip", state(c).IP),
		slog.Int64("user_id", actorOf(c).UserID),
	)
	return nil
}

// recover turns a panic into a 500 error and logs the stack (never shown).
func (h *Handlers) recover(c *fiber.Ctx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			h.Log.Error("panic", "request_id", state(c).ID, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return c.Next()
}

// securityHeaders keeps pages out of frames, scripts to our own origin, and
// MIME types as sent; when Khung is served over https (BASE_URL), browsers are
// told to use https only for a year (HSTS), so nobody can strip it on the way.
// includeSubDomains is left out: the department's other hosts are not ours.
func (h *Handlers) securityHeaders(c *fiber.Ctx) error {
	h.setSecurityHeaders(c)
	return c.Next()
}

func (h *Handlers) setSecurityHeaders(c *fiber.Ctx) {
	if h.Config.SecureCookies() {
		c.Set(fiber.HeaderStrictTransportSecurity, "max-age=31536000")
	}
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("X-Frame-Options", "DENY")
	c.Set("Referrer-Policy", "same-origin")
	c.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'self'")
}

// loadIdentity resolves the bearer token or the session cookie. A bad bearer
// token is refused at once (401); a stale cookie is just dropped.
func (h *Handlers) loadIdentity(c *fiber.Ctx) error {
	r := state(c)
	r.Today = h.today()
	ctx := c.UserContext()
	if header := c.Get(fiber.HeaderAuthorization); header != "" {
		scheme, token, _ := strings.Cut(header, " ")
		if !strings.EqualFold(scheme, "Bearer") {
			return apperr.Fail(apperr.ErrUnauthenticated, "request.bearer_only")
		}
		id, err := h.Auth.AuthenticateToken(ctx, strings.TrimSpace(token), h.Now())
		if err != nil {
			if errors.Is(err, apperr.ErrUnauthenticated) {
				return apperr.Fail(apperr.ErrUnauthenticated, "request.token_invalid")
			}
			return err
		}
		r.Identity, r.Bearer = &id, true
		return c.Next()
	}
	if token := c.Cookies(sessionCookie); token != "" {
		id, err := h.Auth.Authenticate(ctx, token, h.Now())
		switch {
		case err == nil:
			r.Identity, r.Token, r.CSRF = &id, token, id.Session.CSRFToken
		case errors.Is(err, apperr.ErrUnauthenticated):
			h.clearCookie(c, sessionCookie)
		default:
			return err
		}
	}
	return c.Next()
}

// settle holds the answer to a request that may have written (any method but
// GET, HEAD, OPTIONS) until this replica has heard the database's
// notifications of what it committed (changes.Fence, about a round trip), so
// that the writer's next request finds calendars, boards and identities
// fresh: a logged-out session is refused at once, a moved visit shows.
func (h *Handlers) settle(c *fiber.Ctx) error {
	err := c.Next()
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return err
	}
	if ferr := h.App.Changes.Fence(c.UserContext(), 2*time.Second); ferr != nil {
		h.Log.Warn("caches may lag behind this request's changes", "request_id", state(c).ID, "error", ferr)
	}
	return err
}

// language picks the request's language: ?lang= (remembered in a cookie), then
// the cookie, then the user's preference, then Vietnamese.
func (h *Handlers) language(c *fiber.Ctx) error {
	lang := c.Query("lang")
	if views.IsLanguage(lang) {
		c.Cookie(&fiber.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
			HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode, Secure: h.Config.SecureCookies()})
	} else if l := c.Cookies(langCookie); views.IsLanguage(l) {
		lang = l
	} else if u := userOf(c); u != nil && views.IsLanguage(u.Locale) {
		lang = u.Locale
	} else {
		lang = views.DefaultLanguage
	}
	state(c).T = h.Locales.For(lang)
	return c.Next()
}

// checkCSRF refuses a state-changing request that a browser sent from another
// site, in two layers. First, for every such request, session or not, JSON or
// form, bearer or cookie: the browser's own word (Sec-Fetch-Site, else Origin
// against Host or BASE_URL), as net/http's CrossOriginProtection judges it;
// a client that sends neither header is not a browser and cannot be forged
// into sending a request. Second, a token: the form field _csrf or the header
// X-CSRF-Token must equal the session's token or, before login, the anonymous
// double-submit cookie. API-token requests carry no cookie and anonymous JSON
// calls have no form to take a token from, so the first layer alone guards them.
func (h *Handlers) checkCSRF(c *fiber.Ctx) error {
	r := state(c)
	if r.Identity == nil {
		r.CSRF = c.Cookies(anonCSRFCookie)
	}
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		if r.CSRF == "" {
			r.CSRF = h.newAnonCSRF(c)
		}
		return c.Next()
	}
	if err := h.sameOrigin(c); err != nil {
		return err
	}
	if r.Bearer || (r.Identity == nil && wantsJSON(c)) {
		return c.Next()
	}
	sent := c.Get("X-CSRF-Token")
	if sent == "" && !isJSON(c) {
		sent = c.FormValue("_csrf")
	}
	if r.CSRF == "" || subtle.ConstantTimeCompare([]byte(sent), []byte(r.CSRF)) != 1 {
		return apperr.Fail(apperr.ErrForbidden, "request.csrf")
	}
	return c.Next()
}

// sameOrigin refuses a request whose browser says it comes from another site
// (even a sibling subdomain). The origin of BASE_URL is always ours, for a
// proxy that does not pass the public Host on.
func (h *Handlers) sameOrigin(c *fiber.Ctx) error {
	origin := c.Get(fiber.HeaderOrigin)
	if base := h.Config.BaseURL; origin != "" && base != nil && origin == base.Scheme+"://"+base.Host {
		return nil
	}
	req := &http.Request{Method: c.Method(), Host: c.Hostname(), Header: http.Header{}}
	if v := c.Get("Sec-Fetch-Site"); v != "" {
		req.Header.Set("Sec-Fetch-Site", v)
	}
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	var cop http.CrossOriginProtection
	if err := cop.Check(req); err != nil {
		return apperr.Fail(apperr.ErrForbidden, "security.cross_origin")
	}
	return nil
}

func (h *Handlers) newAnonCSRF(c *fiber.Ctx) string {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return ""
	}
	token := hex.EncodeToString(b)
	c.Cookie(&fiber.Cookie{Name: anonCSRFCookie, Value: token, Path: "/", HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode, Secure: h.Config.SecureCookies()})
	return token
}

// RequireLogin lets logged-in requests through; a browser is sent to the login
// page (and back afterwards), a JSON client gets 401.
func (h *Handlers) RequireLogin(c *fiber.Ctx) error {
	if identityOf(c) != nil {
		return c.Next()
	}
	if wantsJSON(c) {
		return apperr.ErrUnauthenticated
	}
	return c.Redirect("/login?next="+url.QueryEscape(c.OriginalURL()), fiber.StatusSeeOther)
}

// RequireRole lets through only logged-in users with one of roles (403 otherwise).
func (h *Handlers) RequireRole(roles ...models.Role) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if identityOf(c) == nil {
			return h.RequireLogin(c)
		}
		if !actorOf(c).Is(roles...) {
			return fmt.Errorf("role %s may not open %s: %w", actorOf(c).Role, c.Path(), apperr.ErrForbidden)
		}
		return c.Next()
	}
}

// RequirePermission lets through only users whose role has p (403 otherwise).
func (h *Handlers) RequirePermission(p authz.Permission) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if identityOf(c) == nil {
			return h.RequireLogin(c)
		}
		if err := authz.Require(actorOf(c), p); err != nil {
			return err
		}
		return c.Next()
	}
}

func (h *Handlers) setSessionCookie(c *fiber.Ctx, token string) {
	c.Cookie(&fiber.Cookie{Name: sessionCookie, Value: token, Path: "/", HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode, Secure: h.Config.SecureCookies()})
}

func (h *Handlers) clearCookie(c *fiber.Ctx, name string) {
	c.Cookie(&fiber.Cookie{Name: name, Value: "", Path: "/", HTTPOnly: true, MaxAge: -1,
		Expires: time.Unix(1, 0), SameSite: fiber.CookieSameSiteLaxMode, Secure: h.Config.SecureCookies()})
}

// setFlash leaves a one-shot message (a catalog id) for the next page.
func (h *Handlers) setFlash(c *fiber.Ctx, messageID string) {
	c.Cookie(&fiber.Cookie{Name: flashCookie, Value: messageID, Path: "/", HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode, Secure: h.Config.SecureCookies()})
}

// takeFlash returns the flash message id and clears it.
func (h *Handlers) takeFlash(c *fiber.Ctx) string {
	id := c.Cookies(flashCookie)
	if id != "" {
		h.clearCookie(c, flashCookie)
	}
	return id
}
