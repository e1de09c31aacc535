package main

import "runtime/debug"

// buildVersion is set with -ldflags "-X main.buildVersion=…"; otherwise the module version.
var buildVersion = ""

func drillVersion() string {
	if buildVersion != "" {
		return buildVersion
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}
