// The dependency rules of the workspace, checked on every workspace's package.json: arrows
// point from apps to libs, and the pure science libs stay free of service infrastructure.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';

const root = resolve(import.meta.dirname, '..');
const projects = ['apps', 'libs'].flatMap((group) =>
  readdirSync(join(root, group)).map((name) => {
    const manifest = JSON.parse(readFileSync(join(root, group, name, 'package.json'), 'utf8'));
    const deps = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies });
    return { group, name: manifest.name, tags: manifest.nx?.tags ?? [], deps };
  }),
);
const appNames = new Set(projects.filter((p) => p.group === 'apps').map((p) => p.name));
const infrastructure = /^(@nestjs\/|@nats-io\/|typeorm$|pg$|better-sqlite3$|next$)/;

describe('workspace architecture', () => {
  it('tags every project with its type', () => {
    for (const p of projects) assert.ok(p.tags.some((t) => t.startsWith('type:')), `${p.name} has no type: tag`);
  });

  it('no library depends on an app', () => {
    for (const lib of projects.filter((p) => p.group === 'libs')) {
      assert.deepEqual(lib.deps.filter((d) => appNames.has(d)), [], `${lib.name} depends on an app`);
    }
  });

  it('no library source imports an app or reaches outside its own folder', () => {
    const sources = (dir) =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? sources(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
      );
    for (const lib of projects.filter((p) => p.group === 'libs')) {
      const src = join(root, 'libs', lib.name.split('/')[1], 'src');
      for (const file of sources(src)) {
        const imports = [...readFileSync(file, 'utf8').matchAll(/from\s+'([^']+)'/g)].map((m) => m[1]);
        for (const target of imports) {
          assert.ok(!appNames.has(target), `${file} imports the app ${target}`);
          assert.ok(!target.startsWith('../../'), `${file} reaches outside its library: ${target}`);
        }
      }
    }
  });

  it('science and contract libraries import no Nest, NATS, database or web framework', () => {
    for (const lib of projects.filter((p) => p.tags.includes('type:science') || p.tags.includes('type:contracts'))) {
      assert.deepEqual(lib.deps.filter((d) => infrastructure.test(d)), [], `${lib.name} depends on infrastructure`);
    }
  });
});
