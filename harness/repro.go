package harness

import (
	"crypto/sha256"
	"encoding/hex"
)

// sha is the hex SHA-256 of b; empty for nil.
func sha(b []byte) string {
	if b == nil {
		return ""
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
