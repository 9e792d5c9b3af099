// The names both engine and sidecar recognition read from a container spec (src/names.ts): one parser for image
// references and one list of shells, so the engine reader and the sidecar reader cannot drift apart.
import { describe, expect, it } from 'vitest';
import { basename, isShell, parseImage } from '../src/names.js';
import { isRoutingSidecar } from '../src/router/sidecar.js';
import { parseEngine } from '../src/engines/index.js';
import { baseName } from '../src/plan/plan.js';

describe('parseImage', () => {
  it.each([
    ['vllm/vllm-openai:v0.19.1', ['vllm', 'vllm-openai'], 'v0.19.1', false],
    ['docker.io/vllm/vllm-openai', ['vllm', 'vllm-openai'], undefined, false],
    ['registry.example.com:5000/mirror/vllm-openai@sha256:abc', ['mirror', 'vllm-openai'], undefined, true],
    ['localhost:5000/vllm-openai:v0.11.0', ['vllm-openai'], 'v0.11.0', false],
    ['LOCALHOST/Team/LLM:Tag', ['team', 'llm'], 'Tag', false],
    ['ghcr.io/llm-d/llm-d-routing-sidecar:v0.2.0', ['llm-d', 'llm-d-routing-sidecar'], 'v0.2.0', false],
    ['busybox', ['busybox'], undefined, false],
    ['', [], undefined, false],
  ])('%s', (image, segments, tag, digest) => {
    const got = parseImage(image);
    expect(got.segments).toEqual(segments);
    expect(got.tag).toBe(tag);
    expect(got.digest).toBe(digest);
  });
});

describe('program names and shells', () => {
  it('takes the word after the last slash', () => {
    expect(basename('/usr/local/bin/python3.12')).toBe('python3.12');
    expect(basename('vllm')).toBe('vllm');
  });
  it('knows the same shells for engines and sidecars', () => {
    for (const shell of ['sh', '/bin/bash', 'dash', 'ash', '/usr/bin/zsh', 'ksh']) {
      expect(isShell(shell)).toBe(true);
      const script = [shell, '-c', 'exec /app/pd-sidecar --port=8000 --vllm-port=8200'];
      expect(isRoutingSidecar({ name: 'proxy', image: 'example/proxy:1', command: script }), shell).toBe(true);
      expect(parseEngine({ name: 'engine', command: [shell, '-c', 'exec vllm serve m --port 8200'] })?.kind, shell).toBe('vllm');
    }
    expect(isShell('python3')).toBe(false);
  });
  it('recognises the sidecar by the last segment of its image, with registry, tag or digest', () => {
    expect(isRoutingSidecar({ name: 'p', image: 'ghcr.io/llm-d/llm-d-routing-sidecar:v0.2.0' })).toBe(true);
    expect(isRoutingSidecar({ name: 'p', image: 'registry.local:5000/llm-d/llm-d-router-disagg-sidecar@sha256:abc' })).toBe(true);
    expect(isRoutingSidecar({ name: 'p', image: 'ghcr.io/llm-d/llm-d-routing-sidecar-extra:v1' })).toBe(false);
  });
});

describe('the pair\'s base name when the config names none (src/plan/plan.ts baseName)', () => {
  it.each([
    ['qwen-pd-prefill', 'qwen-pd-decode', 'qwen-pd'],
    // the leading words both share, never a name's last word (its role)
    ['qwen-pd', 'qwen-pd-decode', 'qwen'],
    ['qwen-pd-decode', 'qwen-pd', 'qwen'],
    ['llama-prefill', 'qwen-decode', 'qwen-decode'],
    ['prefill', 'decode', 'decode'],
    // made a DNS label: lower case, other characters a dash, at most 48 characters, no dash at either end
    ['Qwen_PD-prefill', 'Qwen_PD-decode', 'qwen-pd'],
    [`${'a'.repeat(47)}-b-prefill`, `${'a'.repeat(47)}-b-decode`, 'a'.repeat(47)],
    ['x', '--', 'pd-disagg'],
  ])('%s + %s → %s', (prefill, decode, name) => {
    expect(baseName(prefill, decode)).toBe(name);
  });
});
