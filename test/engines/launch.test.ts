// Finding the engine on the launch line: command + args, $(VAR), sh -c, image entrypoints.
import { describe, expect, it } from 'vitest';
import { parseEngine } from '../../src/engines/index.js';
import { expandKubeVars } from '../../src/engines/expand.js';
import { splitScript, UNKNOWN } from '../../src/engines/shell.js';

describe('kubelet $(VAR) expansion', () => {
  const vars: Record<string, string> = { A: 'x', PORT: '8200', EMPTY: '' };
  const look = (n: string): string | undefined => vars[n];
  it.each([
    ['$(A)', 'x'],
    ['--port=$(PORT)', '--port=8200'],
    ['$$(A)', '$(A)'],
    ['$$$(A)', '$x'],
    ['$(UNKNOWN)', '$(UNKNOWN)'],
    ['$(A', '$(A'],
    ['$A ${A} $', '$A ${A} $'],
    ['a$(EMPTY)b', 'ab'],
    ['$(A)$(A)', 'xx'],
    ['no vars', 'no vars'],
  ])('%s → %s', (input, want) => {
    expect(expandKubeVars(input, look)).toBe(want);
  });

  it('expands args from literal env values only; valueFrom stays literal', () => {
    const m = parseEngine({
      command: ['vllm', 'serve', '$(MODEL)'],
      args: ['--port=$(PORT)', '--host=$(POD_IP)'],
      env: [
        { name: 'MODEL', value: 'org/model' },
        { name: 'PORT', value: '8300' },
        { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
      ],
    })!;
    expect(m.model?.value).toBe('org/model');
    expect(m.port).toMatchObject({ value: 8300, path: 'args[0]' });
    expect(m.host?.value).toBe('$(POD_IP)');
  });

  it('env values expand against earlier entries only', () => {
    const m = parseEngine({
      command: ['vllm', 'serve', 'm'],
      env: [
        { name: 'BASE', value: '56' },
        { name: 'VLLM_NIXL_SIDE_CHANNEL_PORT', value: '$(BASE)00' },
        { name: 'LATER', value: '$(AFTER)' },
        { name: 'AFTER', value: 'z' },
      ],
    })!;
    expect(m.env.VLLM_NIXL_SIDE_CHANNEL_PORT).toMatchObject({ value: '$(BASE)00', expandedValue: '5600' });
    expect(m.nixlSideChannelPort?.value).toBe(5600);
    expect(m.env.LATER.expandedValue).toBeUndefined();
  });
});

describe('shell scripts', () => {
  const none = (): undefined => undefined;
  it('cuts at ; && || | & and newlines, drops comments and redirections', () => {
    const cmds = splitScript('a 1; b "2 3" && c || d | e & f\n# note\ng >/dev/null 2>&1 < in', none).map((c) => c.words);
    expect(cmds).toEqual([['a', '1'], ['b', '2 3'], ['c'], ['d'], ['e'], ['f'], ['g']]);
  });
  it('keeps operators inside quotes and escaped newlines', () => {
    const cmds = splitScript(`x '{"a": "b;c && d"}' "e|f" \\\n  g`, none).map((c) => c.words);
    expect(cmds).toEqual([['x', '{"a": "b;c && d"}', 'e|f', 'g']]);
  });
  it('expands $VAR / ${VAR} / ${VAR:-default}, word-splitting unquoted values', () => {
    const look = (n: string): string | null | undefined => ({ ARGS: '--a 1 --b', Q: 'x "y"' } as Record<string, string>)[n] ?? (n === 'SECRET' ? null : undefined);
    const cmds = splitScript('run $ARGS "${Q}" ${MISSING:-dflt} $SECRET ${SECRET:-d} $NOPE', look).map((c) => c.words);
    // SECRET is set from valueFrom and NOPE not in the manifest at all (the image may set it): only known at run time
    expect(cmds).toEqual([['run', '--a', '1', '--b', 'x "y"', 'dflt', UNKNOWN, UNKNOWN, UNKNOWN]]);
  });
  it('computes $((...)) on known values and marks the rest as run-time values', () => {
    const look = (n: string): string | null | undefined => ({ DP: '8', N: '2', EMPTY: '' } as Record<string, string>)[n] ?? (n === 'IDX' ? null : undefined);
    const words = (s: string) => splitScript(s, look).map((c) => c.words);
    expect(words('x $((N * DP)) $(( ${N} + 1 )) "$((DP/3))" $((2 ** 3 % 5)) $(( (N+1)*-2 ))')).toEqual([['x', '16', '3', '2', '3', '-6']]);
    expect(words('x $((IDX * DP)) $((DP / 0)) $((GONE + 1)) $((N > 1))')).toEqual([['x', UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN]]);
    // the script's own assignments count; inside if/for they depend on the branch taken
    expect(words('S=$(( ${IDX:-0} * DP )); T=$((N*3)); export U=7\nx $S $T $U')).toEqual([['S=' + UNKNOWN], ['T=6'], ['export', 'U=7'], ['x', UNKNOWN, '6', '7']]);
    expect(words('if true; then V=1; fi; x $V')).toEqual([['if', 'true'], ['then', 'V=1'], ['fi'], ['x', UNKNOWN]]);
  });
  it('an empty unquoted expansion disappears, a quoted one stays an empty word', () => {
    const look = (n: string): string | undefined => ({ EMPTY: '' } as Record<string, string>)[n];
    const words = (s: string) => splitScript(s, look).map((c) => c.words);
    expect(words('x $EMPTY ${EMPTY} "$EMPTY" ${GONE-} ${GONE:-} ${EMPTY:+y} ${EMPTY+y} --k=${GONE-} y')).toEqual([
      ['x', '', 'y', '--k=', 'y'],
    ]);
  });
  it('command substitution and backticks are run-time values', () => {
    const words = (s: string) => splitScript(s, () => undefined).map((c) => c.words);
    expect(words('x --host $(hostname -i) "a-$(cat /f | tr a b)" `date`')).toEqual([['x', '--host', UNKNOWN, 'a-' + UNKNOWN, UNKNOWN]]);
  });
  it('an unclosed quote is an error on that command only', () => {
    const cmds = splitScript(`echo 'oops; vllm serve m`, none);
    expect(cmds[0].error).toBeDefined();
  });

  it.each([
    ['sh -c', ['sh', '-c', 'vllm serve m --port 9000']],
    ['/bin/bash -lc', ['/bin/bash', '-lc', 'vllm serve m --port 9000']],
    ['bash -o pipefail -ec', ['bash', '-o', 'pipefail', '-ec', 'vllm serve m --port 9000']],
    ['exec', ['sh', '-c', 'exec vllm serve m --port 9000']],
    ['cmd && vllm', ['sh', '-c', 'nvidia-smi && env X=1 vllm serve m --port 9000']],
    ['nested shell', ['sh', '-c', `bash -c 'exec vllm serve m --port 9000'`]],
    ['uv run', ['sh', '-c', 'uv run vllm serve m --port=9000; echo done']],
  ])('finds the engine in %s', (_label, command) => {
    const m = parseEngine({ command })!;
    expect(m.kind).toBe('vllm');
    expect(m.model?.value).toBe('m');
    expect(m.port.value).toBe(9000);
    expect(m.launch?.via).toBe('shell');
    expect(m.argv).toEqual(command.some((c) => c.includes('port=9000')) ? ['m', '--port=9000'] : ['m', '--port', '9000']);
  });

  it('shell command split between command and args', () => {
    const m = parseEngine({ command: ['/bin/sh', '-c'], args: ['vllm serve m -tp 2'] })!;
    expect(m.launch).toEqual({ via: 'shell', path: 'args[0]', shell: '/bin/sh' });
    expect(m.tensorParallel).toMatchObject({ value: 2, path: 'args[0]' });
  });

  it('shell $VAR from literal env is expanded (a script, not the kubelet)', () => {
    const m = parseEngine({
      command: ['sh', '-c', 'vllm serve $MODEL --port "$PORT" $EXTRA'],
      env: [
        { name: 'MODEL', value: 'org/m' },
        { name: 'PORT', value: '8201' },
        { name: 'EXTRA', value: '--block-size 32' },
      ],
    })!;
    expect(m.model?.value).toBe('org/m');
    expect(m.port.value).toBe(8201);
    expect(m.blockSize?.value).toBe(32);
  });

  it('KServe preset: bash -c \'exec vllm serve … "$@"\' -- <args>; args keep their own paths', () => {
    const m = parseEngine({
      name: 'main',
      command: ['/bin/bash', '-c', 'exec vllm serve /mnt/models --served-model-name qwen --port 8000 "$@"', '--'],
      args: ['--max-model-len', '4096', '--kv-transfer-config', '{"kv_connector":"NixlConnector","kv_role":"kv_consumer"}'],
    })!;
    expect(m.model).toMatchObject({ value: '/mnt/models', path: 'command[2]' });
    expect(m.maxModelLen).toMatchObject({ value: 4096, path: 'args[1]' });
    expect(m.kvTransferConfig).toMatchObject({ value: { kv_role: 'kv_consumer' }, path: 'args[3]' });
    expect(m.argvPaths?.slice(-4)).toEqual(['args[0]', 'args[1]', 'args[2]', 'args[3]']);
    expect(m.issues).toEqual([]);
  });

  it('"$@" with no parameters gives no word; $1 picks one parameter', () => {
    const none = parseEngine({ command: ['sh', '-c', 'vllm serve m "$@"'] })!;
    expect(none.argv).toEqual(['m']);
    const one = parseEngine({ command: ['sh', '-c', 'vllm serve "$1" --port 8001', 'zero', 'org/model'] })!;
    expect(one.model).toMatchObject({ value: 'org/model', path: 'command[4]' });
  });

  it('eval "exec vllm serve … $VLLM_ADDITIONAL_ARGS" reads the quotes inside the variable again', () => {
    const m = parseEngine({
      command: ['/bin/bash', '-c'],
      args: ['if [ -n "$X" ]; then echo x; fi\neval "exec vllm serve /mnt/models --port 8001 $VLLM_ADDITIONAL_ARGS"'],
      env: [{ name: 'VLLM_ADDITIONAL_ARGS', value: `--kv_transfer_config '{"kv_connector":"NixlConnector","kv_role":"kv_both"}'` }],
    })!;
    expect(m.port.value).toBe(8001);
    expect(m.kvTransferConfig?.value).toEqual({ kv_connector: 'NixlConnector', kv_role: 'kv_both' });
    expect(m.issues).toEqual([]);
  });

  it('eval over "$@" strips the double quotes of JSON args, as the shell does', () => {
    const m = parseEngine({
      command: ['bash', '-c', 'eval "exec vllm serve m $@"', '--'],
      args: ['--kv-transfer-config', '{"kv_connector":"NixlConnector","kv_role":"kv_both"}'],
    })!;
    expect(m.kvTransferConfig).toBeUndefined();
    expect(m.issues.map((i) => i.code)).toEqual(['flag.invalid-json']);
  });

  it('a shell script that does not launch an engine is not an engine', () => {
    expect(parseEngine({ command: ['sh', '-c', 'echo vllm; sleep infinity'] })).toBeUndefined();
  });
});

describe('detection', () => {
  it.each([
    [{ command: ['vllm', 'serve', 'm'] }, 'vllm'],
    [{ command: ['/opt/venv/bin/vllm', 'serve'] }, 'vllm'],
    [{ command: ['python', '-m', 'vllm.entrypoints.openai.api_server'] }, 'vllm'],
    [{ command: ['python3.12', '-m', 'sglang.launch_server'] }, 'sglang'],
    [{ command: ['sglang', 'serve'] }, 'sglang'],
    [{ name: 'x', image: 'vllm/vllm-openai:latest', args: ['--model', 'm'] }, 'vllm'],
    [{ name: 'x', image: 'registry.example.com:5000/mirror/vllm-openai@sha256:abc', args: ['m'] }, 'vllm'],
    [{ name: 'x', image: 'rocm/vllm:latest', args: ['m'] }, 'vllm'],
    [{ name: 'x', image: 'localhost:5000/vllm-openai:v0.11.0', args: ['m'] }, 'vllm'],
    [{ name: 'x', image: 'vllm/vllm-openai', command: [], args: ['m'] }, 'vllm'],
    [{ name: 'engine', image: 'ghcr.io/acme/llm:1', args: ['m', '--block-size=16'] }, 'vllm'],
    [{ name: 'x', image: 'lmsysorg/sglang:v0.5.16', command: ['python3', '-m', 'sglang.launch_server'] }, 'sglang'],
  ])('%j → %s', (container, kind) => {
    expect(parseEngine(container)?.kind).toBe(kind);
  });

  it.each([
    [{ name: 'routing-proxy', image: 'ghcr.io/llm-d/llm-d-routing-sidecar:v0.2.0', args: ['--port=8000', '--vllm-port=8200'] }],
    [{ name: 'x', image: 'busybox', command: ['sleep', 'infinity'] }],
    [{ name: 'x', image: 'vllm/vllm-openai:latest', command: ['python3', 'my_server.py'] }],
    [{ name: 'engine', image: 'ghcr.io/acme/llm:1', args: ['m'] }], // no vLLM-specific flag
    [{ name: 'engine', image: 'ghcr.io/acme/llm:1', args: ['--model-path', 'm', '--page-size', '16'] }], // SGLang flags, no entrypoint
    [{ name: 'x', image: 'lmsysorg/sglang:v0.5.16', args: ['--model-path', 'm'] }],
    [{ command: ['python', '-m', 'dynamo.vllm'] }],
    [{ name: 'router', image: 'ghcr.io/vllm-project/semantic-router/extproc:v0.1', args: ['--port', '50051'] }],
    [{ name: 'router', image: 'vllm/vllm-router:latest', args: ['--port', '8000', '--block-size', '16'] }],
    [{}],
  ])('not an engine: %j', (container) => {
    expect(parseEngine(container)).toBeUndefined();
  });

  it('args-only vLLM image: the entrypoint is vllm serve, args start with the model', () => {
    const m = parseEngine({ name: 'vllm', image: 'vllm/vllm-openai:v0.19.1', args: ['org/m', '--port', '8001'] })!;
    expect(m.launch).toEqual({ via: 'image-entrypoint' });
    expect(m.model).toMatchObject({ value: 'org/m', path: 'args[0]' });
    expect(m.issues).toEqual([]);
  });

  it('container named engine with an unknown image: assumed with a warning on image', () => {
    const m = parseEngine({ name: 'engine', image: 'ghcr.io/acme/llm:1', args: ['m', '--kv-transfer-config={"kv_role":"kv_both"}'] })!;
    expect(m.kind).toBe('vllm');
    expect(m.issues).toMatchObject([{ code: 'launch.entrypoint-assumed', severity: 'warning', path: 'image' }]);
  });

  it.each([
    ['image entrypoint', { name: 'vllm', image: 'vllm/vllm-openai:v0.19.1', args: ['serve', 'org/m', '--port=8001'] }, 'args[0]'],
    ['explicit command', { command: ['vllm', 'serve'], args: ['serve', 'org/m', '--port=8001'] }, 'args[0]'],
  ])('serve repeated (%s) is an error, and the rest still reads', (_l, container, path) => {
    const m = parseEngine(container)!;
    expect(m.issues).toMatchObject([{ code: 'launch.serve-repeated', severity: 'error', path }]);
    expect(m.model?.value).toBe('org/m');
    expect(m.port.value).toBe(8001);
  });
});
