// pd-disagg conformance harness for router v0.8.0 (still called llm-d-inference-scheduler). The EPP binary at this
// tag is GIE v1.5.0's runner with llm-d's plugins registered first, so the harness's runner file goes into the
// cmd/epp/runner package of a scratch copy of gateway-api-inference-extension v1.5.0 (the version the tag's go.mod
// requires), and cmd/pdconf is built in a scratch copy of llm-d-inference-scheduler v0.8.0 with that copy replacing
// the GIE module. llm-d-kv-cache v0.7.1 is the tag's own requirement. CGO_ENABLED=0.
module pd-disagg.local/conformance/v0_8_0

go 1.25

require (
	github.com/llm-d/llm-d-inference-scheduler v0.8.0
	github.com/llm-d/llm-d-kv-cache v0.7.1
	sigs.k8s.io/gateway-api-inference-extension v1.5.0
)
