// Package configs holds gaitkeeper's default configuration,
// default.yaml, embedded in the binary so that every threshold and its
// source ship together.
package configs

import (
	_ "embed"
	"slices"
)

//go:embed default.yaml
var defaultYAML []byte

// Default returns the contents of default.yaml.
func Default() []byte { return slices.Clone(defaultYAML) }
