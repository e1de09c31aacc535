// Package scenarios is drill's YAML language: the Stack and Scenario types, strict loading from
// a positioned walk over yaml.Node, validation that reports every problem at once as
// file:line:col: field.path: message, durations, sizes and templates. It knows nothing of
// Docker or of how a drill runs.
package scenarios
