// pd-disagg conformance harness, router v0.10.0: the Kubernetes notification path of the data layer, without an API
// server. scripts/conformance.mjs copies this file into package datalayer (pkg/epp/datalayer) of the scratch copy
// (harness.json "packageFiles"), because the sources and extractors the runtime registered are unexported.
//
// In the EPP, (*Runtime).Start binds each notification source to a controller-runtime controller whose reconciler
// calls (*notificationReconciler).dispatch for every object event. PDConfNotify calls that same dispatch for an object
// the harness hands it (a fake pod), for every registered source of the object's GVK: the source's Notify, then every
// extractor registered on it (e.g. the disaggregatedset-rollout-screener's pod handler). It implements no router logic.
package datalayer

import (
	"context"

	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	fwkdl "github.com/llm-d/llm-d-router/pkg/epp/framework/interface/datalayer"
)

// PDConfNotify delivers an add-or-update event for obj as the EPP's notification controller would.
func PDConfNotify(ctx context.Context, r *Runtime, obj *unstructured.Unstructured) error {
	return r.notification.ForEach(func(srcName string, src fwkdl.NotificationSource) error {
		if src.GVK() != obj.GroupVersionKind() {
			return nil
		}
		var extractors []fwkdl.NotificationExtractor
		if rawExts, ok := r.extractors.Get(srcName); ok {
			for _, e := range rawExts {
				extractors = append(extractors, e.(fwkdl.NotificationExtractor))
			}
		}
		rn := &notificationReconciler{src: src, extractors: extractors, gvk: src.GVK(), log: logr.Discard()}
		_, err := rn.dispatch(ctx, rn.log, &fwkdl.NotificationEvent{Type: fwkdl.EventAddOrUpdate, Object: obj})
		return err
	})
}
