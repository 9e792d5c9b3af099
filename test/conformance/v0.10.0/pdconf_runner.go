// pd-disagg conformance harness, router v0.10.0 (github.com/llm-d/llm-d-router).
//
// This file is copied into package runner (cmd/epp/runner) of a scratch copy of the router module at build time
// (scripts/conformance.mjs), because (*Runner).registerInTreePlugins and the setup steps are unexported. It only
// calls the router's own functions, in the order (*Runner).setup calls them; it implements no router logic.
package runner

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/llm-d/llm-d-router/pkg/epp/datalayer"
	"github.com/llm-d/llm-d-router/pkg/epp/datastore"
	"github.com/llm-d/llm-d-router/pkg/epp/flowcontrol/contracts"
	fwkdl "github.com/llm-d/llm-d-router/pkg/epp/framework/interface/datalayer"
	fwkplugin "github.com/llm-d/llm-d-router/pkg/epp/framework/interface/plugin"
	"github.com/llm-d/llm-d-router/pkg/epp/handlers"
	"github.com/llm-d/llm-d-router/pkg/epp/requestcontrol"
	"github.com/llm-d/llm-d-router/pkg/epp/scheduling"
	runserver "github.com/llm-d/llm-d-router/pkg/epp/server"
)

// PDConfPod is a fake endpoint the harness puts into the datastore.
type PDConfPod struct {
	Name   string
	IP     string
	Labels map[string]string
}

// PDConfOutcome is what one request did.
type PDConfOutcome struct {
	Error   string            `json:"error,omitempty"`
	Target  string            `json:"target,omitempty"`
	Headers map[string]string `json:"headers,omitempty"`
	// profile name -> picked endpoint names
	Profiles map[string][]string `json:"profiles,omitempty"`
}

// PDConfSession is one config, loaded and set up the way the EPP does at start.
type PDConfSession struct {
	Stage    string
	Err      error
	director *requestcontrol.Director
	runner   *Runner
	ds       datastore.Datastore
}

// PDConfSetup runs the EPP's start-up steps for a config text: phase one (feature gates, in-tree plugins, strict
// raw load), datastore, phase two (instantiate, missing producers, DAG), scheduler, plugin stability, admission.
func PDConfSetup(ctx context.Context, configText string, allowExperimental bool, namespace, pool string, selector map[string]string, targetPort int, pods []PDConfPod) *PDConfSession {
	r := NewRunner()
	opts := runserver.NewOptions()
	opts.ConfigText = configText
	opts.AllowExperimentalPlugins = allowExperimental
	opts.PoolName = pool
	opts.PoolNamespace = namespace
	rawConfig, err := r.parseConfigurationPhaseOne(ctx, opts)
	if err != nil {
		return &PDConfSession{Stage: "load", Err: err}
	}
	epf := r.setupMetricsCollection(opts)
	ds, err := setupDatastore(ctx, epf, false, namespace, pool, labels.SelectorFromSet(selector), []int{targetPort})
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
	scheduler := scheduling.NewSchedulerWithConfig(r.schedulerConfig)
	if err := fwkplugin.ValidatePluginStability(r.PluginHandle, opts.AllowExperimentalPlugins); err != nil {
		return &PDConfSession{Stage: "stability", Err: err}
	}
	if err := r.dlRuntime.Configure(eppConfig.DataConfig, setupLog); err != nil {
		return &PDConfSession{Stage: "datalayer", Err: err}
	}
	for _, p := range pods {
		pod := &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Name: p.Name, Namespace: namespace, Labels: p.Labels},
			Status: corev1.PodStatus{
				Phase: corev1.PodRunning,
				PodIP: p.IP,
				Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue}},
			},
		}
		if err := ds.PodUpdateOrAddIfNotExist(ctx, pod); err != nil {
			return &PDConfSession{Stage: "harness", Err: err}
		}
		// the pod event the EPP's Kubernetes notification controller would deliver (to the rollout screener, say)
		raw, err := runtime.DefaultUnstructuredConverter.ToUnstructured(pod)
		if err != nil {
			return &PDConfSession{Stage: "harness", Err: err}
		}
		u := &unstructured.Unstructured{Object: raw}
		u.SetGroupVersionKind(corev1.SchemeGroupVersion.WithKind("Pod"))
		if err := datalayer.PDConfNotify(ctx, r.dlRuntime, u); err != nil {
			return &PDConfSession{Stage: "notify", Err: err}
		}
	}
	endpointCandidates := contracts.EndpointCandidates(requestcontrol.NewDatastoreEndpointCandidates(ds,
		requestcontrol.WithDisableEndpointSubsetFilter(opts.DisableEndpointSubsetFilter)))
	endpointCandidates, admissionController, _, requestEvictor := r.initAdmissionControl(ctx, opts, eppConfig, endpointCandidates)
	director := requestcontrol.NewDirectorWithConfig(ds, scheduler, admissionController, endpointCandidates, r.requestControlConfig)
	if requestEvictor != nil {
		director.SetRequestEvictor(requestEvictor)
	}
	return &PDConfSession{Stage: "ready", director: director, runner: r, ds: ds}
}

// PDConfRequest sends one request body through the path the ext_proc server takes: resolve the parser for the
// path, parse, then Director.HandleRequest (header processors, admission, candidates, screeners, data producers,
// scheduler, PreRequest plugins).
func (s *PDConfSession) PDConfRequest(ctx context.Context, path string, body []byte, requestID string) PDConfOutcome {
	stop := make(chan struct{})
	defer close(stop)
	s.pdconfScrape()
	go s.pdconfScraped(stop)
	headers := map[string]string{":path": path, "x-request-id": requestID, "content-type": "application/json"}
	reqCtx := &handlers.RequestContext{
		Request:     &handlers.Request{Headers: headers, RawBody: body, Metadata: map[string]any{}},
		RequestSize: len(body),
	}
	parser, err := s.runner.parserRegistry.Resolve(path)
	if err != nil {
		return PDConfOutcome{Error: "parser: " + err.Error()}
	}
	parsed, err := parser.ParseRequest(ctx, body, headers)
	if err != nil {
		return PDConfOutcome{Error: "parse: " + err.Error()}
	}
	reqCtx.Parser = parser
	out, err := s.director.HandleRequest(ctx, reqCtx, parsed.Body)
	res := PDConfOutcome{Headers: map[string]string{}, Profiles: map[string][]string{}}
	if err != nil {
		res.Error = err.Error()
	}
	if out != nil {
		res.Target = out.TargetEndpoint
		for k, v := range out.Request.Headers {
			res.Headers[k] = v
		}
		if out.SchedulingRequest != nil && out.SchedulingRequest.SchedulingResult != nil {
			for name, pr := range out.SchedulingRequest.SchedulingResult.ProfileResults {
				names := []string{}
				if pr != nil {
					for _, ep := range pr.TargetEndpoints {
						names = append(names, ep.GetMetadata().ID.Name)
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
