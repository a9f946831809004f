#!/usr/bin/env node
/* global structuredClone */
// A small kustomize for the subset deploy/k8s uses, so that the manifests can be rendered
// and checked where neither `kustomize` nor `kubectl` is installed:
//   resources (files and folders with a kustomization.yaml), namespace, images (newName,
//   newTag, digest), patches (JSON 6902, inline, with a kind/name target),
//   configMapGenerator (files, literals) with generatorOptions (disableNameSuffixHash: true, labels).
// Anything else in a kustomization.yaml is an error, never silently ignored. Where kubectl or
// kustomize is present, tools/deploy.test.mjs checks that this renders the same objects.
//   node deploy/tools/kustomize-lite.mjs deploy/k8s/overlays/prod > prod.yaml
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, stringify } from 'yaml';

const supported = new Set(['apiVersion', 'kind', 'resources', 'namespace', 'images', 'patches', 'configMapGenerator', 'generatorOptions']);
/** Kinds without a namespace that kustomize leaves alone (the ones a downscale overlay could hold). */
const clusterScoped = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'PersistentVolume', 'StorageClass', 'PriorityClass', 'IngressClass']);

/** Parses a multi-document YAML text into plain objects (empty documents dropped). */
export function parseYamlDocuments(text, source = 'input') {
  return parseAllDocuments(text).flatMap((doc) => {
    if (doc.errors.length) throw new Error(`${source}: ${doc.errors[0].message}`);
    const value = doc.toJS();
    return value == null ? [] : [value];
  });
}

function kustomizationFile(dir) {
  for (const name of ['kustomization.yaml', 'kustomization.yml', 'Kustomization']) {
    if (existsSync(join(dir, name))) return join(dir, name);
  }
  throw new Error(`${dir}: no kustomization.yaml`);
}

function unescapePointer(token) {
  return token.replaceAll('~1', '/').replaceAll('~0', '~');
}

/** Applies RFC 6902 operations (add, remove, replace, test) to a copy of `doc`. */
export function applyJsonPatch(doc, operations, where = 'patch') {
  const result = structuredClone(doc);
  for (const op of operations) {
    const tokens = op.path.split('/').slice(1).map(unescapePointer);
    const last = tokens.pop();
    let parent = result;
    for (const token of tokens) {
      if (parent == null || typeof parent !== 'object' || !(token in parent)) throw new Error(`${where}: ${op.op} ${op.path}: no such path`);
      parent = parent[token];
    }
    const isArray = Array.isArray(parent);
    const index = isArray ? (last === '-' ? parent.length : Number(last)) : undefined;
    if (isArray && !(Number.isInteger(index) && index >= 0 && index <= parent.length)) throw new Error(`${where}: ${op.op} ${op.path}: bad index`);
    switch (op.op) {
      case 'add':
        if (isArray) parent.splice(index, 0, structuredClone(op.value));
        else parent[last] = structuredClone(op.value);
        break;
      case 'remove':
      case 'replace':
        if (isArray ? index >= parent.length : !(last in parent)) throw new Error(`${where}: ${op.op} ${op.path}: no such path`);
        if (op.op === 'remove') {
          if (isArray) parent.splice(index, 1);
          else delete parent[last];
        } else if (isArray) parent[index] = structuredClone(op.value);
        else parent[last] = structuredClone(op.value);
        break;
      case 'test':
        if (JSON.stringify(isArray ? parent[index] : parent[last]) !== JSON.stringify(op.value)) throw new Error(`${where}: test ${op.path} failed`);
        break;
      default:
        throw new Error(`${where}: unsupported operation ${op.op}`);
    }
  }
  return result;
}

function splitImage(image) {
  const at = image.indexOf('@');
  if (at >= 0) return { name: image.slice(0, at), tag: image.slice(at) };
  const colon = image.lastIndexOf(':');
  if (colon > image.lastIndexOf('/')) return { name: image.slice(0, colon), tag: image.slice(colon) };
  return { name: image, tag: '' };
}

function setImages(object, images) {
  const visit = (node, key) => {
    if (Array.isArray(node)) {
      for (const item of node) {
        if ((key === 'containers' || key === 'initContainers') && item && typeof item.image === 'string') {
          const { name, tag } = splitImage(item.image);
          const rule = images.find((i) => i.name === name);
          if (rule) {
            const newTag = rule.digest ? `@${rule.digest}` : rule.newTag !== undefined ? `:${rule.newTag}` : tag;
            item.image = `${rule.newName ?? name}${newTag}`;
          }
        }
        visit(item, undefined);
      }
    } else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) visit(v, k);
    }
  };
  visit(object, undefined);
}

function generateConfigMaps(dir, k) {
  const options = k.generatorOptions ?? {};
  for (const key of Object.keys(options)) {
    if (!['disableNameSuffixHash', 'labels'].includes(key)) throw new Error(`${dir}: generatorOptions.${key} is not supported`);
  }
  if ((k.configMapGenerator ?? []).length && options.disableNameSuffixHash !== true) {
    throw new Error(`${dir}: configMapGenerator needs generatorOptions.disableNameSuffixHash: true (name hashes are not implemented)`);
  }
  return (k.configMapGenerator ?? []).map((g) => {
    for (const key of Object.keys(g)) {
      if (!['name', 'files', 'literals'].includes(key)) throw new Error(`${dir}: configMapGenerator.${key} is not supported`);
    }
    const data = {};
    for (const literal of g.literals ?? []) {
      const eq = literal.indexOf('=');
      data[literal.slice(0, eq)] = literal.slice(eq + 1);
    }
    for (const file of g.files ?? []) {
      const [key, path] = file.includes('=') ? file.split('=', 2) : [basename(file), file];
      data[key] = readFileSync(join(dir, path), 'utf8');
    }
    const metadata = { name: g.name, ...(options.labels ? { labels: { ...options.labels } } : {}) };
    return { apiVersion: 'v1', kind: 'ConfigMap', metadata, data };
  });
}

function matches(target, object) {
  for (const key of Object.keys(target)) {
    if (!['kind', 'name', 'group', 'version'].includes(key)) throw new Error(`patch target field ${key} is not supported`);
  }
  const [group, version] = object.apiVersion.includes('/') ? object.apiVersion.split('/') : ['', object.apiVersion];
  return (
    (target.kind === undefined || target.kind === object.kind) &&
    (target.name === undefined || target.name === object.metadata?.name) &&
    (target.group === undefined || target.group === group) &&
    (target.version === undefined || target.version === version)
  );
}

/** Renders the kustomization in `dir` into a list of objects. */
export function build(dir) {
  dir = resolve(dir);
  const file = kustomizationFile(dir);
  const [k] = parseYamlDocuments(readFileSync(file, 'utf8'), file);
  for (const key of Object.keys(k)) if (!supported.has(key)) throw new Error(`${file}: "${key}" is not supported by kustomize-lite`);
  let objects = [];
  for (const entry of k.resources ?? []) {
    const path = join(dir, entry);
    if (!existsSync(path)) throw new Error(`${file}: resource ${entry} does not exist`);
    objects.push(...(statSync(path).isDirectory() ? build(path) : parseYamlDocuments(readFileSync(path, 'utf8'), path)));
  }
  objects.push(...generateConfigMaps(dir, k));
  for (const patch of k.patches ?? []) {
    if (!patch.target || typeof patch.patch !== 'string' || patch.path) throw new Error(`${file}: only inline JSON 6902 patches with a target are supported`);
    const operations = parseYamlDocuments(patch.patch, `${file} patch`)[0];
    if (!Array.isArray(operations)) throw new Error(`${file}: patch for ${JSON.stringify(patch.target)} is not a JSON 6902 list`);
    let hits = 0;
    objects = objects.map((o) => (matches(patch.target, o) ? (hits++, applyJsonPatch(o, operations, `${file} ${o.kind}/${o.metadata.name}`)) : o));
    if (hits === 0) throw new Error(`${file}: patch target ${JSON.stringify(patch.target)} matches nothing`);
  }
  if (k.images) for (const o of objects) setImages(o, k.images);
  if (k.namespace) {
    for (const o of objects) if (!clusterScoped.has(o.kind)) o.metadata = { ...o.metadata, namespace: k.namespace };
  }
  const seen = new Set();
  for (const o of objects) {
    const id = `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
    if (seen.has(id)) throw new Error(`${file}: ${id} is defined twice`);
    seen.add(id);
  }
  return objects;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: kustomize-lite.mjs DIR');
    process.exit(2);
  }
  process.stdout.write(build(dir).map((o) => stringify(o)).join('---\n'));
}
