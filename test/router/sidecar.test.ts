import { describe, expect, it } from 'vitest';
import {
  ROUTER_VERSIONS,
  buildSidecarContainer,
  isRoutingSidecar,
  readSidecarTarget,
  routerTable,
} from '../../src/router/index.js';
import { readSidecarListenPort, sidecarFlagProblems } from '../../src/router/sidecar.js';

describe('buildSidecarContainer', () => {
  it('builds a native sidecar with the version image and flags', () => {
    expect(buildSidecarContainer('v0.10.0', { enginePort: 8200, listenPort: 8000, connector: 'nixlv2', native: true })).toEqual({
      name: 'routing-proxy',
      image: 'ghcr.io/llm-d/llm-d-router-disagg-sidecar:v0.10.0',
      imagePullPolicy: 'IfNotPresent',
      args: ['--port=8000', '--model-server-port=8200', '--kv-connector=nixlv2', '--secure-proxy=false'],
      ports: [{ containerPort: 8000, name: 'sidecar', protocol: 'TCP' }],
      restartPolicy: 'Always',
    });
    const v8 = buildSidecarContainer('v0.8.0', { enginePort: 8001, listenPort: 8000, connector: 'sglang', native: false });
    expect(v8.image).toBe('ghcr.io/llm-d/llm-d-routing-sidecar:v0.8.0');
    expect(v8.args).toEqual(['--port=8000', '--vllm-port=8001', '--kv-connector=sglang', '--secure-proxy=false']);
    expect(v8.restartPolicy).toBeUndefined();
    expect(buildSidecarContainer('v0.9.0', { enginePort: 8001, listenPort: 8000, connector: 'nixlv2', native: true, image: 'x/y:z' }).image).toBe('x/y:z');
  });

  it('produces flags every version accepts, and reads back its own ports', () => {
    for (const version of ROUTER_VERSIONS) {
      const c = buildSidecarContainer(version, { enginePort: 8123, listenPort: 8000, connector: 'nixlv2', native: true });
      expect(sidecarFlagProblems(version, c)).toEqual([]);
      expect(isRoutingSidecar(c)).toBe(true);
      expect(readSidecarTarget(version, c)).toEqual({ port: 8123, path: 'args[1]' });
      expect(readSidecarListenPort(version, c)).toEqual({ port: 8000, path: 'args[0]' });
    }
  });

  it('rejects bad ports', () => {
    expect(() => buildSidecarContainer('v0.9.0', { enginePort: 0, listenPort: 8000, connector: 'nixlv2', native: true })).toThrow(/enginePort/);
  });
});

describe('isRoutingSidecar', () => {
  it('recognises llm-d, KServe and modelplane shapes', () => {
    expect(isRoutingSidecar({ name: 'x', image: 'ghcr.io/llm-d/llm-d-routing-sidecar:v0.8.0' })).toBe(true);
    expect(isRoutingSidecar({ name: 'x', image: 'quay.io/llm-d/llm-d-routing-sidecar@sha256:abc' })).toBe(true);
    expect(isRoutingSidecar({ name: 'x', image: 'registry:5000/llm-d-router-disagg-sidecar' })).toBe(true);
    expect(isRoutingSidecar({ name: 'llm-d-routing-sidecar', image: 'mirror/other' })).toBe(true);
    expect(isRoutingSidecar({ name: 'pd-sidecar', image: 'anything' })).toBe(true);
    expect(isRoutingSidecar({ name: 'proxy', image: 'mirror/p', command: ['/app/pd-sidecar', '--port=8000'] })).toBe(true);
    expect(isRoutingSidecar({ name: 'proxy', image: 'mirror/p', command: ['sh', '-c', 'exec /app/pd-sidecar --port=8000'] })).toBe(true);
  });
  it('ignores engines and other sidecars', () => {
    expect(isRoutingSidecar({ name: 'vllm', image: 'vllm/vllm-openai:v0.23.0', args: ['--port', '8200'] })).toBe(false);
    expect(isRoutingSidecar({ name: 'istio-proxy', image: 'istio/proxyv2:1.28' })).toBe(false);
  });
});

describe('readSidecarTarget', () => {
  it('reads every spelling', () => {
    expect(readSidecarTarget('v0.9.0', { args: ['--vllm-port', '8001'] })).toEqual({ port: 8001, path: 'args[1]' });
    expect(readSidecarTarget('v0.9.0', { args: ['-vllm-port=9000'] })).toEqual({ port: 9000, path: 'args[0]' });
    expect(readSidecarTarget('v0.9.0', { command: ['/app/pd-sidecar', '--vllm-port=8002'] })).toEqual({ port: 8002, path: 'command[1]' });
    expect(readSidecarTarget('v0.9.0', { command: ['/bin/sh', '-c', '/app/pd-sidecar --vllm-port 8003'] })).toEqual({ port: 8003, path: 'command[2]' });
  });
  it('prefers --model-server-port over --vllm-port on v0.10.0 and ignores it before', () => {
    const c = { args: ['--vllm-port=8001', '--model-server-port=8200'] };
    expect(readSidecarTarget('v0.10.0', c)).toEqual({ port: 8200, path: 'args[1]' });
    expect(readSidecarTarget('v0.10.0', { args: ['--vllm-port=8001'] })).toEqual({ port: 8001, path: 'args[0]' });
    expect(readSidecarTarget('v0.9.0', { args: ['--model-server-port=8200'] })).toEqual({ port: 8001 });
  });
  it('falls back to the version default', () => {
    expect(readSidecarTarget('v0.8.0', { args: ['--port=8000'] })).toEqual({ port: 8001 });
    expect(readSidecarTarget('v0.10.0', { args: [] })).toEqual({ port: 8200 });
    expect(routerTable('v0.10.0').sidecar.defaultEnginePort).toBe(8200);
  });
  it('returns NaN for a non-literal value', () => {
    expect(Number.isNaN(readSidecarTarget('v0.9.0', { args: ['--vllm-port=$(PORT)'] }).port)).toBe(true);
  });
  it('reads the listen port', () => {
    expect(readSidecarListenPort('v0.9.0', { args: ['--port', '9000'] })).toEqual({ port: 9000, path: 'args[1]' });
    expect(readSidecarListenPort('v0.10.0', { args: [] })).toEqual({ port: 8000 });
    expect(Number.isNaN(readSidecarListenPort('v0.8.0', { args: ['--port=$(PORT)'] }).port)).toBe(true);
  });
});

describe('sidecarFlagProblems', () => {
  const modelservice = {
    name: 'routing-proxy',
    image: 'ghcr.io/llm-d/llm-d-routing-sidecar:latest',
    args: ['--port=8000', '--vllm-port=8200', '--connector=nixlv2', '--zap-encoder=json', '--zap-log-level=debug', '--secure-proxy=false'],
  };
  it('flags --connector as fatal on v0.10.0 and deprecated before', () => {
    const v10 = sidecarFlagProblems('v0.10.0', modelservice);
    expect(v10).toMatchObject([
      { severity: 'warning', flag: 'vllm-port', path: 'args[1]' },
      { severity: 'error', flag: 'connector', path: 'args[2]' },
    ]);
    expect(v10[1]!.message).toMatch(/--kv-connector/);
    expect(sidecarFlagProblems('v0.9.0', modelservice)).toMatchObject([{ severity: 'warning', flag: 'connector' }]);
  });
  it('flags TLS flags removed in v0.10.0 and pool flags removed in v0.9.0', () => {
    expect(sidecarFlagProblems('v0.10.0', { args: ['--model-server-port=8200', '--prefiller-use-tls'] })).toMatchObject([{ severity: 'error', flag: 'prefiller-use-tls' }]);
    expect(sidecarFlagProblems('v0.8.0', { args: ['--vllm-port=8200', '--inference-pool-name=x'] })).toMatchObject([{ severity: 'warning', flag: 'inference-pool-name' }]);
    expect(sidecarFlagProblems('v0.9.0', { args: ['--vllm-port=8200', '--inference-pool-name=x'] })).toMatchObject([{ severity: 'error', flag: 'inference-pool-name' }]);
  });
  it('flags unknown flags, bad connectors and a missing engine port', () => {
    expect(sidecarFlagProblems('v0.9.0', { args: ['--vllm-port=8200', '--model-server-port=8200'] })).toMatchObject([{ severity: 'error', flag: 'model-server-port' }]);
    expect(sidecarFlagProblems('v0.8.0', { args: ['--vllm-port=8200', '--kv-connector=mooncake'] })).toMatchObject([{ severity: 'error', flag: 'kv-connector', currentValue: 'mooncake' }]);
    expect(sidecarFlagProblems('v0.9.0', { args: ['--vllm-port=8200', '--kv-connector=mooncake'] })).toEqual([]);
    expect(sidecarFlagProblems('v0.10.0', { args: ['--port=8000'] })).toMatchObject([{ severity: 'warning', flag: 'model-server-port' }]);
  });
  it('flags an encoder-cache connector the version does not have, quoting what the sidecar answers', () => {
    const [v8] = sidecarFlagProblems('v0.8.0', { args: ['--vllm-port=8200', '--ec-connector=ec-nixl'] });
    expect(v8).toMatchObject({ severity: 'error', flag: 'ec-connector', currentValue: 'ec-nixl', path: 'args[1]' });
    expect(v8!.message).toContain('("--ec-connector must be one of: ec-example"); ec-nixl exists from router v0.9.0: raise spec.epp.version');
    const [v9] = sidecarFlagProblems('v0.9.0', { args: ['--vllm-port=8200', '--ec-connector=ec-shm'] });
    expect(v9).toMatchObject({ severity: 'error', flag: 'ec-connector', currentValue: 'ec-shm' });
    expect(v9!.message).toMatch(/\("--ec-connector must be one of: ec-example, ec-nixl"\)$/);
    expect(sidecarFlagProblems('v0.9.0', { args: ['--vllm-port=8200', '--ec-connector=ec-nixl'] })).toEqual([]);
  });
  // found by the conformance run (testdata/conformance/sidecar/v0.{8,9}.0.json deprecated-connector): the real
  // sidecar exits with "--connector must be one of: ..." even though --kv-connector is valid
  it('checks the deprecated --connector as each version does', () => {
    const shadowed = { args: ['--vllm-port=8200', '--kv-connector=nixlv2', '--connector=x'] };
    expect(sidecarFlagProblems('v0.9.0', shadowed).filter((p) => p.severity === 'error')).toMatchObject([{ flag: 'connector', currentValue: 'x' }]);
    expect(sidecarFlagProblems('v0.8.0', shadowed).filter((p) => p.severity === 'error')).toMatchObject([{ flag: 'connector', currentValue: 'x' }]);
    // alone, --connector fills --kv-connector, and a bad value is still one error
    expect(sidecarFlagProblems('v0.8.0', { args: ['--vllm-port=8200', '--connector=x'] }).filter((p) => p.severity === 'error')).toMatchObject([{ flag: 'connector', currentValue: 'x' }]);
    // the same connector twice is fine on v0.9.0
    expect(sidecarFlagProblems('v0.9.0', { args: ['--vllm-port=8200', '--kv-connector=nixlv2', '--connector=nixlv2'] }).filter((p) => p.severity === 'error')).toEqual([]);
  });
});

describe('data-parallel ports (issue 13, item 2)', () => {
  it.each(['v0.8.0', 'v0.9.0', 'v0.10.0'] as const)('%s: an injected sidecar for 4 rank ports gets --data-parallel-size=4 and declares 8000-8003', (version) => {
    const c = buildSidecarContainer(version, { enginePort: 8200, listenPort: 8000, connector: 'nixlv2', native: true, dataParallelSize: 4 });
    expect(c.args).toContain('--data-parallel-size=4');
    expect((c.ports as Array<{ containerPort: number }>).map((p) => p.containerPort)).toEqual([8000, 8001, 8002, 8003]);
    expect(sidecarFlagProblems(version, c)).toEqual([]);
  });
  it('one rank: no --data-parallel-size', () => {
    const c = buildSidecarContainer('v0.10.0', { enginePort: 8200, listenPort: 8000, connector: 'nixlv2', native: true, dataParallelSize: 1 });
    expect((c.args as string[]).some((a) => a.startsWith('--data-parallel-size'))).toBe(false);
  });
});
