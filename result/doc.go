// Package result is drill's result model: the plain data one drill (or a merged set of drills)
// produces, the scoring of metrics against targets into objectives and a verdict, and the JSON
// Schema of the result file. It knows nothing of Docker or of how the numbers were measured;
// the harness fills it and the reports read it.
package result
