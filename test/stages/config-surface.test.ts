// The stage selectors of issue 16 at discovery: `role` picks a stage inside a multi-role object, so on a named workload
// of a single-role kind it is an error naming the config field (the config alone cannot tell when the kind is left out).
import { describe, expect, it } from 'vitest';
import { read, resourceList, runText } from '../helpers.js';

const pair = read('testdata/labels-autodetect/input.yaml');
const items = pair.slice(pair.indexOf('items:\n') + 'items:\n'.length, pair.includes('\nfunctionConfig:') ? pair.indexOf('\nfunctionConfig:') + 1 : undefined);

describe('role on a workload that plays one role', () => {
  it('is a discovery error naming the typed field, and the items come out unchanged', () => {
    const decode = 'gpt-oss-decode';
    const out = runText(resourceList(items, `  apiVersion: pd-disagg.dev/v1alpha1\n  kind: PrefillDecode\n  metadata: {name: m}\n  spec:\n    decode: {name: ${decode}, role: gen}\n`));
    expect(out.exitCode).toBe(1);
    const errors = out.results.filter((r) => r.severity === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.field?.path).toBe('spec.decode.role');
    expect(errors[0]!.message).toContain(`spec.decode.role "gen" names a role inside a multi-role object, but Deployment/llm-d/${decode} is a Deployment, which plays one role: remove the role`);
  });
  it('names the ConfigMap key in the ConfigMap form', () => {
    const prefill = 'gpt-oss-prefill';
    const out = runText(resourceList(items, `  apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: function-input}\n  data: {prefill: ${prefill}, prefillRole: ctx}\n`));
    expect(out.exitCode).toBe(1);
    expect(out.results.find((r) => r.severity === 'error')?.field?.path).toBe('data.prefillRole');
  });
});
