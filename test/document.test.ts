// The ResourceList document (src/read/document.ts): the pipeline's edits land where they belong, list changes are made
// in one pass when it is written, and an edit the plain view already satisfies composes nothing.
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { readDocument } from '../src/read/document.js';
import { writeDocument } from '../src/write/write.js';

const text = `apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: a # first
  data:
    k: v
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: b
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: c
`;

const cm = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { generated: 'yes' } });
const names = (out: string) => (parse(out).items as { metadata: { name: string } }[]).map((i) => i.metadata.name);

describe('ResourceListDocument', () => {
  it('adds before an item and at the end, replaces and removes, in one pass when written', () => {
    const doc = readDocument(text);
    const [a, b, c] = doc.items;
    doc.add(cm('before-c'), c);
    doc.add(cm('end-1'));
    doc.remove(a!);
    doc.replace(b!, cm('b'));
    doc.add(cm('before-a'), a); // before an item that goes: still placed where that item was
    doc.add(cm('end-2'));
    // nothing moved while the pipeline runs: every item is where it was read
    expect(doc.items.map((i) => i.ref.name)).toEqual(['a', 'b', 'c']);
    const out = writeDocument(doc, []);
    expect(names(out)).toEqual(['before-a', 'b', 'before-c', 'c', 'end-1', 'end-2']);
    expect(parse(out).items[1].data).toEqual({ generated: 'yes' });
    expect(() => doc.add(cm('late'))).toThrow(/after it was written/);
  });

  it('edits an item in place, keeping what is around the edit', () => {
    const doc = readDocument(text);
    const a = doc.items[0]!;
    expect(doc.ensure(a, ['data', 'k'], 'other')).toBe(false); // the user's value stays
    expect(doc.ensure(a, ['data', 'n'], 'new')).toBe(true);
    expect(doc.append(a, ['data', 'list'], 'x')).toBeUndefined();
    expect(doc.append(a, ['data', 'k'], 'x')).toBe('it is not a list');
    expect(doc.ensure(a, ['data', 'k', 'deeper'], 1)).toBe('a parent of it is not a mapping or a list');
    doc.delete(a, ['data', 'k']);
    const out = writeDocument(doc, []);
    expect(out).toContain('name: a # first');
    expect(parse(out).items[0].data).toEqual({ n: 'new', list: ['x'] });
    expect(names(out)).toEqual(['a', 'b', 'c']);
  });

  it('an ensure the item as read already satisfies composes nothing and changes nothing', () => {
    const doc = readDocument(text);
    expect(doc.ensure(doc.items[0]!, ['metadata', 'name'], 'other')).toBe(false);
    // no item was composed into nodes to find that out (all three are still read as text only)
    expect(doc.written().unread.size).toBe(3);
    expect(writeDocument(doc, [])).toBe(text);
  });

  it('refuses to write an empty items list', () => {
    const doc = readDocument(text);
    for (const item of doc.items) doc.remove(item);
    expect(() => writeDocument(doc, [])).toThrow(/empty items list/);
  });
});
