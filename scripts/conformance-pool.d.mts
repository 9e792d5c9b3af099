// Types of scripts/conformance-pool.mjs for the TypeScript that imports it (test/conformance/verdicts.ts).
export interface PdconfPod {
  name: string;
  ip: string;
  labels: Record<string, string>;
}
export interface PdconfRequest {
  name: string;
  kind: 'long' | 'hi' | 'image';
  seed?: number;
}
export interface PdconfScenario {
  /** "" for the config's own verdict; "rollout" / "rolloutPartial" for the two-revision pools */
  scenario: string;
  pods: PdconfPod[];
  requests: PdconfRequest[];
  revisionKey?: string;
}
export const POOL_APP: string;
export const POD_PORT: number;
export const ROLE_LABEL: string;
export const SET_NAME: string;
export const SET_ROLE: string;
export const SET_REVISION: string;
export const REVISIONS: string[];
export const ROLLOUT_REQUESTS: number;
export function defaultPods(): PdconfPod[];
export function selectorLabels(selector: unknown): Record<string, string>;
export function poolNeeds(config: unknown): {
  encode: boolean;
  stageLabels: Record<'encode' | 'prefill' | 'decode', Record<string, string>>;
  screener?: { scope: Record<string, string>; roleLabelKey: string; revisionLabelKey: string; requireRoles: string[] };
};
export function scenarios(text: string): PdconfScenario[];
export function isDefaultPool(pods: PdconfPod[]): boolean;
export function pickedOf(profiles: Record<string, string[]> | undefined): string;
export function rolloutVerdict(
  result: { prompts?: Record<string, { target?: string; error?: string; timeout?: boolean; profiles?: Record<string, string[]> }> },
  pods: PdconfPod[],
  revisionKey: string,
): { pairs: string; crossRevision: boolean; errors?: string; timeout?: boolean };
