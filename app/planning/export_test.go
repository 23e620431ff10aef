package planning

// RandomInstance exposes the fuzz instance builder to the external tests.
var RandomInstance = randomInstance

// RenderPlan writes a plan's sentences from its messages, as the CLI does.
var RenderPlan = renderPlan
