// Package msg is what a service says to a person: a message id of the catalogs
// (views/locales/{vi,en}/*.toml) with its parameters, never a sentence. The
// reader's side (a page, the JSON API, a mail, the iCal feed) renders it in the
// reader's language with views.Translator.Msg; a parameter named "Count"
// chooses the plural form ("1 working day" / "3 working days").
package msg

// Message is one user-facing message as a catalog id and its parameters.
type Message struct {
	ID   string         `json:"id"`
	Args map[string]any `json:"args,omitempty"`
}

// New returns the message id with key/value pairs: New("plans.moved", "Date", d).
func New(id string, pairs ...any) Message {
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

// IsZero tells whether m holds no message.
func (m Message) IsZero() bool { return m.ID == "" }
