// Package drill holds the built-in catalogue: the scenario files of scenarios/ and the stack
// files of stacks/ (with the compose files they name, stacks/NAME/docker-compose.yml), embedded in the binary so that an installed drill can list, validate and
// run them by name. It lives at the module root because go:embed cannot reach "..".
package drill

import (
	"embed"
	"io/fs"
)

//go:embed scenarios/*.yaml stacks/*/stack.yaml stacks/*/docker-compose.yml
var catalog embed.FS

// Catalog returns the built-in files, laid out as scenarios/NAME.yaml, stacks/NAME/stack.yaml
// and stacks/NAME/docker-compose.yml.
func Catalog() fs.FS { return catalog }
