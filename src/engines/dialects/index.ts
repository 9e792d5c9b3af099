// The engine dialects, in detection order.
import type { EngineKind } from '../types.js';
import { sglangDialect } from './sglang.js';
import type { Dialect } from './types.js';
import { vllmDialect } from './vllm.js';

export const DIALECTS: readonly Dialect[] = [vllmDialect, sglangDialect];

export function dialectFor(kind: EngineKind): Dialect {
  return kind === 'vllm' ? vllmDialect : sglangDialect;
}

export { vllmDialect, sglangDialect };
