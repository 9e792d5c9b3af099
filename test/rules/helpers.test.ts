// The pod-level readers the pair rules share: Kubernetes resource quantities (the shm and memory-limit comparison) and
// which mount of the engine container holds a path (the /dev/shm rules).
import { describe, expect, it } from 'vitest';
import { mountAt, normaliseConnector, parseQuantity } from '../../src/validate/rules/helpers.js';
import { edit, llmdDecode, llmdPrefill, pair } from './shapes.js';

describe('parseQuantity: a Kubernetes quantity in bytes', () => {
  it.each([
    ['20Gi', 20 * 2 ** 30],
    ['512Mi', 512 * 2 ** 20],
    ['1Ki', 1024],
    ['2Ti', 2 * 2 ** 40],
    ['1Pi', 2 ** 50],
    ['1Ei', 2 ** 60],
    ['5k', 5000],
    ['16G', 16e9],
    ['3M', 3e6],
    ['2T', 2e12],
    ['1P', 1e15],
    ['1E', 1e18],
    ['100m', 0.1],
    ['1.5e9', 1.5e9],
    ['2E3', 2000],
    ['1e-3', 0.001],
    ['+1Ki', 1024],
    ['-1Ki', -1024],
    ['.5Gi', 2 ** 29],
    ['1.Gi', 2 ** 30],
    ['  2Gi ', 2 * 2 ** 30],
    ['17179869184', 17179869184],
    [1073741824, 1073741824],
    [0, 0],
  ] as const)('%j is %d', (text, bytes) => {
    expect(parseQuantity(text)).toBe(bytes);
  });

  it.each([['5K'], ['1GB'], ['10 Gi'], ['Gi'], ['1e'], ['1.2.3'], ['0x10'], ['1Gi2'], ['x1Gi'], [''], [Number.POSITIVE_INFINITY], [Number.NaN], [null], [undefined], [{}]] as const)(
    '%j is no quantity',
    (text) => {
      expect(parseQuantity(text)).toBeUndefined();
    },
  );
});

describe('normaliseConnector', () => {
  it('NixlConnector is NixlPullConnector; other names stay; no name is none', () => {
    expect(normaliseConnector('NixlConnector')).toBe('NixlPullConnector');
    expect(normaliseConnector('NixlPushConnector')).toBe('NixlPushConnector');
    expect(normaliseConnector('')).toBeUndefined();
    expect(normaliseConnector(7)).toBeUndefined();
  });
});

describe('mountAt: the deepest mount of the engine container at or above a path', () => {
  const withMounts = (mounts: unknown[], volumes: unknown[] = [{ name: 'dshm', emptyDir: { medium: 'Memory' } }]) =>
    pair(llmdPrefill(), edit(llmdDecode(), (s) => ((s.engine.volumeMounts = mounts), (s.volumes = volumes as never)))).decode;

  it('takes the mount at the path itself, trailing slashes or not, with the pod volume behind it', () => {
    const side = withMounts([{ name: 'cache', mountPath: '/root/.cache' }, { name: 'dshm', mountPath: '/dev/shm/' }]);
    expect(mountAt(side, '/dev/shm')).toEqual({ mount: { name: 'dshm', mountPath: '/dev/shm/' }, index: 1, volume: { name: 'dshm', emptyDir: { medium: 'Memory' } }, volumeIndex: 0 });
    expect(mountAt(side, '/dev/shm//')?.index).toBe(1);
  });

  it('prefers the deepest of several mounts above the path, and / covers everything', () => {
    const side = withMounts([{ name: 'root', mountPath: '/' }, { name: 'dev', mountPath: '/dev' }, { name: 'other', mountPath: '/dev/sh' }]);
    expect(mountAt(side, '/dev/null')?.mount.name).toBe('dev');
    expect(mountAt(side, '/etc/x')?.mount.name).toBe('root');
    expect(mountAt(side, '/')?.mount.name).toBe('root');
    // a mount whose path only starts with the same letters does not hold the path
    expect(mountAt(side, '/dev/shx')?.mount.name).toBe('dev');
    expect(mountAt(withMounts([{ name: 'other', mountPath: '/dev/sh' }]), '/dev/shx')).toBeUndefined();
  });

  it('a mount naming a volume the pod does not define has volumeIndex -1 and no volume; entries without a mountPath are skipped', () => {
    const side = withMounts(['not a mount', { name: 'nameless' }, { name: 'ghost', mountPath: '/dev/shm' }], [{ name: 'dshm', emptyDir: {} }]);
    expect(mountAt(side, '/dev/shm')).toEqual({ mount: { name: 'ghost', mountPath: '/dev/shm' }, index: 2, volumeIndex: -1 });
  });
});
