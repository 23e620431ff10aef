package planning

// Message is a sentence the engine says to a person (an explanation, a reason,
// a refused change) as a catalog id with parameters, never as text: the app
// and the CLI render it in the reader's language (views/locales). Parameters
// are ids and numbers as the instance names them; the renderer turns ids into
// names. A parameter named "Count" picks the plural form.
type Message struct {
	ID   string         `json:"id"`
	Args map[string]any `json:"args,omitempty"`
}

// Msg returns the message id with key/value pairs: Msg("why.merged", "Count", 3).
func Msg(id string, pairs ...any) Message {
	m := Message{ID: id}
	if len(pairs) > 1 {
		m.Args = make(map[string]any, len(pairs)/2)
		for i := 0; i+1 < len(pairs); i += 2 {
			k, _ := pairs[i].(string)
			m.Args[k] = pairs[i+1]
		}
	}
	return m
}

// Parts returns the id and the parameters, so that a renderer can find
// messages nested in parameters without importing the engine.
func (m Message) Parts() (string, map[string]any) { return m.ID, m.Args }

// Renderer writes a message as a sentence of one language (the app and the
// CLI build it from the message catalogs).
type Renderer func(Message) string

// Render fills the sentences of the plan's JSON fields from its messages: why
// and reason in English (en), why_vi and reason_vi in Vietnamese (vi). Rows
// that already have sentences (read back from a stored plan) keep them.
func (p *Plan) Render(en, vi Renderer) {
	for k := range p.Visits {
		v := &p.Visits[k]
		if len(v.WhyMsgs) == 0 || len(v.Why) > 0 {
			continue
		}
		v.Why, v.WhyVi = make([]string, len(v.WhyMsgs)), make([]string, len(v.WhyMsgs))
		for j, m := range v.WhyMsgs {
			v.Why[j], v.WhyVi[j] = en(m), vi(m)
		}
	}
	for k := range p.Unscheduled {
		if u := &p.Unscheduled[k]; u.ReasonMsg != nil && u.Reason == "" {
			u.Reason, u.ReasonVi = en(*u.ReasonMsg), vi(*u.ReasonMsg)
		}
	}
}

// Render fills the sentences of the violations from their messages.
func (d *Delta) Render(en, vi Renderer) {
	for k := range d.Violations {
		v := &d.Violations[k]
		v.Message, v.MessageVI = en(v.Msg), vi(v.Msg)
	}
}

// Render fills the sentences of the problems from their messages.
func (e *InstanceError) Render(en, vi Renderer) {
	for k := range e.Problems {
		p := &e.Problems[k]
		p.Message, p.MessageVI = en(p.Msg), vi(p.Msg)
	}
}
