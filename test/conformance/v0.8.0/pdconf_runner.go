// pd-disagg conformance harness, router v0.8.0 (github.com/llm-d/llm-d-inference-scheduler, whose EPP binary is
// gateway-api-inference-extension v1.5.0's runner after llm-d's plugins.RegisterAllPlugins()).
//
// This file is copied into package runner (cmd/epp/runner) of a scratch copy of GIE v1.5.0 at build time
// (scripts/conformance.mjs), because (*Runner).registerInTreePlugins and the setup steps are unexported. It only
// calls GIE's own functions, in the order (*Runner).Run and (*Runner).setup call them; it implements no router logic.
package runner

import (
	"context"
	"fmt"
	"time"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	extProcPb "github.com/envoyproxy/go-control-plane/envoy/service/ext_proc/v3"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	backendmetrics "sigs.k8s.io/gateway-api-inference-extension/pkg/epp/backend/metrics"
	"sigs.k8s.io/gateway-api-inference-extension/pkg/epp/datalayer"
	"sigs.k8s.io/gateway-api-inference-extension/pkg/epp/datastore"
	"sigs.k8s.io/gateway-api-inference-extension/pkg/epp/flowcontrol"
	"sigs.k8s.io/gateway-api-inference-extension/pkg/epp/flowcontrol/contracts"
	fccontroller "sigs.k8s.io/gateway-api-inference-extension/pkg/epp/flowcontrol/controller"
	fcregistry "sigs.k8s.io/gateway-api-inference-extension/pkg/epp/flowcontrol/registry"
	extractormetrics "sigs.k8s.io/gateway-api-inference-extension/pkg/epp/framework/plugins/datalayer/extractor/metrics"
	"sigs.k8s.io/gateway-api-inference-extension/pkg/epp/handlers"
	"sigs.k8s.io/gateway-api-inference-extension/pkg/epp/requestcontrol"
	"sigs.k8s.io/gateway-api-inference-extension/pkg/epp/scheduling"
	fwkdl "sigs.k8s.io/gateway-api-inference-extension/pkg/epp/framework/interface/datalayer"
	fwksched "sigs.k8s.io/gateway-api-inference-extension/pkg/epp/framework/interface/scheduling"
	runserver "sigs.k8s.io/gateway-api-inference-extension/pkg/epp/server"
)

// pdconfRecorder passes Schedule through to the real scheduler and keeps its result, which this version's
// RequestContext does not carry.
type pdconfRecorder struct {
	inner *scheduling.Scheduler
	last  *fwksched.SchedulingResult
}

func (p *pdconfRecorder) Schedule(ctx context.Context, request *fwksched.LLMRequest, candidates []fwksched.Endpoint) (*fwksched.SchedulingResult, error) {
	res, err := p.inner.Schedule(ctx, request, candidates)
	p.last = res
	return res, err
}

// PDConfPod is a fake endpoint the harness puts into the datastore.
type PDConfPod struct {
	Name   string
	IP     string
	Labels map[string]string
}

// PDConfOutcome is what one request did.
type PDConfOutcome struct {
	Error    string
	Target   string
	Headers  map[string]string
	Profiles map[string][]string
}

// PDConfSession is one config, loaded and set up the way the EPP does at start.
type PDConfSession struct {
	Stage    string
	Err      error
	director *requestcontrol.Director
	recorder *pdconfRecorder
	server   *handlers.StreamingServer
	ds       datastore.Datastore
}

// PDConfSetup runs the EPP's start-up steps for a config text: phase one (feature gates, in-tree plugins, raw
// load), metrics collection, datastore, phase two (instantiate, DAG), scheduler, data layer, admission, director.
// allowExperimental is unused: v0.8.0 has no plugin stability check.
func PDConfSetup(ctx context.Context, configText string, allowExperimental bool, namespace, pool string, selector map[string]string, targetPort int, pods []PDConfPod) *PDConfSession {
	_ = allowExperimental
	r := NewRunner()
	opts := runserver.NewOptions()
	opts.ConfigText = configText
	opts.PoolName = pool
	opts.PoolNamespace = namespace
	pmc, err := backendmetrics.NewPodMetricsClientImpl(setupLog, backendmetrics.Config{
		ModelServerMetricsScheme:        opts.ModelServerMetricsScheme,
		ModelServerMetricsHTTPSInsecure: opts.ModelServerMetricsHTTPSInsecure,
		ModelServerMetricsPath:          opts.ModelServerMetricsPath,
		TotalQueuedRequestsMetric:       opts.TotalQueuedRequestsMetric,
		TotalRunningRequestsMetric:      opts.TotalRunningRequestsMetric,
		KVCacheUsagePercentageMetric:    opts.KVCacheUsagePercentageMetric,
		LoRAInfoMetric:                  opts.LoRAInfoMetric,
		CacheInfoMetric:                 opts.CacheInfoMetric,
	})
	if err != nil {
		return &PDConfSession{Stage: "harness", Err: err}
	}
	rawConfig, err := r.parseConfigurationPhaseOne(ctx, opts)
	if err != nil {
		return &PDConfSession{Stage: "load", Err: err}
	}
	useNewMetrics := !r.featureGates[datalayer.EnableLegacyMetricsFeatureGate]
	epf := r.setupMetricsCollection(useNewMetrics, opts, pmc)
	ds, err := setupDatastore(ctx, epf, int32(opts.ModelServerMetricsPort), false, namespace, pool, labels.SelectorFromSet(selector).String(), []int{targetPort})
	if err != nil {
		return &PDConfSession{Stage: "harness", Err: err}
	}
	eppConfig, err := r.parseConfigurationPhaseTwo(ctx, rawConfig, ds)
	if err != nil {
		return &PDConfSession{Stage: "instantiate", Err: err}
	}
	if r.schedulerConfig == nil {
		return &PDConfSession{Stage: "scheduler", Err: fmt.Errorf("scheduler config must be set either by config api or through code")}
	}
	scheduler := &pdconfRecorder{inner: scheduling.NewSchedulerWithConfig(r.schedulerConfig)}
	disallowedExtractorType := ""
	if !useNewMetrics {
		disallowedExtractorType = extractormetrics.MetricsExtractorType
	}
	if err := r.dlRuntime.Configure(eppConfig.DataConfig, useNewMetrics, disallowedExtractorType, setupLog); err != nil {
		return &PDConfSession{Stage: "datalayer", Err: err}
	}
	for _, p := range pods {
		pod := &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Name: p.Name, Namespace: namespace, Labels: p.Labels},
			Status: corev1.PodStatus{
				Phase:      corev1.PodRunning,
				PodIP:      p.IP,
				Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue}},
			},
		}
		ds.PodUpdateOrAddIfNotExist(ctx, pod)
	}
	var admissionController requestcontrol.AdmissionController
	var endpointCandidates contracts.EndpointCandidates
	endpointCandidates = requestcontrol.NewDatastoreEndpointCandidates(ds, requestcontrol.WithDisableEndpointSubsetFilter(opts.DisableEndpointSubsetFilter))
	if r.featureGates[flowcontrol.FeatureGate] {
		endpointCandidates = requestcontrol.NewCachedEndpointCandidates(ctx, endpointCandidates, time.Millisecond*50)
		registry, err := fcregistry.NewFlowRegistry(eppConfig.FlowControlConfig.Registry, setupLog)
		if err != nil {
			return &PDConfSession{Stage: "flowcontrol", Err: fmt.Errorf("failed to initialize Flow Registry: %w", err)}
		}
		fc, err := fccontroller.NewFlowController(ctx, opts.PoolName, eppConfig.FlowControlConfig.Controller, fccontroller.Deps{
			Registry:           registry,
			SaturationDetector: eppConfig.SaturationDetector,
			EndpointCandidates: endpointCandidates,
			UsageLimitPolicy:   eppConfig.FlowControlConfig.UsageLimitPolicy,
		})
		if err != nil {
			return &PDConfSession{Stage: "flowcontrol", Err: fmt.Errorf("failed to initialize Flow Controller: %w", err)}
		}
		go registry.Run(ctx)
		admissionController = requestcontrol.NewFlowControlAdmissionController(fc, opts.PoolName)
	} else {
		admissionController = requestcontrol.NewLegacyAdmissionController(eppConfig.SaturationDetector, endpointCandidates)
	}
	director := requestcontrol.NewDirectorWithConfig(ds, scheduler, admissionController, r.parser, endpointCandidates, r.requestControlConfig)
	// the ext_proc server, for its request-header step (it defaults the flow-control fairness ID, which v0.8.0's
	// Director does not)
	server := handlers.NewStreamingServer(ds, director, r.parser)
	return &PDConfSession{Stage: "ready", director: director, recorder: scheduler, server: server, ds: ds}
}

// PDConfRequest sends one request through the path the ext_proc server takes: its request-header step
// ((*StreamingServer).HandleRequestHeaders: headers into the request context, fairness ID defaulted), then, once the
// body is complete, Director.HandleRequest (parse, candidates, admission, data producers, scheduler, PreRequest
// plugins).
func (s *PDConfSession) PDConfRequest(ctx context.Context, path string, body []byte, requestID string) PDConfOutcome {
	stop := make(chan struct{})
	defer close(stop)
	s.pdconfScrape()
	go s.pdconfScraped(stop)
	headers := map[string]string{":path": path, "x-request-id": requestID, "content-type": "application/json"}
	reqCtx := &handlers.RequestContext{
		Request:  &handlers.Request{Headers: map[string]string{}, Metadata: map[string]any{}},
		Response: &handlers.Response{Headers: map[string]string{}},
	}
	hdrs := []*corev3.HeaderValue{}
	for k, v := range headers {
		hdrs = append(hdrs, &corev3.HeaderValue{Key: k, RawValue: []byte(v)})
	}
	if err := s.server.HandleRequestHeaders(ctx, reqCtx, &extProcPb.ProcessingRequest_RequestHeaders{
		RequestHeaders: &extProcPb.HttpHeaders{Headers: &corev3.HeaderMap{Headers: hdrs}},
	}); err != nil {
		return PDConfOutcome{Error: "request headers: " + err.Error()}
	}
	reqCtx.Request.RawBody = body
	reqCtx.RequestSize = len(body)
	s.recorder.last = nil
	out, err := s.director.HandleRequest(ctx, reqCtx)
	res := PDConfOutcome{Headers: map[string]string{}, Profiles: map[string][]string{}}
	if err != nil {
		res.Error = err.Error()
	}
	if out != nil {
		res.Target = out.TargetEndpoint
		for k, v := range out.Request.Headers {
			res.Headers[k] = v
		}
		if s.recorder.last != nil {
			for name, pr := range s.recorder.last.ProfileResults {
				names := []string{}
				if pr != nil {
					for _, ep := range pr.TargetEndpoints {
						names = append(names, ep.GetMetadata().NamespacedName.Name)
					}
				}
				res.Profiles[name] = names
			}
		}
	}
	return res
}

// pdconfScraped stands in for the metrics scrapes of the fake pods, which serve no /metrics: until stop, every 20 ms,
// pdconfScrape. Without it every metrics reader sees the pods' metrics stale, so with the flowControl gate the
// saturation detector counts the pool as saturated and no request is ever dispatched.
func (s *PDConfSession) pdconfScraped(stop <-chan struct{}) {
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			s.pdconfScrape()
		}
	}
}

// pdconfScrape stamps each endpoint's metrics as the router holds them (no queue, no KV-cache use: what an idle
// engine reports) as just scraped.
func (s *PDConfSession) pdconfScrape() {
	for _, ep := range s.ds.PodList(func(fwkdl.Endpoint) bool { return true }) {
		m := ep.GetMetrics().Clone()
		if m == nil {
			m = fwkdl.NewMetrics()
		}
		m.UpdateTime = time.Now()
		ep.UpdateMetrics(m)
	}
}
