// Package clock is the drill's monotonic clock: every event of a drill is a duration since the
// run started. Clock is real in a drill and fake (FakeClock, moved only by Advance) in tests, so
// that the measurement arithmetic and the schedules are proved exactly. WithTimeout is
// context.WithTimeout on such a clock.
package clock
