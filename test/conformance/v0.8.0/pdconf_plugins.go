// pd-disagg conformance harness, router v0.8.0: what cmd/epp/main.go does before runner.Run: register
// llm-d-inference-scheduler's plugins (GIE's in-tree plugins are registered later, in parseConfigurationPhaseOne).
package main

import "github.com/llm-d/llm-d-inference-scheduler/pkg/epp/framework/plugins"

func init() {
	plugins.RegisterAllPlugins()
}
