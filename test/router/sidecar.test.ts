import { describe, expect, it } from 'vitest';
import {
  ROUTER_VERSIONS,
  buildSidecarContainer,
  isRoutingSidecar,
  readSidecarTarget,
  routerTable,
} from '../../src/router/index.js';
import {
  firstVersionWithConnector,
  prefillPortOf,
  readSidecarDataParallel,
  readSidecarEcConnector,
  readSidecarKvConnector,
  readSidecarListenPort,
  readSidecarPrefillPort,
  sidecarFlagProblems,
  sidecarKvConnectorFor,
} from '../../src/router/sidecar.js';
import { parseEngine } from '../../src/engines/index.js';
import type { KObject } from '../../src/types.js';

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
    expect(() => buildSidecarContainer('v0.9.0', { enginePort: 8200, listenPort: 65536, connector: 'nixlv2', native: true })).toThrow('SidecarOptions.listenPort must be a TCP port, got 65536');
    expect(() => buildSidecarContainer('v0.9.0', { enginePort: 8200.5, listenPort: 8000, connector: 'nixlv2', native: true })).toThrow(/enginePort.*8200\.5/);
    expect(() => buildSidecarContainer('v0.9.0', { enginePort: '8200' as never, listenPort: 8000, connector: 'nixlv2', native: true })).toThrow(/enginePort.*"8200"/);
    // the ends of the range are ports
    const ends = buildSidecarContainer('v0.9.0', { enginePort: 1, listenPort: 65535, connector: 'nixlv2', native: true });
    expect(ends.args).toEqual(['--port=65535', '--vllm-port=1', '--kv-connector=nixlv2', '--secure-proxy=false']);
  });

  // a sidecar the version's binary would exit on is never built: mooncake came with llm-d-router v0.9.0
  // (pkg/sidecar/constants/constants.go KVConnectorMooncake), ec-nixl with v0.9.0 (#1444)
  it('refuses a KV or encoder-cache connector the version\'s sidecar does not have', () => {
    const opts = { enginePort: 8200, listenPort: 8000, native: true } as const;
    expect(() => buildSidecarContainer('v0.8.0', { ...opts, connector: 'mooncake' })).toThrow('router v0.8.0 sidecar does not support --kv-connector=mooncake');
    expect(buildSidecarContainer('v0.9.0', { ...opts, connector: 'mooncake' }).args).toContain('--kv-connector=mooncake');
    expect(() => buildSidecarContainer('v0.8.0', { ...opts, connector: 'nixlv2', ecConnector: 'ec-nixl' })).toThrow('router v0.8.0 sidecar does not support --ec-connector=ec-nixl');
    expect(buildSidecarContainer('v0.8.0', { ...opts, connector: 'nixlv2', ecConnector: 'ec-example' }).args).toEqual([
      '--port=8000', '--vllm-port=8200', '--kv-connector=nixlv2', '--ec-connector=ec-example', '--secure-proxy=false',
    ]);
  });

  it('passes a bootstrap port other than the sidecar\'s default by flag (mooncake) or env (sglang, which has no flag)', () => {
    const opts = { enginePort: 8200, listenPort: 8000, native: true } as const;
    const mooncake = buildSidecarContainer('v0.10.0', { ...opts, connector: 'mooncake', prefillPort: 9100 });
    expect(mooncake.args).toEqual(['--port=8000', '--model-server-port=8200', '--kv-connector=mooncake', '--mooncake-bootstrap-port=9100', '--secure-proxy=false']);
    expect(mooncake.env).toBeUndefined();
    const sglang = buildSidecarContainer('v0.10.0', { ...opts, connector: 'sglang', prefillPort: 9100, env: [{ name: 'A', value: 'b' }] });
    expect(sglang.args).toEqual(['--port=8000', '--model-server-port=8200', '--kv-connector=sglang', '--secure-proxy=false']);
    expect(sglang.env).toEqual([{ name: 'SGLANG_BOOTSTRAP_PORT', value: '9100' }, { name: 'A', value: 'b' }]);
    // the default (8998, options.go / connector_sglang.go) is left to the sidecar
    for (const connector of ['mooncake', 'sglang'] as const) {
      const c = buildSidecarContainer('v0.10.0', { ...opts, connector, prefillPort: 8998 });
      expect(c.args).toEqual(['--port=8000', '--model-server-port=8200', `--kv-connector=${connector}`, '--secure-proxy=false']);
      expect(c).not.toHaveProperty('env');
    }
    // nixlv2 dials no bootstrap port: a prefill port means nothing to it
    expect(buildSidecarContainer('v0.10.0', { ...opts, connector: 'nixlv2', prefillPort: 9100 })).not.toHaveProperty('env');
    expect(() => buildSidecarContainer('v0.10.0', { ...opts, connector: 'mooncake', prefillPort: 70000 })).toThrow('SidecarOptions.prefillPort must be a TCP port, got 70000');
  });
});

describe('isRoutingSidecar', () => {
  it('recognises llm-d, KServe and modelplane shapes', () => {
    expect(isRoutingSidecar({ name: 'x', image: 'ghcr.io/llm-d/llm-d-routing-sidecar:v0.8.0' })).toBe(true);
    expect(isRoutingSidecar({ name: 'x', image: 'quay.io/llm-d/llm-d-routing-sidecar@sha256:abc' })).toBe(true);
    expect(isRoutingSidecar({ name: 'x', image: 'registry:5000/llm-d-router-disagg-sidecar' })).toBe(true);
    expect(isRoutingSidecar({ name: 'llm-d-routing-sidecar', image: 'mirror/other' })).toBe(true);
    expect(isRoutingSidecar({ name: 'pd-sidecar', image: 'anything' })).toBe(true);
    // the name pd-disagg gives its own sidecar, whatever image the user mirrors it to
    expect(isRoutingSidecar({ name: 'routing-proxy', image: 'mirror/p:1' })).toBe(true);
    expect(isRoutingSidecar({ name: 'proxy', image: 'mirror/p', args: ['/usr/local/bin/pd-sidecar'] })).toBe(true);
    expect(isRoutingSidecar({ name: 'proxy', image: 'mirror/p', command: ['/app/pd-sidecar', '--port=8000'] })).toBe(true);
    expect(isRoutingSidecar({ name: 'proxy', image: 'mirror/p', command: ['sh', '-c', 'exec /app/pd-sidecar --port=8000'] })).toBe(true);
  });
  it('ignores engines and other sidecars', () => {
    expect(isRoutingSidecar({ name: 'vllm', image: 'vllm/vllm-openai:v0.23.0', args: ['--port', '8200'] })).toBe(false);
    expect(isRoutingSidecar({ name: 'istio-proxy', image: 'istio/proxyv2:1.28' })).toBe(false);
    // the words must be the binary itself, not a file next to it or an image tag
    expect(isRoutingSidecar({ name: 'proxy', image: 'mirror/llm-d-routing-sidecar-fork:v1', command: ['/app/pd-sidecar.sh'] })).toBe(false);
    expect(isRoutingSidecar({ name: 'proxy', image: 42, command: 'pd-sidecar' })).toBe(false);
    expect(isRoutingSidecar(null as never)).toBe(false);
    expect(isRoutingSidecar(['routing-proxy'] as never)).toBe(false);
  });
});

describe('readSidecarTarget', () => {
  it('reads every spelling', () => {
    expect(readSidecarTarget('v0.9.0', { args: ['--vllm-port', '8001'] })).toEqual({ port: 8001, path: 'args[1]' });
    expect(readSidecarTarget('v0.9.0', { args: ['-vllm-port=9000'] })).toEqual({ port: 9000, path: 'args[0]' });
    expect(readSidecarTarget('v0.9.0', { command: ['/app/pd-sidecar', '--vllm-port=8002'] })).toEqual({ port: 8002, path: 'command[1]' });
    expect(readSidecarTarget('v0.9.0', { command: ['/bin/sh', '-c', '/app/pd-sidecar --vllm-port 8003'] })).toEqual({ port: 8003, path: 'command[2]' });
    // a script shlex cannot split (an open quote) is still read word by word
    expect(readSidecarTarget('v0.9.0', { command: ['sh', '-c', "exec /app/pd-sidecar --vllm-port 8004 --zap-log-level='debug"] })).toEqual({ port: 8004, path: 'command[2]' });
    // -c split over command and args; the words before the shell are not the sidecar's
    expect(readSidecarTarget('v0.9.0', { command: ['/bin/bash'], args: ['-c', '/app/pd-sidecar --vllm-port=8005'] })).toEqual({ port: 8005, path: 'args[1]' });
    // a shell without -c runs a script file: its arguments are read as they stand
    expect(readSidecarTarget('v0.9.0', { command: ['sh', '/start.sh', '--vllm-port=8006'] })).toEqual({ port: 8006, path: 'command[2]' });
    expect(readSidecarTarget('v0.9.0', { command: ['/bin/bash', '/start.sh'], args: ['--vllm-port', '8009'] })).toEqual({ port: 8009, path: 'args[1]' });
    // a -c after a word that is no shell is no script
    expect(readSidecarTarget('v0.9.0', { command: ['/app/pd-sidecar', '-c', '/etc/pd.yaml', '--vllm-port', '8010'] })).toEqual({ port: 8010, path: 'command[4]' });
    // the last occurrence wins (pflag), and a flag followed by another flag has no value
    expect(readSidecarTarget('v0.9.0', { args: ['--vllm-port=8001', '--vllm-port=8007'] })).toEqual({ port: 8007, path: 'args[1]' });
    expect(readSidecarTarget('v0.9.0', { args: ['--vllm-port', '--port=8000'] }).path).toBe('args[0]');
    expect(Number.isNaN(readSidecarTarget('v0.9.0', { args: ['--vllm-port', '--port=8000'] }).port)).toBe(true);
    // non-string entries are skipped, not counted
    expect(readSidecarTarget('v0.9.0', { args: [7, '--vllm-port= 8008 '] })).toEqual({ port: 8008, path: 'args[1]' });
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
  it('flags a long flag written with one dash: pflag reads it as shorthand letters and exits', () => {
    const problems = sidecarFlagProblems('v0.10.0', { args: ['-port=8000', '--model-server-port=8200', '-v', '5'] });
    expect(problems).toEqual([
      {
        severity: 'error',
        flag: 'port',
        path: 'args[0]',
        currentValue: '-port',
        message: 'routing sidecar v0.10.0 parses flags with pflag, which reads -port as one-letter shorthand flags and exits with "unknown shorthand flag"; write --port',
      },
    ]);
    // the binary's own name (command[0]) is no flag, and klog's -v is a one-letter flag
    expect(sidecarFlagProblems('v0.10.0', { command: ['pd-sidecar', '-v=2', '--model-server-port=8200'] })).toEqual([]);
  });
  it('words the problems with the version, the flag and the fix', () => {
    expect(sidecarFlagProblems('v0.9.0', { args: ['--vllm-port=8200', '--inference-pool-name=x'] })).toEqual([
      {
        severity: 'error',
        flag: 'inference-pool-name',
        path: 'args[1]',
        currentValue: '--inference-pool-name=x',
        message: 'routing sidecar v0.9.0 no longer has --inference-pool-name; it exits with "unknown flag" at start. Use --inference-pool=<namespace>/<name> instead',
      },
    ]);
    expect(sidecarFlagProblems('v0.10.0', { args: ['--model-server-port=8200', '--decoder-use-tls'] })[0]!.currentValue).toBe('--decoder-use-tls');
    expect(sidecarFlagProblems('v0.9.0', { args: ['--vllm-port=8200', '--decoder-use-tls'] })).toEqual([
      { severity: 'warning', flag: 'decoder-use-tls', path: 'args[1]', message: 'routing sidecar v0.9.0 accepts --decoder-use-tls only as a deprecated alias; use --enable-tls=decoder' },
    ]);
    expect(sidecarFlagProblems('v0.8.0', { args: ['--vllm-port=8200', '--no-such=1'] })).toEqual([
      { severity: 'error', flag: 'no-such', path: 'args[1]', message: 'routing sidecar v0.8.0 has no --no-such flag and exits at start; remove it' },
    ]);
    // zap's flags are registered by prefix
    expect(sidecarFlagProblems('v0.8.0', { args: ['--vllm-port=8200', '--zap-stacktrace-level=error'] })).toEqual([]);
    expect(sidecarFlagProblems('v0.10.0', { args: ['--kv-connector=nixlv2'] })).toEqual([
      {
        severity: 'warning',
        flag: 'model-server-port',
        proposedValue: '--model-server-port=<engine port>',
        message: 'routing sidecar v0.10.0 gets no engine port and falls back to 8200 (the default changed from 8001 to 8200 in v0.10.0); pass --model-server-port explicitly',
      },
    ]);
    // v0.10.0 still reads --vllm-port (deprecated alias): an engine port is given
    expect(sidecarFlagProblems('v0.10.0', { args: ['--vllm-port=8200'] }).map((p) => p.flag)).toEqual(['vllm-port']);
    expect(sidecarFlagProblems('v0.8.0', { args: ['--vllm-port=8200', '--kv-connector=x'] })).toEqual([
      {
        severity: 'error',
        flag: 'kv-connector',
        path: 'args[1]',
        currentValue: 'x',
        message: 'routing sidecar v0.8.0 does not support --kv-connector=x and exits at start; use one of nixlv2, shared-storage, sglang',
      },
    ]);
    // an empty --ec-connector means no encode stage
    expect(sidecarFlagProblems('v0.8.0', { args: ['--vllm-port=8200', '--ec-connector='] })).toEqual([]);
    expect(sidecarFlagProblems('v0.8.0', { args: ['--vllm-port=8200', '--ec-connector=ec-shm'] })[0]!.message).toBe(
      'routing sidecar v0.8.0 does not support --ec-connector=ec-shm and exits at start ("--ec-connector must be one of: ec-example")',
    );
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

// What an existing sidecar is set to, read as the version's binary reads its flags (pkg/sidecar/proxy/options.go at
// each tag: --data-parallel-size, --ec-connector, --kv-connector and the --connector alias up to v0.9.0,
// --mooncake-bootstrap-port, env MOONCAKE_BOOTSTRAP_PORT / SGLANG_BOOTSTRAP_PORT).
describe('sidecar readers', () => {
  const wiring = routerTable('v0.10.0').sidecar.kvWiring;
  it('--data-parallel-size: 1 when unset, NaN when not a literal number', () => {
    expect(readSidecarDataParallel('v0.10.0', { args: ['--port=8000'] })).toEqual({ value: 1 });
    expect(readSidecarDataParallel('v0.8.0', { args: ['--port=8000', '--data-parallel-size', '4'] })).toEqual({ value: 4, path: 'args[2]' });
    expect(Number.isNaN(readSidecarDataParallel('v0.9.0', { args: ['--data-parallel-size=$(DP)'] }).value)).toBe(true);
    // strconv would refuse these: not a literal count
    for (const text of ['8e3', '-4', '0x4', '4.0']) expect(readSidecarDataParallel('v0.9.0', { args: [`--data-parallel-size=${text}`] }).value).toBeNaN();
  });
  it('--ec-connector: absent is undefined (no encode stage); a bare flag has no value', () => {
    expect(readSidecarEcConnector('v0.9.0', { args: ['--port=8000'] })).toBeUndefined();
    expect(readSidecarEcConnector('v0.9.0', { args: ['--port=8000', '--ec-connector=ec-nixl'] })).toEqual({ value: 'ec-nixl', path: 'args[1]' });
    expect(readSidecarEcConnector('v0.9.0', { args: ['--ec-connector', '--port=8000'] })).toEqual({ value: undefined, path: 'args[0]' });
  });
  it('--kv-connector, else the deprecated --connector where the version still has it (gone in v0.10.0)', () => {
    const both = { args: ['--connector=sglang', '--kv-connector=nixlv2'] };
    expect(readSidecarKvConnector('v0.9.0', both)).toEqual({ value: 'nixlv2', path: 'args[1]' });
    expect(readSidecarKvConnector('v0.8.0', { args: ['--connector', 'sglang'] })).toEqual({ value: 'sglang', path: 'args[1]' });
    expect(readSidecarKvConnector('v0.10.0', { args: ['--connector=sglang'] })).toBeUndefined();
    expect(readSidecarKvConnector('v0.10.0', { args: [] })).toBeUndefined();
  });
  it('the bootstrap port a sidecar dials: its flag, else its env var, else the default 8998', () => {
    const mooncake = wiring.mooncake!;
    expect(readSidecarPrefillPort(mooncake, { args: ['--mooncake-bootstrap-port=9100'], env: [{ name: 'MOONCAKE_BOOTSTRAP_PORT', value: '9200' }] })).toEqual({ value: 9100, path: 'args[0]', from: 'flag' });
    expect(readSidecarPrefillPort(mooncake, { args: [], env: [{ name: 'X', value: '1' }, { name: 'MOONCAKE_BOOTSTRAP_PORT', value: '9200' }] })).toEqual({ value: 9200, path: 'env[1].value', from: 'env' });
    expect(readSidecarPrefillPort(mooncake, { args: [] })).toEqual({ value: 8998, from: 'default' });
    const fromSecret = readSidecarPrefillPort(mooncake, { env: [{ name: 'MOONCAKE_BOOTSTRAP_PORT', valueFrom: { configMapKeyRef: { name: 'c', key: 'k' } } }] });
    expect(fromSecret).toMatchObject({ path: 'env[0].value', from: 'env' });
    expect(fromSecret!.value).toBeNaN();
    // the sglang connector has no flag: only SGLANG_BOOTSTRAP_PORT sets it
    const sglang = wiring.sglang!;
    expect(readSidecarPrefillPort(sglang, { args: ['--mooncake-bootstrap-port=9100'], env: 'none' })).toEqual({ value: 8998, from: 'default' });
    expect(readSidecarPrefillPort(sglang, { env: [null, { name: 'SGLANG_BOOTSTRAP_PORT', value: '9000' }] })).toEqual({ value: 9000, path: 'env[1].value', from: 'env' });
    // nixlv2 dials no bootstrap port
    expect(readSidecarPrefillPort(wiring.nixlv2!, { args: ['--mooncake-bootstrap-port=9100'] })).toBeUndefined();
  });
  it('where the prefill engine serves the bootstrap port: vLLM by env (VLLM_MOONCAKE_BOOTSTRAP_PORT), SGLang by flag', () => {
    const vllm = (env: KObject[]) => parseEngine({ name: 'vllm', image: 'vllm/vllm-openai:v0.19.1', command: ['vllm', 'serve', 'm'], args: ['--port=8000'], env })!;
    const mooncake = wiring.mooncake!;
    expect(prefillPortOf(mooncake, vllm([{ name: 'VLLM_MOONCAKE_BOOTSTRAP_PORT', value: '9100' }]))).toEqual({ value: 9100, path: 'env[0].value' });
    expect(prefillPortOf(mooncake, vllm([]))).toEqual({ value: 8998 });
    expect(prefillPortOf(mooncake, vllm([{ name: 'VLLM_MOONCAKE_BOOTSTRAP_PORT', valueFrom: { fieldRef: { fieldPath: 'x' } } }]))).toEqual({
      value: 8998, path: 'env[0]', unknown: 'env VLLM_MOONCAKE_BOOTSTRAP_PORT',
    });
    const sglang = (extra: string[]) =>
      parseEngine({ name: 'sglang', image: 'lmsysorg/sglang:v0.5.6', command: ['python3', '-m', 'sglang.launch_server', '--model-path', 'm', '--disaggregation-mode', 'prefill', ...extra] })!;
    expect(prefillPortOf(wiring.sglang!, sglang(['--disaggregation-bootstrap-port', '9000']))).toEqual({ value: 9000, path: 'command[8]' });
    expect(prefillPortOf(wiring.sglang!, sglang([]))).toEqual({ value: 8998 });
    expect(prefillPortOf(wiring.sglang!, sglang(['--disaggregation-bootstrap-port=$(PORT)']))).toEqual({ value: 8998, path: 'command[7]', unknown: '--disaggregation-bootstrap-port' });
    expect(prefillPortOf(wiring.nixlv2!, sglang([]))).toBeUndefined();
  });
  it('the connector that speaks a decode engine\'s KV protocol, and the first version whose sidecar has it', () => {
    const decode = (kv?: object) =>
      parseEngine({ name: 'vllm', image: 'vllm/vllm-openai:v0.19.1', command: ['vllm', 'serve', 'm'], args: ['--port=8200', ...(kv ? [`--kv-transfer-config=${JSON.stringify(kv)}`] : [])] })!;
    const connectorOf = (kv?: object) => sidecarKvConnectorFor(decode(kv))?.connector;
    expect(connectorOf({ kv_connector: 'NixlConnector', kv_role: 'kv_both' })).toBe('nixlv2');
    expect(connectorOf({ kv_connector: 'MooncakeConnector', kv_role: 'kv_consumer' })).toBe('mooncake');
    expect(sidecarKvConnectorFor(decode({ kv_connector: 'MooncakeConnector', kv_role: 'kv_consumer' }))?.wiring).toBe(wiring.mooncake);
    expect(connectorOf({ kv_connector: 'MultiConnector', kv_role: 'kv_both', kv_connector_extra_config: { connectors: [{ kv_connector: 'LMCacheConnectorV1', kv_role: 'kv_both' }, { kv_connector: 'NixlConnector', kv_role: 'kv_both' }] } })).toBe('nixlv2');
    expect(connectorOf({ kv_connector: 'LMCacheConnectorV1', kv_role: 'kv_both' })).toBeUndefined();
    expect(connectorOf()).toBeUndefined();
    const sglangDecode = parseEngine({ name: 'sglang', image: 'lmsysorg/sglang:v0.5.6', command: ['python3', '-m', 'sglang.launch_server', '--model-path', 'm', '--disaggregation-mode', 'decode'] })!;
    expect(sidecarKvConnectorFor(sglangDecode)?.connector).toBe('sglang');
    expect(firstVersionWithConnector('nixlv2')).toBe('v0.8.0');
    expect(firstVersionWithConnector('mooncake')).toBe('v0.9.0');
    expect(firstVersionWithConnector('offloading')).toBe('v0.10.0');
    expect(firstVersionWithConnector('lmcache')).toBeUndefined();
  });
});
