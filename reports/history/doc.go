// Package history is drill's record of finished drills: an embedded SQLite file (pure Go,
// modernc.org/sqlite) with one row per run, so that a report can show the trend of a scenario
// at a size and `drill history` can print it. CI rebuilds it from result artifacts with Import.
package history
