package planning

// RandomInstance exposes the fuzz instance builder to the external tests.
var RandomInstance = randomInstance
