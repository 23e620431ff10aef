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
