package kube

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strings"
)

// labelValue is what Kubernetes accepts as a label value (empty, or up to 63 characters of
// [A-Za-z0-9._-] starting and ending with a letter or digit).
var labelValue = regexp.MustCompile(`^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$`)

// maxLabel is the longest label value and DNS label Kubernetes accepts.
const maxLabel = 63

// LabelValue encodes v as a label value: v itself when Kubernetes accepts it, else v with
// every other character replaced by '_', cut to fit, and followed by '.' and 8 hex digits of
// v's SHA-256, so that two values never share an encoding by accident. The value itself goes
// into an annotation of the same key.
func LabelValue(v string) string {
	if len(v) <= maxLabel && labelValue.MatchString(v) {
		return v
	}
	var b strings.Builder
	for _, r := range v {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	s := strings.Trim(b.String(), "-_.")
	if len(s) > maxLabel-9 {
		s = strings.TrimRight(s[:maxLabel-9], "-_.")
	}
	if s == "" {
		return "h" + hash8(v)
	}
	return s + "." + hash8(v)
}

// Labels encodes a map of drill's labels for an object's metadata: the labels (each value
// through LabelValue) and the annotations (the values themselves).
func Labels(m map[string]string) (labels, annotations map[string]string) {
	labels = make(map[string]string, len(m))
	annotations = make(map[string]string, len(m))
	for k, v := range m {
		labels[k] = LabelValue(v)
		annotations[k] = v
	}
	return labels, annotations
}

// Name turns a Docker-style resource name (drill-RUN-SERVICE, with capitals and dots) into an
// object name Kubernetes accepts as a DNS label: lower case, [a-z0-9-], starting with a letter,
// at most 63 characters. A name that had to change keeps 8 hex digits of the original's
// SHA-256 at its end when it is cut, so that two long names never collide.
func Name(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	s := strings.Trim(b.String(), "-")
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		s = "d-" + s
	}
	if len(s) > maxLabel {
		s = strings.TrimRight(s[:maxLabel-9], "-") + "-" + hash8(name)
	}
	return s
}

// hash8 is 8 hex digits of s's SHA-256.
func hash8(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:4])
}
