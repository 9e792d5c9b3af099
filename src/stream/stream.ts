// Stream mode: `pd-disagg --config FILE` turns a plain multi-document YAML stream (what `helm template`,
// `kustomize build` or `kubectl kustomize` print) into another one. It is a thin shell around run(): the documents are
// wrapped into a ResourceList with the config file as functionConfig, run() does the work, and the items are unwrapped
// back into documents. The caller gets either the whole stream or, on any failure, an empty stdout.

import { isMap, isScalar, parseDocument, type Document, type Node, type YAMLMap, type YAMLSeq } from 'yaml';
import { isToolAnnotation } from '../apply/annotations.js';
import { LOCAL_CONFIG_ANNOTATION } from '../read/kpt-annotations.js';
import { limitsFrom } from '../read/limits.js';
import { InputError, parseDocumentsBounded } from '../read/safe-yaml.js';
import { yamlErrorText } from '../read/yaml-error.js';
import { parseOptions, toStringOptions } from '../read/yaml-options.js';
import { run, type RunOptions, type RunOutput } from '../run.js';

/** Marks which input document an item came from while it travels through run(); removed on the way out. The
 * internal.config.kubernetes.io/ prefix is one pd-disagg keeps on every item, like kpt's and kustomize's own ids. */
export const STREAM_INDEX_ANNOTATION = 'internal.config.kubernetes.io/pd-disagg-stream-index';

/** A Helm hook: Helm applies it at its own time, apart from the release's templates (and deletes it by its policy). */
const HELM_HOOK = 'helm.sh/hook';
/** functionConfig groups are never cluster objects: a PrefillDecode that sits in the stream is a config, not output. */
const CONFIG_API_GROUP = 'pd-disagg.dev/';

export class StreamError extends Error {}

/** What we must put back on a document after run(): comments around it and the annotations it came with. */
interface Original {
  /** comments at the top of the document, set apart from the object by a blank line */
  docCommentBefore: string | null;
  /** comments right above the object, and whether a blank line comes before it */
  commentBefore: string | null;
  spaceBefore: boolean;
  comment: string | null;
  docComment: string | null;
  hadAnnotations: boolean;
  annotationKeys: Set<string>;
}

/** The stream as read, once: its text (without a byte-order mark) and its documents. */
interface Stream {
  text: string;
  docs: Document.Parsed[];
}

/** The --config file's one mapping (a PrefillDecode, a ConfigMap, or a kustomize function config). */
function configNode(config: Stream, name: string): Node {
  const nonEmpty = config.docs.filter((d) => d.errors.length > 0 || !isEmptyContents(d.contents));
  const errors = nonEmpty.flatMap((d) => d.errors);
  if (errors.length > 0) throw new StreamError(`--config ${name}: not valid YAML: ${yamlErrorText(errors[0]!, config.text)}`);
  if (nonEmpty.length !== 1) {
    throw new StreamError(
      `--config ${name}: the file holds ${nonEmpty.length} YAML documents; expected exactly one functionConfig ` +
        '(a PrefillDecode or a ConfigMap)',
    );
  }
  const root = nonEmpty[0]!.contents;
  if (!isMap(root)) throw new StreamError(`--config ${name}: the document is not a mapping; expected a PrefillDecode or a ConfigMap`);
  return root;
}

/** A Helm hook document that shares its identity with another document: it goes around run(), unchanged. */
interface PassThrough {
  /** how many documents went into run() before it: it comes out right before the item with this stream index */
  before: number;
  node: YAMLMap;
  original: Original;
}

/**
 * Wrap a stream into a ResourceList text; returns what is needed to unwrap run()'s answer.
 *
 * Helm 4 hands hooks and templates to a post-renderer in one stream, and a chart may declare one object both as a
 * hook and as a template (e.g. the ServiceAccount a pre-install hook runs as): Helm applies the two at different
 * times. In a ResourceList two items with one identity are an error, so a hook document whose identity another
 * document of the stream also has does not go through run(): it is written back where it was, unchanged. Any other
 * repeated identity is still an error.
 */
function wrap(stream: Stream, config: Node): { resourceList: string; originals: Original[]; passThrough: PassThrough[] } {
  const { docs } = stream;
  const list = skeleton();
  const items = list.get('items', true) as YAMLSeq;
  const originals: Original[] = [];
  const passThrough: PassThrough[] = [];
  const shared = sharedIdentities(docs);
  docs.forEach((doc) => {
    if (isEmptyContents(doc.contents)) return; // `---` with nothing (or only comments) under it, as helm prints
    const node = doc.contents as YAMLMap; // checkStream: a Kubernetes object
    // a comment at the very top of a stream (no `---`) is parsed onto the first key; it belongs to the document
    const firstKey = node.items[0]?.key;
    if (!node.commentBefore && isScalar(firstKey) && firstKey.commentBefore) {
      node.commentBefore = firstKey.commentBefore;
      firstKey.commentBefore = undefined;
    }
    const annotations = node.getIn(['metadata', 'annotations'], true);
    const index = originals.length;
    const original: Original = {
      docCommentBefore: doc.commentBefore ?? null,
      commentBefore: node.commentBefore ?? null,
      spaceBefore: Boolean(node.spaceBefore),
      comment: node.comment ?? null,
      docComment: doc.comment ?? null,
      hadAnnotations: annotations !== undefined,
      annotationKeys: new Set(isMap(annotations) ? annotations.items.map((p) => String(isScalar(p.key) ? p.key.value : p.key)) : []),
    };
    // comments around a document do not survive inside a sequence; they are put back from `originals`
    node.commentBefore = null;
    node.comment = null;
    node.spaceBefore = false;
    if (isHelmHook(node) && shared.has(identity(node))) {
      passThrough.push({ before: index, node, original });
      return;
    }
    originals.push(original);
    if (isMap(annotations)) annotations.set(STREAM_INDEX_ANNOTATION, String(index));
    else node.setIn(['metadata', 'annotations'], list.createNode({ [STREAM_INDEX_ANNOTATION]: String(index) }));
    items.items.push(node);
    // a tag the document's schema took on while reading it (an explicit `!!binary`, `!!set`, …) must be known to the
    // list that prints its nodes
    for (const tag of doc.schema.tags) if (!list.schema.tags.some((t) => t.tag === tag.tag)) list.schema.tags.push(tag);
  });
  if (items.items.length === 0) {
    throw new StreamError('stdin holds no Kubernetes object: give pd-disagg the rendered prefill and decode workloads');
  }
  list.set('functionConfig', config);
  return { resourceList: list.toString(toStringOptions), originals, passThrough };
}

/** The items of run()'s ResourceList as a stream, with each document's comments back and our annotations gone. */
export function unwrap(resourceListText: string, originals: readonly Original[], passThrough: readonly PassThrough[] = []): string {
  const list = parseDocument(resourceListText, parseOptions);
  if (list.errors.length > 0) throw new Error(`run() wrote a ResourceList that does not parse: ${list.errors[0]!.message}`);
  const items = list.get('items', true);
  if (!isSeqOfMaps(items)) throw new Error('run() wrote a ResourceList without items');
  const out: string[] = [];
  const emit = (node: YAMLMap, original: Original | undefined) => {
    list.contents = node as never;
    list.commentBefore = original?.docCommentBefore ?? null;
    list.comment = original?.docComment ?? null;
    node.commentBefore = original?.commentBefore ?? null;
    node.spaceBefore = original?.spaceBefore ?? false;
    node.comment = original?.comment ?? null;
    out.push(list.toString(toStringOptions));
  };
  let pending = 0; // passThrough[pending] is the next one to write back
  const flush = (upTo: number) => {
    for (; pending < passThrough.length && passThrough[pending]!.before <= upTo; pending++) emit(passThrough[pending]!.node, passThrough[pending]!.original);
  };
  for (const node of items.items) {
    if (!isMap(node)) continue;
    const index = takeIndex(node, originals);
    // a pass-through hook goes back before the document that followed it; generated objects come after all of them
    flush(index ?? Infinity);
    const original = index === undefined ? undefined : originals[index];
    cleanAnnotations(node, original);
    if (!emittable(node)) continue;
    emit(node, original);
  }
  flush(Infinity);
  return out.map((doc, i) => (i === 0 ? doc : `---\n${doc}`)).join('');
}

/**
 * Every document of the stream is a Kubernetes object, and there is one: else a StreamError naming the first that is
 * not. Reads the documents, changes nothing.
 */
function checkStream(stream: Stream): void {
  let objects = 0;
  stream.docs.forEach((doc, position) => {
    const where = () => {
      const offset = doc.contents?.range?.[0] ?? doc.range[0];
      return `document ${position + 1} (line ${lineOf(stream.text, offset)})`;
    };
    if (doc.errors.length > 0) throw new StreamError(`stdin ${where()} is not valid YAML: ${yamlErrorText(doc.errors[0]!, stream.text)}`);
    if (isEmptyContents(doc.contents)) return; // `---` with nothing (or only comments) under it, as helm prints
    const node = doc.contents;
    if (!isMap(node)) throw new StreamError(`stdin ${where()} is not a mapping: every document must be a Kubernetes object`);
    const kind: unknown = node.get('kind');
    const fields: [string, unknown][] = [['apiVersion', node.get('apiVersion')], ['kind', kind], ['metadata.name', node.getIn(['metadata', 'name'])]];
    const missing = fields.filter(([, v]) => typeof v !== 'string' || v === '').map(([k]) => k);
    if (missing.length > 0) {
      throw new StreamError(
        `stdin ${where()} is not a Kubernetes object: ${missing.join(', ')} missing or not a string` +
          (kind === 'List' ? ' (a kind: List is not unpacked; give its objects as separate documents)' : ''),
      );
    }
    objects++;
  });
  if (objects === 0) throw new StreamError('stdin holds no Kubernetes object: give pd-disagg the rendered prefill and decode workloads');
}

/**
 * Stream text + config file text → stream text, stderr and exit code. Never throws; stdout is empty on failure. Each
 * text is parsed once, bounded like a ResourceList (src/read/safe-yaml.ts): the documents as text are taken from it
 * first (wrapText only reads them), and only where that cannot be are the same documents wrapped as nodes.
 */
export function runStream(streamText: string, configText: string, configName: string, options: RunOptions = {}): RunOutput {
  let stream: Stream;
  let config: Node;
  try {
    const { limits, problem } = limitsFrom(options.env);
    if (problem) throw new InputError(problem);
    const text = stripBom(streamText);
    stream = { text, docs: parseDocumentsBounded(text, limits) };
    const configFile = stripBom(configText);
    config = configNode({ text: configFile, docs: parseDocumentsBounded(configFile, limits, `--config ${configName}`) }, configName);
    checkStream(stream);
  } catch (err) {
    if (err instanceof StreamError || err instanceof InputError) return { stdout: '', stderr: `pd-disagg: error: ${err.message}\n`, exitCode: 1 };
    return internalError(err, options);
  }
  // the documents as text wherever that is possible, so that what pd-disagg did not change goes out as it came (not
  // for --explain, and not with hooks written back around run())
  let asText: TextList | undefined;
  let asNodes: ReturnType<typeof wrap> | undefined;
  try {
    asText = options.explain || hasPassThrough(stream.docs) ? undefined : wrapText(stream, config);
    if (!asText) asNodes = wrap(stream, config);
  } catch (err) {
    if (err instanceof StreamError) return { stdout: '', stderr: `pd-disagg: error: ${err.message}\n`, exitCode: 1 };
    return internalError(err, options);
  }
  const out = run(asText?.resourceList ?? asNodes!.resourceList, options);
  if (options.explain) return out; // the explanation, for people: there is no stream to give back
  if (out.exitCode !== 0) return { stdout: '', stderr: out.stderr, exitCode: out.exitCode };
  try {
    return { stdout: asText ? unwrapText(out.stdout, asText.docs) : unwrap(out.stdout, asNodes!.originals, asNodes!.passThrough), stderr: out.stderr, exitCode: 0 };
  } catch (err) {
    return { stdout: '', stderr: out.stderr + internalError(err, options).stderr, exitCode: 2 };
  }
}

// ---- the documents as text ---------------------------------------------------------------------------------------
//
// Each document's object goes into the ResourceList as the text it was written in (re-indented as an entry of
// `items`), and comes back out the same way: run() copies the items it does not change byte for byte and prints only
// its additions into the ones it edits (src/write/source-items.ts), so a document pd-disagg did not change goes out
// exactly as it came, and an edited one keeps the user's spelling of everything it had. Documents are matched by
// their identity (run() refuses two items with one). Where the text cannot be used as an entry — CR line ends, a
// document whose object is not a block mapping at column 0, properties on it, `---` with content on its line,
// directives — the whole stream takes the node path above, which keeps the data and the comments around documents.

interface TextDoc {
  identity: string;
  /** the document's text without its `---` line: comments, the object, comments after it */
  text: string;
  /** where the object starts and ends in `text` */
  content: { start: number; end: number };
  annotationKeys: Set<string>;
}

interface TextList {
  resourceList: string;
  docs: TextDoc[];
}


/** The stream as a ResourceList text whose items are the documents' own text, or undefined where that cannot be. */
function wrapText(stream: Stream, config: Node): TextList | undefined {
  const { text, docs } = stream;
  if (text.includes('\r') || /^%/m.test(text)) return undefined;
  const out: TextDoc[] = [];
  const entries: string[] = [];
  let from = 0;
  for (const doc of docs) {
    const regionStart = from;
    // a document ends with its last line's line break (its range may stop short of it, after an empty value)
    let regionEnd = Math.max(doc.range[2], from);
    if (regionEnd > 0 && text[regionEnd - 1] !== '\n') {
      const eol = text.indexOf('\n', regionEnd);
      regionEnd = eol < 0 ? text.length : eol + 1;
    }
    from = regionEnd;
    if (doc.errors.length > 0) return undefined;
    if (isEmptyContents(doc.contents)) continue;
    const node = doc.contents;
    if (!isMap(node) || node.flow || node.anchor || node.tag || !node.range) return undefined;
    let region = text.slice(regionStart, regionEnd);
    let offset = regionStart;
    const marker = /^---[ \t]*\n/.exec(region);
    if (marker) {
      region = region.slice(marker[0].length);
      offset += marker[0].length;
    } else if (region.startsWith('---')) return undefined;
    const start = node.range[0] - offset;
    let end = node.range[1] - offset;
    // the object's last line, to its line break
    const eol = region.indexOf('\n', Math.max(start, end - 1));
    if (eol < 0) return undefined;
    end = eol + 1;
    // at column 0, and nothing between the comments above it and its first key but blank space
    if (start > 0 && region[start - 1] !== '\n') return undefined;
    const content = region.slice(start, end).replace(/\n$/, '');
    const metadata = node.get('metadata', true);
    const annotations = isMap(metadata) ? metadata.get('annotations', true) : undefined;
    out.push({
      identity: identity(node),
      // without a document end marker (documents are joined by `---`), ending in a line break
      text: region.replace(/(^|\n)\.\.\.[ \t]*\n?$/, '$1').replace(/([^\n])$/, '$1\n'),
      content: { start, end },
      annotationKeys: new Set(isMap(annotations) ? annotations.items.map((p) => String(isScalar(p.key) ? p.key.value : p.key)) : []),
    });
    entries.push(asEntry(content));
  }
  if (out.length === 0 || new Set(out.map((d) => d.identity)).size !== out.length) return undefined;
  // the config is never written back: its text does not matter
  const configDoc = parseDocument('{}', parseOptions);
  configDoc.contents = config as never;
  const configText = configDoc.toString(toStringOptions).replace(/\n$/, '').replace(/^(?!$)/gm, '  ');
  return {
    resourceList: `apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n${entries.join('\n')}\nfunctionConfig:\n${configText}\n`,
    docs: out,
  };
}

/** A mapping written at column 0 as an entry of a list at column 0. */
function asEntry(content: string): string {
  return `- ${content.replace(/\n(?!\n|$)/g, '\n  ')}`;
}

/** An entry's text (from its `- `) as the mapping at column 0 it holds; undefined if a line is left of it. */
function fromEntry(entry: string): string | undefined {
  const lines = entry.slice(2).split('\n');
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('  ')) lines[i] = line.slice(2);
    else if (/^ *$/.test(line)) lines[i] = '';
    else return undefined;
  }
  return lines.join('\n');
}

/** run()'s ResourceList back into a stream: documents as they came where unchanged, edited ones as run() wrote them. */
function unwrapText(resourceListText: string, docs: readonly TextDoc[]): string {
  const list = parseDocument(resourceListText, parseOptions);
  if (list.errors.length > 0) throw new Error(`run() wrote a ResourceList that does not parse: ${list.errors[0]!.message}`);
  const items = list.get('items', true);
  if (!isSeqOfMaps(items)) throw new Error('run() wrote a ResourceList without items');
  const byIdentity = new Map(docs.map((d) => [d.identity, d]));
  const out: string[] = [];
  for (const node of items.items) {
    if (!isMap(node) || !emittable(node)) continue;
    const original = byIdentity.get(identity(node));
    const text = original && documentFromItem(resourceListText, node, original);
    if (text !== undefined) {
      out.push(text);
      continue;
    }
    // generated by pd-disagg (or not writable as text): printed, without the annotations run() adds for kpt
    cleanAnnotations(node, undefined);
    list.contents = node as never;
    list.commentBefore = null;
    list.comment = null;
    node.commentBefore = null;
    out.push(list.toString(toStringOptions));
  }
  return out.map((doc, i) => (i === 0 ? doc : `---\n${doc}`)).join('');
}

/** The document an item came from, with the item's text in place of its object; undefined where unsure. */
function documentFromItem(listText: string, node: YAMLMap, original: TextDoc): string | undefined {
  if (node.flow || !node.range) return undefined;
  // the tool annotations run() adds for kpt must not reach the stream (it only adds them to what it generates)
  const annotations = annotationsOf(node);
  if (annotations?.items.some((p) => {
    const key = String(isScalar(p.key) ? p.key.value : p.key);
    return (isToolAnnotation(key) || key === STREAM_INDEX_ANNOTATION) && !original.annotationKeys.has(key);
  })) return undefined;
  const dash = listText.lastIndexOf('\n', node.range[0]) + 1;
  if (!listText.startsWith('- ', dash) || dash + 2 !== node.range[0]) return undefined;
  const eol = listText.indexOf('\n', Math.max(node.range[0], node.range[1] - 1));
  const content = fromEntry(listText.slice(dash, eol < 0 ? listText.length : eol));
  if (content === undefined) return undefined;
  const { text, content: at } = original;
  // unchanged: the document as it came (spaces at the end of its last line are not data: a block scalar's would have
  // been kept by run())
  const before = text.slice(at.start, at.end).replace(/\n$/, '');
  if (content === before || content === before.replace(/[ \t]+$/, '')) return text;
  return `${text.slice(0, at.start)}${content}\n${text.slice(at.end)}`;
}

// ---- helpers ------------------------------------------------------------------------------------------------------

function skeleton(): Document.Parsed {
  const list = parseDocument('apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n', parseOptions);
  list.set('items', list.createNode([]));
  return list;
}

function isEmptyContents(contents: unknown): boolean {
  return contents === null || contents === undefined || (isScalar(contents) && (contents.value === null || contents.value === ''));
}

function isSeqOfMaps(node: unknown): node is YAMLSeq {
  return node !== null && typeof node === 'object' && Array.isArray((node as YAMLSeq).items);
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function annotationsOf(node: YAMLMap): YAMLMap | undefined {
  const a = node.getIn(['metadata', 'annotations'], true);
  return isMap(a) ? a : undefined;
}

/** The stream index an item came with (undefined for objects run() generated). */
function takeIndex(node: YAMLMap, originals: readonly Original[]): number | undefined {
  const annotations = annotationsOf(node);
  const raw = annotations?.get(STREAM_INDEX_ANNOTATION);
  if (raw === undefined) return undefined;
  const index = Number(raw);
  if (!originals[index]) throw new Error(`an item came back with an unknown ${STREAM_INDEX_ANNOTATION}: ${String(raw)}`);
  return index;
}

function isHelmHook(node: YAMLMap): boolean {
  const hook = annotationsOf(node)?.get(HELM_HOOK);
  return typeof hook === 'string' && hook.trim() !== '';
}

/** An object's identity as run() compares them: API group, kind, namespace, name. */
function identity(node: YAMLMap): string {
  const apiVersion = String(node.get('apiVersion'));
  const namespace = node.getIn(['metadata', 'namespace']);
  return JSON.stringify([
    apiVersion.includes('/') ? apiVersion.split('/')[0] : '',
    String(node.get('kind')),
    typeof namespace === 'string' ? namespace : '',
    String(node.getIn(['metadata', 'name'])),
  ]);
}

/** A Helm hook shares its identity with another document: wrap() writes it back around run(). */
function hasPassThrough(docs: readonly Document.Parsed[]): boolean {
  const shared = sharedIdentities(docs);
  return shared.size > 0 && docs.some((doc) => isMap(doc.contents) && isHelmHook(doc.contents) && shared.has(identity(doc.contents)));
}

/** The line (from 1) of an offset into text. */
function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** Identities that more than one document of the stream has (documents that are not objects are left to wrap()). */
function sharedIdentities(docs: readonly Document.Parsed[]): Set<string> {
  const seen = new Set<string>();
  const shared = new Set<string>();
  for (const doc of docs) {
    if (doc.errors.length > 0 || !isMap(doc.contents)) continue;
    const key = identity(doc.contents);
    if (seen.has(key)) shared.add(key);
    seen.add(key);
  }
  return shared;
}

/** Drop our index and the tool annotations run() adds for kpt (path/index of new files): a stream has no files. What a
 * document came in with stays. */
function cleanAnnotations(node: YAMLMap, original: Original | undefined): void {
  const annotations = annotationsOf(node);
  if (!annotations) return;
  for (const pair of [...annotations.items]) {
    const key = String(isScalar(pair.key) ? pair.key.value : pair.key);
    if (key === STREAM_INDEX_ANNOTATION || (isToolAnnotation(key) && !original?.annotationKeys.has(key))) annotations.delete(key);
  }
  if (annotations.items.length === 0 && !original?.hadAnnotations) {
    (node.get('metadata', true) as unknown as YAMLMap).delete('annotations');
  }
}

/** Never emit local-config objects (the config, a Kptfile, anything marked) : they are not meant for a cluster. */
function emittable(node: YAMLMap): boolean {
  const apiVersion = String(node.get('apiVersion') ?? '');
  const kind = String(node.get('kind') ?? '');
  if (apiVersion.startsWith(CONFIG_API_GROUP)) return false;
  if (kind === 'Kptfile' && apiVersion.startsWith('kpt.dev/')) return false;
  const local = annotationsOf(node)?.get(LOCAL_CONFIG_ANNOTATION);
  return String(local).toLowerCase() !== 'true';
}

function internalError(err: unknown, options: { debug?: boolean }): RunOutput {
  const detail = options.debug && err instanceof Error ? `\n${err.stack}` : '';
  return {
    stdout: '',
    stderr: `pd-disagg: internal error: ${(err as Error)?.message ?? String(err)}; please report it with the input (set PD_DISAGG_DEBUG=1 for a stack trace)${detail}\n`,
    exitCode: 2,
  };
}
