// deploy/: renders every kustomize overlay, validates each object against the Kubernetes
// schemas (kubernetes-models, offline), and checks the invariants of the deployment: probes,
// requests, non-root containers, GPUs for prod trainers, KEDA on the trainers' durable,
// Secrets referenced and never inlined, network policies, and that the manifests agree with
// the code (settings, health paths, stream and durable names, NATS permissions).
//
// Rendering uses `kustomize build` or `kubectl kustomize` when one is installed, and
// deploy/tools/kustomize-lite.mjs otherwise; when a real kustomize is there, the two must
// render the same objects. With a local nats-server, the NATS configuration is checked by the
// server itself, and each service's NATS user is tried against a real JetStream server.
/* global structuredClone */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { build as buildLite, applyJsonPatch, parseYamlDocuments } from '../deploy/tools/kustomize-lite.mjs';
import { renderAccounts, accountsFile, permissionsOf, passwordVariables, services as natsServices, readers as natsReaders, account } from '../deploy/tools/nats-accounts.mjs';

const root = resolve(import.meta.dirname, '..');
const k8s = join(root, 'deploy/k8s');
const overlayNames = ['dev', 'prod'];
const namespaces = { dev: 'downscale-dev', prod: 'downscale' };
const serviceNames = ['corpus', 'trainer', 'evaluator', 'scaling'];
/** Every Secret the manifests may reference, each documented in deploy/README.md. */
const knownSecrets = ['downscale-database', 'downscale-database-owner', 'downscale-nats', 'downscale-oauth2-proxy', 'downscale-postgres', 'downscale-dashboard-tls', 'downscale-dashboard-users', 'downscale-dashboard-oidc'];
const deployReadme = readFileSync(join(root, 'deploy/README.md'), 'utf8');

function which(command) {
  const result = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/** The real kustomize, if any: a standalone `kustomize` or the one built into kubectl. */
function realKustomize() {
  if (which('kustomize')) return { name: 'kustomize build', run: (dir) => spawnSync('kustomize', ['build', dir], { encoding: 'utf8' }) };
  if (which('kubectl')) return { name: 'kubectl kustomize', run: (dir) => spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8' }) };
  return undefined;
}

function renderReal(tool, dir) {
  const result = tool.run(dir);
  assert.equal(result.status, 0, `${tool.name} ${dir} failed:\n${result.stderr}`);
  return parseYamlDocuments(result.stdout, `${tool.name} ${dir}`);
}

const idOf = (o) => `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
const tool = realKustomize();
const rendered = {};
for (const name of overlayNames) {
  const dir = join(k8s, 'overlays', name);
  rendered[name] = tool ? renderReal(tool, dir) : buildLite(dir);
}

const ofKind = (objects, kind) => objects.filter((o) => o.kind === kind);
const find = (objects, kind, name) => objects.find((o) => o.kind === kind && o.metadata.name === name);
const workloads = (objects) => objects.filter((o) => ['Deployment', 'StatefulSet', 'Job'].includes(o.kind));
const podSpec = (w) => w.spec.template.spec;
const allContainers = (w) => [...(podSpec(w).initContainers ?? []), ...podSpec(w).containers];
const matchesSelector = (labels, selector) => Object.entries(selector ?? {}).every(([k, v]) => labels?.[k] === v);
/** Source files of a folder, recursively, without tests. */
function sources(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.ts$/.test(name) && !/\.test\.ts$/.test(name) ? [path] : [];
  });
}

/** The kubernetes-models class that validates `apiVersion`/`kind` (KEDA from @kubernetes-models/keda). */
async function schemaModel(apiVersion, kind) {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : [undefined, apiVersion];
  const module =
    group === 'keda.sh'
      ? `@kubernetes-models/keda/keda.sh/${version}/${kind}`
      : group
        ? `kubernetes-models/${group}/${version}/${kind}`
        : `kubernetes-models/${version}/${kind}`;
  return (await import(module))[kind];
}

describe('deploy: rendering', () => {
  it(`renders every overlay (${tool ? tool.name : 'kustomize-lite: no kustomize or kubectl installed'})`, () => {
    for (const name of overlayNames) {
      assert.ok(rendered[name].length > 20, `${name} renders ${rendered[name].length} objects`);
      const ids = rendered[name].map(idOf);
      assert.equal(new Set(ids).size, ids.length, `${name}: an object is defined twice`);
    }
  });

  it('kustomize-lite renders the same objects as the real kustomize', { skip: tool ? false : 'no kustomize or kubectl installed' }, () => {
    for (const dir of ['base', 'overlays/dev', 'overlays/prod']) {
      const real = new Map(renderReal(tool, join(k8s, dir)).map((o) => [idOf(o), o]));
      const lite = new Map(buildLite(join(k8s, dir)).map((o) => [idOf(o), o]));
      assert.deepEqual([...lite.keys()].sort(), [...real.keys()].sort(), `${dir}: the same objects`);
      for (const [id, object] of real) assert.ok(isDeepStrictEqual(lite.get(id), object), `${dir}: ${id} differs`);
    }
  });

  it('kustomize-lite applies JSON patches and refuses what it does not implement', () => {
    const doc = { a: { b: [1, 2], 'c/d': 1 } };
    assert.deepEqual(
      applyJsonPatch(doc, [
        { op: 'add', path: '/a/b/-', value: 3 },
        { op: 'replace', path: '/a/c~1d', value: 2 },
        { op: 'remove', path: '/a/b/0' },
        { op: 'add', path: '/e', value: { f: true } },
      ]),
      { a: { b: [2, 3], 'c/d': 2 }, e: { f: true } },
    );
    assert.deepEqual(doc, { a: { b: [1, 2], 'c/d': 1 } }, 'the input is left as it was');
    assert.throws(() => applyJsonPatch(doc, [{ op: 'replace', path: '/a/x', value: 1 }]), /no such path/);
    assert.throws(() => applyJsonPatch(doc, [{ op: 'move', from: '/a', path: '/b' }]), /unsupported operation/);
    const dir = mkdtempSync(join(tmpdir(), 'kustomize-lite-'));
    try {
      writeFileSync(join(dir, 'kustomization.yaml'), 'resources: []\ncommonLabels: { a: b }\n');
      assert.throws(() => buildLite(dir), /"commonLabels" is not supported/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('deploy: Kubernetes schemas', () => {
  for (const name of overlayNames) {
    it(`${name}: every object is valid against its Kubernetes (or KEDA) schema`, async () => {
      for (const object of rendered[name]) {
        const Model = await schemaModel(object.apiVersion, object.kind).catch(() => undefined);
        assert.ok(Model, `${name}: no schema for ${object.apiVersion} ${object.kind}`);
        assert.doesNotThrow(() => new Model(object).validate(), `${name}: ${idOf(object)} is not valid`);
      }
    });
  }

  it('the schema check catches a broken object', async () => {
    const Deployment = await schemaModel('apps/v1', 'Deployment');
    const broken = structuredClone(find(rendered.prod, 'Deployment', 'corpus'));
    broken.spec.template.spec.containers[0].ports[0].containerPort = '8080';
    assert.throws(() => new Deployment(broken).validate(), /containerPort must be integer/);
    delete broken.spec.selector;
    assert.throws(() => new Deployment(broken).validate(), /selector/);
  });
});

describe('deploy: invariants', () => {
  for (const name of overlayNames) {
    const objects = rendered[name];

    it(`${name}: every object is in the ${namespaces[name]} namespace`, () => {
      for (const o of objects) assert.equal(o.metadata.namespace, namespaces[name], idOf(o));
    });

    it(`${name}: every Deployment and StatefulSet has readiness and liveness probes, resource requests and a memory limit`, () => {
      for (const w of objects.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet')) {
        for (const c of podSpec(w).containers) {
          const where = `${w.kind} ${w.metadata.name}, container ${c.name}`;
          assert.ok(c.readinessProbe, `${where}: no readinessProbe`);
          assert.ok(c.livenessProbe, `${where}: no livenessProbe`);
          assert.ok(c.resources?.requests?.cpu && c.resources?.requests?.memory, `${where}: no cpu and memory requests`);
          assert.ok(c.resources?.limits?.memory, `${where}: no memory limit`);
        }
      }
    });

    it(`${name}: no container runs as root or can gain privileges`, () => {
      for (const w of workloads(objects)) {
        const pod = podSpec(w);
        assert.equal(pod.securityContext?.runAsNonRoot, true, `${w.kind} ${w.metadata.name}: runAsNonRoot`);
        assert.ok(!pod.hostNetwork && !pod.hostPID && !pod.hostIPC, `${w.kind} ${w.metadata.name}: host namespaces`);
        for (const c of allContainers(w)) {
          const where = `${w.kind} ${w.metadata.name}, container ${c.name}`;
          const user = c.securityContext?.runAsUser ?? pod.securityContext?.runAsUser;
          assert.ok(Number.isInteger(user) && user > 0, `${where}: runs as a numeric non-root user (got ${user})`);
          assert.notEqual(c.securityContext?.runAsNonRoot, false, `${where}: runAsNonRoot is turned off`);
          assert.equal(c.securityContext?.allowPrivilegeEscalation, false, `${where}: allowPrivilegeEscalation`);
          assert.notEqual(c.securityContext?.privileged, true, `${where}: privileged`);
          assert.deepEqual(c.securityContext?.capabilities?.drop, ['ALL'], `${where}: drops all capabilities`);
          assert.equal(c.securityContext?.readOnlyRootFilesystem, true, `${where}: read-only root filesystem`);
          assert.ok(!c.securityContext?.capabilities?.add?.length, `${where}: adds capabilities`);
        }
      }
    });

    it(`${name}: every Deployment has a PodDisruptionBudget that selects its pods`, () => {
      const pdbs = ofKind(objects, 'PodDisruptionBudget');
      for (const d of ofKind(objects, 'Deployment')) {
        const labels = d.spec.template.metadata.labels;
        assert.ok(
          pdbs.some((p) => matchesSelector(labels, p.spec.selector.matchLabels)),
          `Deployment ${d.metadata.name} has no PodDisruptionBudget`,
        );
      }
      for (const p of pdbs) {
        assert.ok(p.spec.maxUnavailable !== undefined || p.spec.minAvailable !== undefined, `PDB ${p.metadata.name} limits nothing`);
        assert.ok(
          workloads(objects).some((w) => matchesSelector(w.spec.template.metadata.labels, p.spec.selector.matchLabels)),
          `PDB ${p.metadata.name} selects no pods`,
        );
      }
    });

    it(`${name}: no Secret is inlined; every Secret referenced is one deploy/README.md documents`, () => {
      assert.deepEqual(ofKind(objects, 'Secret').map(idOf), [], 'Secrets are created by operators, never rendered');
      const referenced = new Set();
      for (const w of workloads(objects)) {
        for (const c of allContainers(w)) {
          for (const e of c.env ?? []) {
            if (e.valueFrom?.secretKeyRef) referenced.add(e.valueFrom.secretKeyRef.name);
            if (e.value !== undefined) {
              assert.ok(!/PASSWORD|SECRET|TOKEN|CREDENTIAL|_KEY$/i.test(e.name), `${w.metadata.name}: ${e.name} has a literal value`);
              assert.ok(!/:\/\/[^/\s@]+:[^/\s@]+@/.test(e.value), `${w.metadata.name}: ${e.name} holds credentials in a URL`);
            }
          }
          for (const f of c.envFrom ?? []) if (f.secretRef) referenced.add(f.secretRef.name);
        }
        for (const v of podSpec(w).volumes ?? []) if (v.secret) referenced.add(v.secret.secretName);
      }
      for (const i of ofKind(objects, 'Ingress')) for (const t of i.spec.tls ?? []) referenced.add(t.secretName);
      for (const s of referenced) {
        assert.ok(knownSecrets.includes(s), `unknown Secret ${s}`);
        assert.ok(deployReadme.includes(s), `deploy/README.md does not say how to create the Secret ${s}`);
      }
      for (const c of ofKind(objects, 'ConfigMap')) {
        for (const [key, value] of Object.entries(c.data ?? {})) {
          assert.ok(!/:\/\/[^/\s@"]+:[^/\s@"]+@/.test(value), `ConfigMap ${c.metadata.name} ${key} holds credentials in a URL`);
          assert.ok(!/^\s*password\s*:\s*[^$\s]/im.test(value), `ConfigMap ${c.metadata.name} ${key} holds a literal password`);
        }
      }
    });

    it(`${name}: the services get NATS, the database and their settings; corpus, trainer and evaluator share the artifact volume`, () => {
      const pvc = find(objects, 'PersistentVolumeClaim', 'downscale-artifacts');
      assert.ok(pvc, 'the artifact volume claim');
      for (const service of serviceNames) {
        const d = find(objects, 'Deployment', service);
        assert.ok(d, `Deployment ${service}`);
        const c = podSpec(d).containers[0];
        assert.ok(c.envFrom?.some((f) => f.configMapRef?.name === 'downscale-config'), `${service} reads downscale-config`);
        const db = c.env.find((e) => e.name === 'DATABASE_URL');
        assert.deepEqual(db?.valueFrom?.secretKeyRef, { name: 'downscale-database', key: 'url' }, `${service}: DATABASE_URL from its Secret`);
        const labels = d.spec.template.metadata.labels;
        assert.equal(labels['downscale.io/nats-client'], 'true', `${service} may reach NATS`);
        assert.equal(labels['downscale.io/database-client'], 'true', `${service} may reach the database`);
        assert.deepEqual(c.ports, [{ name: 'http', containerPort: 8080 }], `${service} serves HTTP on 8080`);
        assert.equal(c.readinessProbe.httpGet.path, '/health');
        assert.equal(c.livenessProbe.httpGet.path, '/health/live');
        const mountsArtifacts = (c.volumeMounts ?? []).some((m) => m.mountPath === '/artifacts');
        const claims = (podSpec(d).volumes ?? []).some((v) => v.persistentVolumeClaim?.claimName === 'downscale-artifacts');
        if (service !== 'scaling') assert.ok(mountsArtifacts && claims, `${service} mounts the artifact volume at /artifacts`);
        const svc = find(objects, 'Service', service);
        assert.ok(svc && matchesSelector(labels, svc.spec.selector), `Service ${service} selects its pods`);
      }
      const config = find(objects, 'ConfigMap', 'downscale-config').data;
      assert.equal(config.HTTP_PORT, '8080');
      assert.equal(config.ARTIFACT_ROOT, '/artifacts');
      assert.match(config.NATS_URL, /^nats:\/\/nats:4222$/);
      const urls = JSON.parse(config.DOWNSCALE_SERVICE_URLS);
      assert.deepEqual(Object.keys(urls).sort(), [...serviceNames].sort());
      for (const [service, url] of Object.entries(urls)) assert.equal(url, `http://${service}:8080`);
    });

    it(`${name}: the migrations Job runs \`downscale migrate\` as the schema's owner and grants the services' role row access only`, () => {
      const job = find(objects, 'Job', 'downscale-migrate');
      assert.ok(job, 'the migrations Job');
      const c = podSpec(job).containers[0];
      assert.match(c.image, /\/?cli[:@]/);
      assert.deepEqual(c.args, ['migrate']);
      assert.deepEqual(c.env.find((e) => e.name === 'DATABASE_URL')?.valueFrom?.secretKeyRef, { name: 'downscale-database-owner', key: 'url' });
      assert.equal(c.env.find((e) => e.name === 'DOWNSCALE_SERVICE_ROLE')?.value, 'downscale_app');
      assert.equal(job.spec.template.metadata.labels['downscale.io/database-client'], 'true');
    });

    it(`${name}: NATS is a three-server JetStream cluster with its config and passwords from the Secret`, () => {
      const nats = find(objects, 'StatefulSet', 'nats');
      assert.equal(nats.spec.replicas, 3);
      assert.equal(nats.spec.serviceName, 'nats-headless');
      assert.ok(nats.spec.volumeClaimTemplates.some((t) => t.metadata.name === 'data'), 'a volume per server');
      const env = podSpec(nats).containers[0].env;
      for (const variable of passwordVariables) {
        const key = variable.replace(/^NATS_/, '').replace(/_PASSWORD$/, '').toLowerCase();
        assert.deepEqual(env.find((e) => e.name === variable)?.valueFrom?.secretKeyRef, { name: 'downscale-nats', key }, variable);
      }
      const config = find(objects, 'ConfigMap', 'nats-config').data;
      assert.equal(config['accounts.conf'], readFileSync(accountsFile, 'utf8'));
      assert.match(config['nats.conf'], /include \.\/accounts\.conf/);
      const pdb = find(objects, 'PodDisruptionBudget', 'nats');
      assert.equal(pdb.spec.maxUnavailable, 1, 'two of three servers keep the quorum');
    });

    it(`${name}: network policies deny by default; only services reach NATS, only database clients the database, only the ingress the dashboard`, () => {
      const policies = ofKind(objects, 'NetworkPolicy');
      assert.ok(
        policies.some((p) => isDeepStrictEqual(p.spec.podSelector, {}) && p.spec.policyTypes.includes('Ingress') && !p.spec.ingress),
        'a default-deny ingress policy',
      );
      const policyFor = (app) => policies.find((p) => p.spec.podSelector.matchLabels?.['app.kubernetes.io/name'] === app);
      const sourcesOf = (policy, port) => policy.spec.ingress.filter((r) => r.ports.some((p) => p.port === port)).flatMap((r) => r.from);
      const podsWith = (selector) =>
        workloads(objects).filter((w) => matchesSelector(w.spec.template.metadata.labels, selector)).map((w) => w.metadata.name).sort();

      const natsClients = sourcesOf(policyFor('nats'), 4222);
      assert.deepEqual(natsClients, [{ podSelector: { matchLabels: { 'downscale.io/nats-client': 'true' } } }]);
      assert.deepEqual(podsWith(natsClients[0].podSelector.matchLabels), [...serviceNames, 'dashboard'].sort(), 'only the services and the dashboard are NATS clients');

      const dashboardFrom = sourcesOf(policyFor('dashboard'), 3000);
      assert.deepEqual(dashboardFrom, [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }]);

      const postgres = find(objects, 'StatefulSet', 'postgres');
      if (name === 'dev') {
        assert.ok(postgres, 'dev runs PostgreSQL in the cluster');
        const dbClients = sourcesOf(policyFor('postgres'), 5432);
        assert.deepEqual(dbClients, [{ podSelector: { matchLabels: { 'downscale.io/database-client': 'true' } } }]);
        assert.deepEqual(podsWith(dbClients[0].podSelector.matchLabels), ['corpus', 'dashboard', 'downscale-migrate', 'evaluator', 'scaling', 'trainer']);
      } else {
        assert.equal(postgres, undefined, 'prod uses the managed database from the Secret');
      }
      // every pod that gets DATABASE_URL may reach the database
      for (const w of workloads(objects)) {
        if (allContainers(w).some((c) => (c.env ?? []).some((e) => e.name === 'DATABASE_URL'))) {
          assert.equal(w.spec.template.metadata.labels['downscale.io/database-client'], 'true', `${w.metadata.name} needs the database label`);
        }
      }
    });

    it(`${name}: the dashboard is behind an Ingress with TLS and sign-in`, () => {
      const ingress = find(objects, 'Ingress', 'dashboard');
      const hosts = ingress.spec.rules.map((r) => r.host);
      assert.ok(hosts.every((h) => ingress.spec.tls.some((t) => t.hosts.includes(h))), 'every host has TLS');
      assert.equal(ingress.metadata.annotations['nginx.ingress.kubernetes.io/force-ssl-redirect'], 'true');
      assert.match(ingress.metadata.annotations['nginx.ingress.kubernetes.io/auth-url'], /\/oauth2\/auth$/);
      assert.match(ingress.metadata.annotations['nginx.ingress.kubernetes.io/auth-signin'], /\/oauth2\/start/);
      assert.equal(ingress.spec.rules[0].http.paths[0].backend.service.name, 'dashboard');
      const oauth = find(objects, 'Ingress', 'dashboard-oauth2');
      assert.deepEqual(oauth.spec.rules.map((r) => r.host), hosts, 'sign-in on the same host');
      assert.ok(find(objects, 'Deployment', 'oauth2-proxy'), 'oauth2-proxy');
      const dashboard = podSpec(find(objects, 'Deployment', 'dashboard')).containers[0];
      assert.equal(dashboard.readinessProbe.httpGet.path, '/api/health');
      assert.equal(dashboard.livenessProbe.httpGet.path, '/api/health/live');
    });
  }

  it('prod: trainers request GPUs on GPU nodes, run the GPU image and are scaled by KEDA on the trainer-jobs consumer', () => {
    const objects = rendered.prod;
    const trainer = find(objects, 'Deployment', 'trainer');
    const pod = podSpec(trainer);
    const c = pod.containers[0];
    assert.ok(Number(c.resources.requests['nvidia.com/gpu']) >= 1, 'requests a GPU');
    assert.equal(c.resources.limits['nvidia.com/gpu'], c.resources.requests['nvidia.com/gpu'], 'GPU limit = request');
    assert.ok(Object.keys(pod.nodeSelector ?? {}).some((k) => k.startsWith('nvidia.com/')), 'a GPU node selector');
    assert.ok(pod.tolerations?.some((t) => t.key === 'nvidia.com/gpu'), 'tolerates the GPU taint');
    assert.match(c.image, /\/trainer-gpu:/);
    assert.equal(c.env.find((e) => e.name === 'DOWNSCALE_TF_BACKEND')?.value, 'tensorflow');
    assert.equal(trainer.spec.replicas, undefined, 'KEDA owns the replica count');

    const scaled = find(objects, 'ScaledObject', 'trainer');
    assert.equal(scaled.spec.scaleTargetRef.name, 'trainer');
    assert.ok(scaled.spec.minReplicaCount >= 1, 'at least one trainer: it also plans the runs');
    const trigger = scaled.spec.triggers[0];
    assert.equal(trigger.type, 'nats-jetstream');
    assert.equal(trigger.metadata.stream, 'JOBS');
    assert.equal(trigger.metadata.consumer, 'trainer-jobs');
    assert.equal(trigger.metadata.account, account);
    assert.equal(trigger.metadata.natsServerMonitoringEndpoint, `nats-headless.${namespaces.prod}.svc.cluster.local:8222`);
    assert.ok(objects.some((o) => o.kind === 'Service' && o.metadata.name === 'nats-headless' && o.spec.ports.some((p) => p.port === 8222)));

    const pvc = find(objects, 'PersistentVolumeClaim', 'downscale-artifacts');
    assert.deepEqual(pvc.spec.accessModes, ['ReadWriteMany'], 'trainers on many nodes share the artifacts');
    for (const service of ['corpus', 'evaluator', 'scaling', 'dashboard']) {
      assert.ok(find(objects, 'Deployment', service).spec.replicas >= 2, `${service}: two replicas in prod`);
    }
  });

  it('dev: CPU trainers, no GPU requests, no KEDA', () => {
    const trainer = podSpec(find(rendered.dev, 'Deployment', 'trainer')).containers[0];
    assert.equal(trainer.resources.requests['nvidia.com/gpu'], undefined);
    assert.match(trainer.image, /^downscale\/trainer:dev$/);
    assert.equal(ofKind(rendered.dev, 'ScaledObject').length, 0);
  });
});

describe('deploy: manifests agree with the code', () => {
  it('the settings in downscale-config are the ones the services read', () => {
    const configSource = readFileSync(join(root, 'libs/service-kit/src/config.ts'), 'utf8');
    const config = find(rendered.prod, 'ConfigMap', 'downscale-config').data;
    for (const key of Object.keys(config)) {
      if (key === 'DOWNSCALE_SERVICE_URLS') {
        assert.match(readFileSync(join(root, 'apps/dashboard/lib/services.ts'), 'utf8'), /DOWNSCALE_SERVICE_URLS/);
      } else {
        assert.match(configSource, new RegExp(`\\b${key}:`), `${key} is not a setting of libs/service-kit`);
      }
    }
  });

  it('the probe paths are the services\' and the dashboard\'s health endpoints', () => {
    const health = readFileSync(join(root, 'libs/service-kit/src/health.ts'), 'utf8');
    assert.match(health, /@Controller\('health'\)/);
    assert.match(health, /@Get\('live'\)/);
    assert.ok(existsSync(join(root, 'apps/dashboard/app/api/health/route.ts')));
    assert.ok(existsSync(join(root, 'apps/dashboard/app/api/health/live/route.ts')));
  });

  it('the JOBS stream and the trainer-jobs durable exist in the code', () => {
    assert.match(readFileSync(join(root, 'libs/messaging/src/streams.ts'), 'utf8'), /jobs: 'JOBS'/);
    const trainer = sources(join(root, 'apps/trainer/src')).map((f) => readFileSync(f, 'utf8')).join('\n');
    assert.match(trainer, /durable: 'trainer-jobs'/);
  });

  it('every durable consumer in apps/*/src is granted to its service in the NATS accounts', () => {
    for (const service of serviceNames) {
      const code = sources(join(root, 'apps', service, 'src')).map((f) => readFileSync(f, 'utf8')).join('\n');
      const durables = [...code.matchAll(/durable:\s*'([^']+)'/g)].map((m) => m[1]);
      for (const durable of durables) {
        assert.ok(natsServices[service].durables.includes(durable), `${service}'s durable ${durable} is not in deploy/tools/nats-accounts.mjs`);
      }
    }
  });

  it('every package a workspace imports at run time is in its dependencies (images install only those)', () => {
    const runtimeSources = (dir) => {
      if (!existsSync(dir)) return [];
      return readdirSync(dir).flatMap((name) => {
        const path = join(dir, name);
        if (['node_modules', '.next', 'dist', 'testing', 'test-fixtures'].includes(name)) return [];
        if (statSync(path).isDirectory()) return runtimeSources(path);
        return /\.(ts|tsx|mjs)$/.test(name) && !/\.test\.|test-support|test-fixtures/.test(name) ? [path] : [];
      });
    };
    const builtins = new Set(builtinModules);
    const problems = [];
    for (const group of ['apps', 'libs']) {
      for (const name of readdirSync(join(root, group))) {
        const manifest = JSON.parse(readFileSync(join(root, group, name, 'package.json'), 'utf8'));
        const declared = new Set(Object.keys(manifest.dependencies ?? {}));
        const folders = name === 'dashboard' ? ['app', 'lib'] : ['src'];
        for (const file of folders.flatMap((f) => runtimeSources(join(root, group, name, f)))) {
          const text = readFileSync(file, 'utf8');
          const specifiers = [
            ...text.matchAll(/^\s*(?:import|export)\s+(?!type\b)[^'"]*?from\s+'([^']+)'/gm),
            ...text.matchAll(/^\s*import\s+'([^']+)'/gm),
            ...text.matchAll(/import\(\s*(?:\/\*.*?\*\/\s*)*'([^']+)'\s*\)/g),
          ].map((m) => m[1]);
          for (const specifier of specifiers) {
            if (specifier.startsWith('.') || specifier.startsWith('node:') || builtins.has(specifier)) continue;
            const packageName = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];
            if (packageName !== manifest.name && !declared.has(packageName)) problems.push(`${manifest.name} imports ${packageName} (${file.slice(root.length + 1)})`);
          }
        }
      }
    }
    assert.deepEqual(problems, [], 'add these to the dependencies of the package.json that imports them');
  });

  it('the Dockerfile is consistent: stages exist before use, global ARGs are redeclared where a stage uses them', () => {
    const lines = readFileSync(join(root, 'deploy/docker/Dockerfile'), 'utf8')
      .replace(/\\\n/g, ' ')
      .split('\n')
      .filter((l) => l.trim() && !l.trimStart().startsWith('#'));
    const globalArgs = new Set();
    const stages = new Set();
    let stage;
    let stageArgs = new Set();
    for (const line of lines) {
      const [instruction, ...rest] = line.trim().split(/\s+/);
      if (instruction === 'ARG' && stage === undefined) globalArgs.add(rest[0].split('=')[0]);
      if (instruction === 'FROM') {
        const [image, as, name] = rest;
        const base = image.match(/^\$\{(\w+)\}$/);
        if (base) assert.ok(globalArgs.has(base[1]), `FROM ${image}: ARG ${base[1]} is not declared before the first FROM`);
        else if (!image.includes('/') && !image.includes(':')) assert.ok(stages.has(image), `FROM ${image}: no such stage above`);
        assert.equal(as?.toUpperCase(), 'AS', `FROM ${image} names its stage`);
        assert.ok(!stages.has(name), `stage ${name} is defined twice`);
        stages.add(name);
        stage = name;
        stageArgs = new Set();
        continue;
      }
      if (instruction === 'ARG') stageArgs.add(rest[0].split('=')[0]);
      for (const from of line.matchAll(/--from=(\S+)/g)) assert.ok(stages.has(from[1]), `${stage}: --from=${from[1]} is not a stage above`);
      if (instruction === 'RUN') {
        for (const [, name] of line.matchAll(/\$\{(\w+)\}/g)) {
          if (globalArgs.has(name)) assert.ok(stageArgs.has(name), `${stage}: uses \${${name}} without redeclaring ARG ${name} in the stage`);
        }
      }
    }
    for (const target of ['corpus', 'trainer', 'trainer-gpu', 'evaluator', 'scaling', 'dashboard', 'cli']) {
      assert.match(readFileSync(join(root, 'deploy/docker/build-images.sh'), 'utf8'), new RegExp(`\\b${target}\\b`), `build-images.sh builds ${target}`);
    }
  });

  it('accounts.conf is the output of deploy/tools/nats-accounts.mjs', () => {
    assert.equal(readFileSync(accountsFile, 'utf8'), renderAccounts(), 'run: node deploy/tools/nats-accounts.mjs');
  });

  it('each Dockerfile target runs what the app builds', () => {
    const dockerfile = readFileSync(join(root, 'deploy/docker/Dockerfile'), 'utf8');
    for (const app of [...serviceNames, 'cli', 'dashboard', 'trainer-gpu']) {
      assert.match(dockerfile, new RegExp(`^FROM \\S+ AS ${app}$`, 'm'), `target ${app}`);
    }
    for (const service of serviceNames) {
      assert.ok(existsSync(join(root, 'apps', service, 'src/main.ts')), `${service} has a main.ts`);
      assert.match(dockerfile, new RegExp(`CMD \\["node", "apps/${service}/dist/main.js"\\]`));
    }
    assert.ok(existsSync(join(root, 'apps/cli/bin/downscale.mjs')));
    const tfjsCore = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')).packages['node_modules/@tensorflow/tfjs-core'].version;
    assert.match(dockerfile, new RegExp(`^ARG TFJS_VERSION=${tfjsCore.replaceAll('.', '\\.')}$`, 'm'), 'tfjs-node-gpu matches tfjs-core');
    assert.match(dockerfile, /^USER 10001:10001$/m);
    assert.match(dockerfile, /HEALTHCHECK/);
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    assert.match(pkg.scripts.build, /tsc -b tsconfig.json && nx run dashboard:build/, 'the image builds what npm run build builds');
  });
});

const natsServer = which('nats-server') ?? (existsSync('/usr/sbin/nats-server') ? '/usr/sbin/nats-server' : undefined);

describe('deploy: NATS configuration on a real nats-server', { skip: natsServer ? false : 'nats-server is not installed' }, () => {
  const passwords = Object.fromEntries(passwordVariables.map((v, i) => [v, `test-password-${i}`]));
  const userPassword = (user) => passwords[`NATS_${user.toUpperCase()}_PASSWORD`];
  let dir;
  let server;
  let port;
  let transport;
  let jetstream;
  let messaging;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'deploy-nats-'));
    transport = await import('@nats-io/transport-node');
    jetstream = await import('@nats-io/jetstream');
    messaging = await import('@downscale/messaging');
    port = await new Promise((done, fail) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address();
        probe.close(() => done(free));
      });
      probe.on('error', fail);
    });
    writeFileSync(join(dir, 'accounts.conf'), readFileSync(accountsFile, 'utf8'));
    writeFileSync(join(dir, 'single.conf'), `listen: 127.0.0.1:${port}\njetstream { store_dir: "${join(dir, 'js')}" }\ninclude ./accounts.conf\n`);
    server = spawn(natsServer, ['-c', join(dir, 'single.conf')], { env: { ...process.env, ...passwords }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    server.stderr.on('data', (d) => (stderr += d));
    for (let i = 0; i < 100; i++) {
      try {
        const nc = await transport.connect({ servers: `127.0.0.1:${port}`, user: 'admin', pass: userPassword('admin'), reconnect: false });
        await nc.close();
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    throw new Error(`nats-server did not start:\n${stderr}`);
  });

  after(async () => {
    server?.kill('SIGTERM');
    if (server && server.exitCode === null) await new Promise((r) => server.once('exit', r));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the rendered nats.conf and accounts.conf pass `nats-server -t`, and need every password', () => {
    const config = find(rendered.prod, 'ConfigMap', 'nats-config').data;
    const confDir = mkdtempSync(join(tmpdir(), 'deploy-natsconf-'));
    try {
      for (const [file, text] of Object.entries(config)) writeFileSync(join(confDir, file), text);
      const env = { ...process.env, ...passwords, POD_NAME: 'nats-0' };
      const ok = spawnSync(natsServer, ['-c', join(confDir, 'nats.conf'), '-t'], { env, encoding: 'utf8' });
      assert.equal(ok.status, 0, ok.stderr);
      const { NATS_TRAINER_PASSWORD: _, ...missing } = env;
      const bad = spawnSync(natsServer, ['-c', join(confDir, 'nats.conf'), '-t'], { env: missing, encoding: 'utf8' });
      assert.notEqual(bad.status, 0, 'a missing password is an error, not an empty password');
    } finally {
      rmSync(confDir, { recursive: true, force: true });
    }
  });

  const connectAs = (user) =>
    transport.connect({ servers: `127.0.0.1:${port}`, ...(user ? { user, pass: userPassword(user) } : {}), reconnect: false, name: user ?? 'anonymous' });

  /** What a service does with NATS: the streams, its durables (pull, ack, read back), its events. */
  async function serviceWork(nc, service) {
    await messaging.ensureStreams(nc);
    const jsm = await jetstream.jetstreamManager(nc);
    const js = jetstream.jetstream(nc);
    const { durables, publish } = natsServices[service];
    for (const subject of publish.filter((s) => /^downscale\.v1\.(events|jobs)\./.test(s))) {
      await js.publish(subject, '{}', { msgID: `${service}-${subject}-${Math.random()}` });
    }
    for (const durable of durables) {
      const stream = durable === 'trainer-jobs' || durable === 'corpus-jobs' ? 'JOBS' : 'EVENTS';
      const filter = stream === 'JOBS' ? `downscale.v1.jobs.${durable === 'trainer-jobs' ? 'training' : 'corpus'}` : 'downscale.v1.events.>';
      await jsm.consumers.add(stream, { durable_name: durable, ack_policy: jetstream.AckPolicy.Explicit, filter_subject: filter, max_deliver: 5 });
      await jsm.consumers.update(stream, durable, { max_deliver: 5 });
      const consumer = await js.consumers.get(stream, durable);
      const msg = await consumer.next({ expires: 1_000 });
      if (msg) {
        await jsm.streams.getMessage(stream, { seq: msg.seq });
        assert.equal(await msg.ackAck(), true);
      }
    }
    await js.publish(`downscale.v1.deadletter.events.${service}`, '{}');
  }

  for (const service of serviceNames) {
    it(`${service}: its NATS user can do its own work, and not another service's`, async () => {
      const nc = await connectAs(service);
      try {
        await serviceWork(nc, service);
        const js = jetstream.jetstream(nc);
        const jsm = await jetstream.jetstreamManager(nc);
        const other = serviceNames.find((s) => s !== service && !natsServices[s].publish.every((p) => natsServices[service].publish.includes(p)));
        const foreignSubject = natsServices[other].publish.find((p) => !natsServices[service].publish.includes(p) && !p.includes('>'));
        await assert.rejects(js.publish(foreignSubject, '{}'), /permission|Permissions Violation|timeout|no responders/i, `${service} publishes ${foreignSubject}`);
        const foreignDurable = natsServices[other].durables[0];
        await assert.rejects(
          jsm.consumers.add('EVENTS', { durable_name: foreignDurable, ack_policy: jetstream.AckPolicy.Explicit, filter_subject: 'downscale.v1.events.>' }),
          /permission|Permissions Violation|timeout|no responders/i,
          `${service} creates ${other}'s durable ${foreignDurable}`,
        );
        await assert.rejects(jsm.streams.delete('EVENTS'), /permission|Permissions Violation|timeout|no responders/i, `${service} deletes a stream`);
      } finally {
        await nc.close();
      }
    });
  }

  it('a connection without credentials gets the services\' permissions and no more', async () => {
    const nc = await connectAs(undefined);
    try {
      for (const service of serviceNames) await serviceWork(nc, service);
      const jsm = await jetstream.jetstreamManager(nc);
      await assert.rejects(jsm.streams.delete('JOBS'), /permission|Permissions Violation|timeout|no responders/i);
      await assert.rejects(jsm.streams.add({ name: 'OTHER', subjects: ['other.>'] }), /permission|Permissions Violation|timeout|no responders/i);
    } finally {
      await nc.close();
    }
  });

  it('dashboard: its NATS user reads the events and publishes only new experiments and run cancels', async () => {
    assert.deepEqual(Object.keys(natsReaders), ['dashboard']);
    const reader = await connectAs('dashboard');
    const writer = await connectAs('scaling');
    try {
      const sub = reader.subscribe('downscale.v1.events.>', { max: 1 });
      await reader.flush();
      const got = (async () => {
        for await (const m of sub) return m.subject;
      })();
      writer.publish('downscale.v1.events.fit.updated', '{}');
      assert.equal(await got, 'downscale.v1.events.fit.updated');
      const js = jetstream.jetstream(reader);
      await assert.rejects(js.publish('downscale.v1.events.fit.updated', '{}'), /permission|Permissions Violation|timeout|no responders/i);
      // What an editor's form and cancel button send: stored in EVENTS and delivered.
      assert.ok((await js.publish('downscale.v1.events.experiment.created', '{}')).seq > 0);
      const trainer = await connectAs('trainer');
      try {
        const cancels = trainer.subscribe('downscale.v1.control.run.cancel', { max: 1 });
        await trainer.flush();
        const cancelled = (async () => {
          for await (const m of cancels) return m.subject;
        })();
        reader.publish('downscale.v1.control.run.cancel', '{}');
        assert.equal(await cancelled, 'downscale.v1.control.run.cancel');
      } finally {
        await trainer.close();
      }
      const jsm = await jetstream.jetstreamManager(reader, { checkAPI: false });
      await assert.rejects(jsm.streams.info('EVENTS'), /permission|Permissions Violation|timeout|no responders/i);
    } finally {
      await reader.close();
      await writer.close();
    }
  });

  it('admin can manage streams (operators, backups)', async () => {
    const nc = await connectAs('admin');
    try {
      const jsm = await jetstream.jetstreamManager(nc);
      const names = [];
      for await (const s of jsm.streams.list()) names.push(s.config.name);
      assert.deepEqual(names.sort(), ['DEADLETTERS', 'EVENTS', 'JOBS']);
      const info = await jsm.consumers.info('JOBS', 'trainer-jobs');
      assert.equal(info.name, 'trainer-jobs');
    } finally {
      await nc.close();
    }
  });

  it('the permissions table gives each service only its own durables and subjects', () => {
    for (const service of serviceNames) {
      const { publish, subscribe } = permissionsOf(service);
      assert.ok(subscribe.includes(`downscale.v1.rpc.${service}.>`));
      for (const other of serviceNames.filter((s) => s !== service)) {
        assert.ok(!subscribe.includes(`downscale.v1.rpc.${other}.>`), `${service} answers ${other}'s requests`);
        for (const durable of natsServices[other].durables) {
          assert.ok(!publish.some((p) => p.endsWith(`.${durable}`) || p.includes(`.${durable}.`)), `${service} may use ${durable}`);
        }
      }
      assert.ok(!publish.includes('>') && !publish.some((p) => p.startsWith('$JS.API.STREAM.DELETE') || p.startsWith('$JS.API.STREAM.PURGE')));
    }
  });
});
