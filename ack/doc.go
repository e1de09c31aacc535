// Package ack is the channel through which people answer a drill's manual steps from another
// shell on the same machine (drill ack RUN-ID [STEP] [--fail REASON]).
//
// A drill that waits for answers listens on a unix socket in Dir(runID):
// $XDG_RUNTIME_DIR/drill/RUN-ID/ack.sock, or $TMPDIR/drill-UID/RUN-ID/ack.sock when
// XDG_RUNTIME_DIR is unset; the directories are private to the user (0700). The protocol is
// one JSON request line and one JSON response line per connection.
package ack
