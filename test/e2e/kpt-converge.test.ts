// Issue 14 under the real kpt: `kpt fn render --allow-exec` writes pd-disagg's output back into the package and
// feeds it to the next render. After a config edit, the package must end up as a fresh render of the original
// package with the same edit (file by file, as data), objects the config no longer wants must leave their files
// (a file left with none is deleted, as kpt does when a function drops every item of it), a second render must
// change nothing, and a second pair in the same package must not move.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments, parseDocument } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { gitCommit, gitDiff, gitPackage, sh, toolbox } from './harness.js';

let tools: ReturnType<typeof toolbox>;
beforeAll(() => {
  tools = toolbox();
});

function render(pkg: string) {
  const r = sh('kpt', ['fn', 'render', pkg, '--allow-exec'], { env: tools.env });
  expect(r.code, r.stderr + r.stdout).toBe(0);
  return r;
}

/** Edit the PrefillDecode in `file` of the package, keeping its comments. */
function editConfig(pkg: string, file: string, edit: (doc: ReturnType<typeof parseDocument>) => void): void {
  const path = join(pkg, file);
  const doc = parseDocument(readFileSync(path, 'utf8'));
  edit(doc);
  writeFileSync(path, doc.toString());
}

/** Every YAML file of the package (but .expected) as its documents' data. */
function files(pkg: string): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.ya?ml$|^Kptfile$/.test(entry.name)) out[relative(pkg, path)] = parseAllDocuments(readFileSync(path, 'utf8')).map((d) => d.toJS());
    }
  };
  walk(pkg);
  return out;
}

const EDITS: { name: string; edit: (doc: ReturnType<typeof parseDocument>) => void; check?: (pkg: string) => void }[] = [
  {
    name: 'router version v0.10.0 → v0.9.0',
    edit: (d) => d.setIn(['spec', 'epp', 'version'], 'v0.9.0'),
    check: (pkg) => {
      const decode = readFileSync(join(pkg, 'decode.yaml'), 'utf8');
      expect(decode).toContain('--vllm-port=8001');
      expect(decode).not.toContain('--model-server-port');
      expect(decode.match(/name: routing-proxy/g)).toHaveLength(1);
    },
  },
  {
    name: 'sidecar.native false',
    edit: (d) => d.setIn(['spec', 'sidecar'], d.createNode({ native: false })),
    check: (pkg) => {
      const [decode] = parseAllDocuments(readFileSync(join(pkg, 'decode.yaml'), 'utf8')).map((x) => x.toJS());
      expect(decode.spec.template.spec.initContainers).toBeUndefined();
      expect(decode.spec.template.spec.containers.map((c: { name: string }) => c.name)).toEqual(['engine', 'routing-proxy']);
    },
  },
  {
    name: 'router.enabled false',
    edit: (d) => d.setIn(['spec', 'router'], d.createNode({ enabled: false })),
    check: (pkg) => {
      const kinds = parseAllDocuments(readFileSync(join(pkg, 'qwen-pd-disagg.yaml'), 'utf8')).map((x) => x.toJS().kind);
      expect(kinds).toEqual(['ConfigMap']);
    },
  },
  {
    name: 'metadata.name changed',
    edit: (d) => d.setIn(['metadata', 'name'], 'qwen2'),
    check: (pkg) => {
      // every object of the old file went: kpt deletes the file
      expect(existsSync(join(pkg, 'qwen-pd-disagg.yaml'))).toBe(false);
      expect(existsSync(join(pkg, 'qwen2-pd-disagg.yaml'))).toBe(true);
    },
  },
];

describe('kpt fn render after a config edit', () => {
  for (const { name, edit, check } of EDITS) {
    it(`${name}: the package becomes a fresh render of the edited package, and a second render changes nothing`, () => {
      // re-render: render, commit, edit the config, render again
      const pkg = gitPackage('examples/qwen-pd');
      render(pkg);
      gitCommit(pkg, 'rendered');
      editConfig(pkg, 'pd-disagg.yaml', edit);
      render(pkg);
      check?.(pkg);
      // fresh: the original package with the same edit, rendered once
      const fresh = gitPackage('examples/qwen-pd');
      editConfig(fresh, 'pd-disagg.yaml', edit);
      render(fresh);
      expect(files(pkg)).toEqual(files(fresh));
      // and rendering again changes nothing
      gitCommit(pkg, 'edited and rendered');
      render(pkg);
      expect(gitDiff(pkg)).toBe('');
    });
  }
});

// Issue 14 (gap): the config moved to another decode workload. The pair (named by its decode) changes, and the old
// one is found by the config marker: pd-disagg.dev/config, the file kpt read the config from (configPath).
describe('kpt fn render after spec.decode moves to another workload', () => {
  /** examples/qwen-pd with a spare decode Deployment, qwen-decode-b, in its own file. */
  function withSpare(pkg: string): void {
    writeFileSync(join(pkg, 'decode-b.yaml'), readFileSync(join(pkg, 'decode.yaml'), 'utf8').replace(/^( {2}name: )qwen-decode$/m, '$1qwen-decode-b'));
    gitCommit(pkg, 'spare decode');
  }
  const moveDecode = (d: ReturnType<typeof parseDocument>) => d.setIn(['spec', 'decode', 'name'], 'qwen-decode-b');

  it('unwires the old decode, wires the new one, matches a fresh render, and a second render changes nothing', () => {
    const pkg = gitPackage('examples/qwen-pd');
    withSpare(pkg);
    expect(readFileSync(join(pkg, 'decode-b.yaml'), 'utf8')).toContain('name: qwen-decode-b');
    render(pkg);
    const wired = readFileSync(join(pkg, 'decode.yaml'), 'utf8');
    expect(wired).toContain('pd-disagg.dev/config: pd-disagg.yaml');
    expect(wired).toContain('name: routing-proxy');
    gitCommit(pkg, 'rendered');

    editConfig(pkg, 'pd-disagg.yaml', moveDecode);
    const out = render(pkg);
    const old = readFileSync(join(pkg, 'decode.yaml'), 'utf8');
    expect(old).not.toContain('pd-disagg.dev/');
    expect(old).not.toContain('routing-proxy');
    const moved = readFileSync(join(pkg, 'decode-b.yaml'), 'utf8');
    expect(moved).toContain('pd-disagg.dev/pair: Deployment/qwen-decode-b');
    expect(moved).toContain('name: routing-proxy');
    // kpt prints the results: the removals from the old decode are among them
    expect(out.stdout + out.stderr).toMatch(/removed spec\.template\.spec\.initContainers\[routing-proxy\] \(injected for pair Deployment\/qwen-decode;/);
    const stack = parseAllDocuments(readFileSync(join(pkg, 'qwen-pd-disagg.yaml'), 'utf8')).map((x) => x.toJS());
    expect(stack.every((o) => o.metadata.annotations['pd-disagg.dev/pair'] === 'Deployment/qwen-decode-b')).toBe(true);

    const fresh = gitPackage('examples/qwen-pd');
    withSpare(fresh);
    editConfig(fresh, 'pd-disagg.yaml', moveDecode);
    render(fresh);
    expect(files(pkg)).toEqual(files(fresh));

    gitCommit(pkg, 'moved');
    render(pkg);
    expect(gitDiff(pkg)).toBe('');
  });
});

describe('kpt fn render with two pairs in one package', () => {
  /** examples/qwen-pd plus a second pair, llama, with its own config and mutator. */
  function twoPairs(): string {
    const pkg = gitPackage('examples/qwen-pd');
    for (const [from, to] of [['prefill.yaml', 'llama-prefill.yaml'], ['decode.yaml', 'llama-decode.yaml'], ['pd-disagg.yaml', 'llama-config.yaml']]) {
      writeFileSync(join(pkg, to!), readFileSync(join(pkg, from!), 'utf8').replace(/qwen/g, 'llama'));
    }
    const kptfile = join(pkg, 'Kptfile');
    writeFileSync(
      kptfile,
      `${readFileSync(kptfile, 'utf8').trimEnd()}\n    - exec: pd-disagg\n      configPath: llama-config.yaml\n`,
    );
    gitCommit(pkg, 'two pairs');
    return pkg;
  }

  it('renders both, and an edit of one pair leaves the other where it was, twice in a row', () => {
    const pkg = twoPairs();
    render(pkg);
    expect(existsSync(join(pkg, 'qwen-pd-disagg.yaml'))).toBe(true);
    expect(existsSync(join(pkg, 'llama-pd-disagg.yaml'))).toBe(true);
    gitCommit(pkg, 'rendered');
    const llamaBefore = Object.fromEntries(Object.entries(files(pkg)).filter(([f]) => f.startsWith('llama')));

    editConfig(pkg, 'pd-disagg.yaml', (d) => {
      d.setIn(['metadata', 'name'], 'qwen2');
      d.setIn(['spec', 'router'], d.createNode({ enabled: false }));
    });
    render(pkg);
    const diff = gitDiff(pkg);
    expect(diff).not.toContain('llama');
    expect(existsSync(join(pkg, 'qwen-pd-disagg.yaml'))).toBe(false);
    const qwen2 = parseAllDocuments(readFileSync(join(pkg, 'qwen2-pd-disagg.yaml'), 'utf8')).map((x) => x.toJS());
    expect(qwen2.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['ConfigMap/qwen2-epp-config']);
    const llamaAfter = Object.fromEntries(Object.entries(files(pkg)).filter(([f]) => f.startsWith('llama')));
    expect(llamaAfter).toEqual(llamaBefore);

    gitCommit(pkg, 'edited');
    render(pkg);
    expect(gitDiff(pkg)).toBe('');
  });

  it('moving one pair to another decode workload leaves the other pair (another config file) where it was', () => {
    const pkg = twoPairs();
    writeFileSync(join(pkg, 'decode-b.yaml'), readFileSync(join(pkg, 'decode.yaml'), 'utf8').replace(/^( {2}name: )qwen-decode$/m, '$1qwen-decode-b'));
    gitCommit(pkg, 'spare');
    render(pkg);
    gitCommit(pkg, 'rendered');
    const llamaBefore = Object.fromEntries(Object.entries(files(pkg)).filter(([f]) => f.startsWith('llama')));
    expect(readFileSync(join(pkg, 'llama-decode.yaml'), 'utf8')).toContain('pd-disagg.dev/config: llama-config.yaml');
    editConfig(pkg, 'pd-disagg.yaml', (d) => d.setIn(['spec', 'decode', 'name'], 'qwen-decode-b'));
    render(pkg);
    expect(gitDiff(pkg)).not.toContain('llama');
    expect(readFileSync(join(pkg, 'decode.yaml'), 'utf8')).not.toContain('pd-disagg.dev/');
    expect(Object.fromEntries(Object.entries(files(pkg)).filter(([f]) => f.startsWith('llama')))).toEqual(llamaBefore);
    gitCommit(pkg, 'moved');
    render(pkg);
    expect(gitDiff(pkg)).toBe('');
  });
});


describe('kpt fn render of a package holding a subpackage with its own pair', () => {
  // kpt renders the subpackage first and then hands its items to the parent's functions with paths relative to the
  // subpackage, so both configs read as `pd-disagg.yaml`; the parent must not take the subpackage's pair for its own
  // (it used to remove all of it, each with a `removed` info result).
  it('leaves the subpackage pair wired, and a second render changes nothing', () => {
    const pkg = gitPackage('examples/qwen-pd');
    const sub = join(pkg, 'sub');
    mkdirSync(sub);
    for (const f of readdirSync(pkg)) {
      if (f === 'sub' || f.startsWith('.')) continue;
      writeFileSync(join(sub, f), readFileSync(join(pkg, f), 'utf8').replace(/qwen/g, 'qsub'));
    }
    gitCommit(pkg, 'subpackage');
    const r = render(pkg);
    expect(r.stdout + r.stderr).not.toContain('removed');
    for (const dir of [pkg, sub]) {
      const decode = readFileSync(join(dir, 'decode.yaml'), 'utf8');
      expect(decode).toContain('routing-proxy');
      expect(decode).toContain('pd-disagg.dev/config: pd-disagg.yaml');
    }
    expect(existsSync(join(sub, 'qsub-pd-disagg.yaml'))).toBe(true);
    expect(existsSync(join(pkg, 'qwen-pd-disagg.yaml'))).toBe(true);
    gitCommit(pkg, 'rendered');
    render(pkg);
    expect(gitDiff(pkg)).toBe('');
  });
});

describe('kpt fn render of a package holding an unchanged copy of itself (cp -r into a subdirectory)', () => {
  // The copy's Kptfile, config and workloads carry the kind and name of the original's. kpt accepts the layout (it
  // merges nothing: each object stays in its package's file) and hands the parent's pd-disagg the items of both
  // packages. A duplicate is one only within one package, and the parent's render wires its own workloads: it used
  // to refuse the render with `duplicate-resource` for the Kptfile, the config and both Deployments.
  /** The package's files (the subdirectory aside), each as a fresh render of the example would write it. */
  const own = (all: Record<string, unknown[]>) => Object.fromEntries(Object.entries(all).filter(([f]) => !f.startsWith('sub/')));
  const sub = (all: Record<string, unknown[]>) => Object.fromEntries(Object.entries(all).filter(([f]) => f.startsWith('sub/')).map(([f, d]) => [f.slice(4), d]));

  it('renders both packages as each alone, an edit of the parent leaves the copy where it was, twice in a row', () => {
    const pkg = gitPackage('examples/qwen-pd');
    mkdirSync(join(pkg, 'sub'));
    for (const f of readdirSync(pkg)) {
      if (f === 'sub' || f.startsWith('.')) continue;
      writeFileSync(join(pkg, 'sub', f), readFileSync(join(pkg, f), 'utf8'));
    }
    gitCommit(pkg, 'copy');
    const r = render(pkg);
    expect(r.stdout + r.stderr).not.toContain('duplicate-resource');
    const fresh = gitPackage('examples/qwen-pd');
    render(fresh);
    const after = files(pkg);
    expect(Object.keys(sub(after))).toContain('qwen-pd-disagg.yaml');
    expect(own(after)).toEqual(files(fresh));
    expect(sub(after)).toEqual(files(fresh));
    gitCommit(pkg, 'rendered');
    render(pkg);
    expect(gitDiff(pkg)).toBe('');

    // the parent's config moves to router v0.9.0: the parent becomes a fresh render of that, the copy stays
    const toV09 = (d: ReturnType<typeof parseDocument>) => d.setIn(['spec', 'epp', 'version'], 'v0.9.0');
    editConfig(pkg, 'pd-disagg.yaml', toV09);
    const edited = render(pkg);
    expect(edited.stdout + edited.stderr).not.toContain('removed');
    const freshEdited = gitPackage('examples/qwen-pd');
    editConfig(freshEdited, 'pd-disagg.yaml', toV09);
    render(freshEdited);
    const afterEdit = files(pkg);
    expect(own(afterEdit)).toEqual(files(freshEdited));
    expect(sub(afterEdit)).toEqual(files(fresh));
    gitCommit(pkg, 'edited');
    render(pkg);
    expect(gitDiff(pkg)).toBe('');
  });
});
