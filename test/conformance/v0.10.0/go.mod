// pd-disagg conformance harness for router v0.10.0. The require line is the pin scripts/conformance.mjs reads:
// it obtains this module version (module proxy, or a local checkout given with --router-src v0.10.0=DIR), copies it
// to a scratch dir, adds pdconf_runner.go to its cmd/epp/runner package and builds cmd/pdconf there with the
// router's own go.mod and go.sum (CGO_ENABLED=0, as its Dockerfile.epp does).
module pd-disagg.local/conformance/v0_10_0

go 1.25

require github.com/llm-d/llm-d-router v0.10.0
