package transport

import (
	"reflect"
	"testing"
)

// A list on exec may be one ID per line, or a JSON array.
func TestListLines(t *testing.T) {
	if got, err := siteLines([]byte("a\n\n b \nc\n")); err != nil || !reflect.DeepEqual(got, []string{"a", "b", "c"}) {
		t.Errorf("lines: %v %v", got, err)
	}
	if got, err := siteLines([]byte(` ["x", "y"] `)); err != nil || !reflect.DeepEqual(got, []string{"x", "y"}) {
		t.Errorf("json: %v %v", got, err)
	}
}
