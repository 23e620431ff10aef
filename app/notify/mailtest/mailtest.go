// Package mailtest runs an in-process SMTP server (emersion/go-smtp) on
// 127.0.0.1 that keeps every message it accepts, decoded, for tests to read.
// It can refuse messages, answer slowly, and be stopped mid-batch to imitate a
// crash.
package mailtest

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Message is one accepted message.
type Message struct {
	From    string
	To      []string
	Header  mail.Header
	Subject string // decoded
	Body    string // the text/plain body, decoded
	Raw     []byte
}

// Server is a capturing SMTP server.
type Server struct {
	Host string
	Port int

	srv *smtp.Server
	ln  net.Listener

	mu       sync.Mutex
	messages []Message
	refuse   []*smtp.SMTPError // refusals for the next messages, in order
	onAccept func(n int)       // called after each accepted message with the count so far
	closeAt  int               // > 0: shut down when a message starts after closeAt were accepted
	delay    time.Duration     // how long each message's DATA takes before its answer
}

// Start runs a server on 127.0.0.1 on a free port until the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	s, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// Listen runs a server on addr (a benchmark or a restarted server reuses a port).
func Listen(addr string) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("mailtest: listen: %w", err)
	}
	s := &Server{ln: ln}
	tcp := ln.Addr().(*net.TCPAddr)
	s.Host, s.Port = tcp.IP.String(), tcp.Port
	s.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{s: s}, nil }))
	s.srv.Domain = "mailtest.local"
	s.srv.AllowInsecureAuth = true
	s.srv.ReadTimeout = 10 * time.Second
	s.srv.WriteTimeout = 10 * time.Second
	s.srv.MaxMessageBytes = 1 << 20
	s.srv.ErrorLog = quiet{}
	go s.srv.Serve(ln) //nolint:errcheck // returns when closed
	return s, nil
}

// Addr returns host:port.
func (s *Server) Addr() string { return net.JoinHostPort(s.Host, fmt.Sprint(s.Port)) }

// Close stops the server and drops open connections at once, like a crash.
func (s *Server) Close() error {
	err := s.srv.Close()
	if errors.Is(err, smtp.ErrServerClosed) {
		return nil
	}
	return err
}

// Messages returns a copy of the accepted messages, in order.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// Count returns how many messages were accepted.
func (s *Server) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.messages)
}

// Refuse makes the next n messages fail at DATA with code: 451 is temporary
// (the sender retries), 550 permanent.
func (s *Server) Refuse(n, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.refuse = append(s.refuse, &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCode{code / 100, 0, 0}, Message: "mailtest refuses"})
	}
}

// OnAccept calls f after each accepted message with the number accepted so far
// (to cancel a sender mid-batch, or to close the server).
func (s *Server) OnAccept(f func(n int)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onAccept = f
}

// CloseAfter makes the server accept n messages, then answer the next one with
// 421 and shut down, dropping every connection: a server crashing mid-batch.
func (s *Server) CloseAfter(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closeAt = n
}

// Delay makes the server take d over each message before answering its DATA:
// a slow relay, so that a batch stays in flight for a while.
func (s *Server) Delay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delay = d
}

type session struct {
	s    *Server
	from string
	to   []string
}

func (x *session) Reset()        { x.from, x.to = "", nil }
func (x *session) Logout() error { return nil }
func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	s := x.s
	s.mu.Lock()
	down := s.closeAt > 0 && len(s.messages) >= s.closeAt
	s.mu.Unlock()
	if down {
		go s.Close()
		return &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "mailtest is shutting down"}
	}
	x.from = from
	return nil
}
func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.to = append(x.to, to)
	return nil
}

func (x *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s := x.s
	s.mu.Lock()
	delay := s.delay
	s.mu.Unlock()
	time.Sleep(delay)
	s.mu.Lock()
	if len(s.refuse) > 0 {
		e := s.refuse[0]
		s.refuse = s.refuse[1:]
		s.mu.Unlock()
		return e
	}
	s.mu.Unlock()
	m, err := decode(raw)
	if err != nil {
		return &smtp.SMTPError{Code: 554, Message: "mailtest cannot parse the message: " + err.Error()}
	}
	m.From, m.To = x.from, append([]string(nil), x.to...)
	s.mu.Lock()
	s.messages = append(s.messages, m)
	n, f := len(s.messages), s.onAccept
	s.mu.Unlock()
	if f != nil {
		f(n)
	}
	return nil
}

// decode parses a single-part or multipart/alternative message and keeps its
// text/plain body.
func decode(raw []byte) (Message, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Message{}, err
	}
	dec := new(mime.WordDecoder)
	subject, err := dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		return Message{}, fmt.Errorf("subject: %w", err)
	}
	body, err := textBody(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body)
	if err != nil {
		return Message{}, err
	}
	return Message{Header: msg.Header, Subject: subject, Body: body, Raw: raw}, nil
}

func textBody(contentType, encoding string, r io.Reader) (string, error) {
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return "", fmt.Errorf("content type %q: %w", contentType, err)
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		mr := multipart.NewReader(r, params["boundary"])
		for {
			p, err := mr.NextPart()
			if err != nil {
				return "", fmt.Errorf("no text/plain part: %w", err)
			}
			if strings.HasPrefix(p.Header.Get("Content-Type"), "text/plain") {
				return textBody(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p)
			}
		}
	}
	switch strings.ToLower(encoding) {
	case "quoted-printable":
		r = quotedprintable.NewReader(r)
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, newlineStripper{r})
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return "", fmt.Errorf("body: %w", err)
	}
	return strings.ReplaceAll(string(b), "\r\n", "\n"), nil
}

// newlineStripper drops the line breaks of a base64 body.
type newlineStripper struct{ r io.Reader }

func (n newlineStripper) Read(p []byte) (int, error) {
	k, err := n.r.Read(p)
	j := 0
	for _, c := range p[:k] {
		if c != '\r' && c != '\n' {
			p[j] = c
			j++
		}
	}
	return j, err
}

type quiet struct{}

func (quiet) Printf(string, ...interface{}) {}
func (quiet) Println(...interface{})        {}
