// Build a ResourceList from a directory of manifests the way kpt does (path/index annotations on every item, the
// config file as functionConfig), for the demo and the tests.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments, Document } from 'yaml';

function yamlFiles(dir, root = dir) {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) return name.startsWith('.') ? [] : yamlFiles(full, root);
      return name === 'Kptfile' || /\.ya?ml$/.test(name) ? [full] : [];
    });
}

export function resourceListFromDir(dir, { configFile } = {}) {
  const items = [];
  let functionConfig;
  for (const file of yamlFiles(dir)) {
    const path = relative(dir, file);
    parseAllDocuments(readFileSync(file, 'utf8')).forEach((doc, index) => {
      if (doc.contents === null) return;
      for (const [k, v] of [
        ['config.kubernetes.io/path', path],
        ['config.kubernetes.io/index', String(index)],
        ['internal.config.kubernetes.io/path', path],
        ['internal.config.kubernetes.io/index', String(index)],
      ]) doc.setIn(['metadata', 'annotations', k], v);
      items.push(doc.contents);
      if (configFile && path === configFile) functionConfig = doc.contents;
    });
  }
  const rl = new Document({ apiVersion: 'config.kubernetes.io/v1', kind: 'ResourceList', items: [] });
  rl.set('items', rl.createNode(items));
  if (functionConfig) rl.set('functionConfig', functionConfig);
  return rl.toString({ lineWidth: 0 });
}
