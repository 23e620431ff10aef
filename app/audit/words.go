package audit

import "strings"

// ActionMessage is the catalog id of the words for an audited action
// (views/locales/*/audit_words.toml): "visit.status" → "audit.action.visit_status".
func ActionMessage(action string) string {
	return "audit.action." + strings.ReplaceAll(action, ".", "_")
}

// EntityMessage is the catalog id of the words for an audited entity:
// "plan_versions" → "audit.entity.plan_versions".
func EntityMessage(entity string) string {
	return "audit.entity." + strings.ReplaceAll(entity, ".", "_")
}
