package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/mail"
	"sync"
	"time"

	"github.com/emersion/go-smtp"
)

// delivered is one message the capture accepted.
type delivered struct {
	Key       string // X-Khung-Key: the outbox row's dedupe key
	MessageID string
	Port      int // which listener (one per replica) took it
	At        time.Time
}

// capture is the soak's SMTP server: one listener per sender, so that it
// knows which replica sent what. It waits Delay before accepting each message
// (a slow relay keeps a replica busy sending long enough to be killed mid-batch)
// and can be taken down and brought back on the same ports.
type capture struct {
	Delay time.Duration

	mu      sync.Mutex
	ports   []int
	servers []*smtp.Server
	got     []delivered
	started map[int]time.Time // first message seen on each port since arm()
}

func newCapture(ports []int, delay time.Duration) *capture {
	return &capture{Delay: delay, ports: ports, started: map[int]time.Time{}}
}

// up starts a listener on every port.
func (c *capture) up() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, p := range c.ports {
		ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
		if err != nil {
			return fmt.Errorf("smtp capture: %w", err)
		}
		port := p
		s := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
			return &captureSession{c: c, port: port}, nil
		}))
		s.Domain = "soak.local"
		s.AllowInsecureAuth = true
		s.ReadTimeout, s.WriteTimeout = 30*time.Second, 30*time.Second
		s.MaxMessageBytes = 1 << 20
		go s.Serve(ln) //nolint:errcheck // returns when closed
		c.servers = append(c.servers, s)
	}
	return nil
}

// down closes every listener and drops open connections: the relay is gone.
func (c *capture) down() {
	c.mu.Lock()
	servers := c.servers
	c.servers = nil
	c.mu.Unlock()
	for _, s := range servers {
		if err := s.Close(); err != nil && !errors.Is(err, smtp.ErrServerClosed) {
			fmt.Println("soak: closing the SMTP capture:", err)
		}
	}
}

// arm forgets when each port last started receiving.
func (c *capture) arm() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.started = map[int]time.Time{}
}

// startedOn returns when port received its first message since arm().
func (c *capture) startedOn(port int) (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t, ok := c.started[port]
	return t, ok
}

func (c *capture) all() []delivered {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]delivered(nil), c.got...)
}

type captureSession struct {
	c    *capture
	port int
}

func (s *captureSession) Reset()                                    {}
func (s *captureSession) Logout() error                             { return nil }
func (s *captureSession) Mail(string, *smtp.MailOptions) error      { return nil }
func (s *captureSession) Rcpt(to string, _ *smtp.RcptOptions) error { return nil }

// Data waits Delay, then keeps the message: a sender killed during the wait
// never got the server's acceptance, so the message does not count.
func (s *captureSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	c := s.c
	c.mu.Lock()
	if _, ok := c.started[s.port]; !ok {
		c.started[s.port] = time.Now()
	}
	c.mu.Unlock()
	time.Sleep(c.Delay)
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return &smtp.SMTPError{Code: 554, Message: "soak capture cannot parse the message"}
	}
	c.mu.Lock()
	c.got = append(c.got, delivered{Key: m.Header.Get("X-Khung-Key"), MessageID: m.Header.Get("Message-Id"), Port: s.port, At: time.Now()})
	c.mu.Unlock()
	return nil
}
