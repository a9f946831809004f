#!/usr/bin/env node
// The NATS permissions of each downscale service, as data, and the nats-server accounts file
// made from them (deploy/k8s/base/nats/accounts.conf). Run this after changing a service's
// subjects or durable consumers:  node deploy/tools/nats-accounts.mjs
// tools/deploy.test.mjs checks that the committed file is this script's output, that every
// durable named in apps/*/src is granted here, and (with a local nats-server) that each user
// can do its own work and nothing else.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const accountsFile = fileURLToPath(new URL('../k8s/base/nats/accounts.conf', import.meta.url));
export const account = 'DOWNSCALE';
const v1 = 'downscale.v1';
export const streams = ['EVENTS', 'JOBS', 'DEADLETTERS'];

/** Each service: what it publishes, what it subscribes to, and its durable consumers. */
export const services = {
  corpus: {
    publish: [`${v1}.events.corpus.ready`, `${v1}.jobs.corpus`, `${v1}.jobs.corpus-shard`, `${v1}.progress.corpus.>`],
    subscribe: [],
    durables: ['corpus-jobs', 'corpus-shards', 'corpus-experiments'],
  },
  trainer: {
    publish: [`${v1}.jobs.training`, `${v1}.events.training.metrics`, `${v1}.events.checkpoint.saved`, `${v1}.events.run.state`],
    subscribe: [`${v1}.control.run.cancel`],
    durables: ['trainer-plan-runs', 'trainer-jobs'],
  },
  evaluator: {
    // checkpoint.saved: back-fill announces again the checkpoints that lack results.
    publish: [`${v1}.events.eval.completed`, `${v1}.events.run.state`, `${v1}.events.checkpoint.saved`],
    subscribe: [],
    durables: ['evaluator-checkpoints', 'evaluator-experiment-tasks'],
  },
  scaling: {
    publish: [`${v1}.events.fit.updated`, `${v1}.progress.refit.>`],
    subscribe: [],
    durables: ['scaling-refit-on-eval', 'scaling-refit-on-run-state', 'scaling-refit-on-request'],
  },
};

/**
 * Clients that are not services: they use no stream of their own. The dashboard follows the
 * durable events with a core subscription (apps/dashboard/lib/live.ts) and publishes only what
 * its signed-in editors ask for: a new experiment and a run's cancel (apps/dashboard/lib).
 */
export const readers = {
  dashboard: { subscribe: [`${v1}.events.>`], publish: [`${v1}.events.experiment.created`, `${v1}.control.run.cancel`] },
};

/**
 * What every service does: create or update the three streams at start (ensureStreams), read
 * a stored message to dead-letter it after its last delivery, publish dead letters and service
 * errors, and ask other services' ping and health. Replies to requests are allowed by
 * allow_responses, not by publishing on _INBOX.
 */
const commonPublish = [
  '$JS.API.INFO',
  ...['CREATE', 'UPDATE', 'INFO'].flatMap((verb) => streams.map((s) => `$JS.API.STREAM.${verb}.${s}`)),
  ...['EVENTS', 'JOBS'].flatMap((s) => [`$JS.API.STREAM.MSG.GET.${s}`, `$JS.API.DIRECT.GET.${s}`]),
  `${v1}.deadletter.>`,
  `${v1}.events.service.error`,
  `${v1}.rpc.*.ping`,
  `${v1}.rpc.*.health`,
];

/** A durable pull consumer on any stream: create/update, look up, pull, ack. */
function consumerPublish(durable) {
  return [
    `$JS.API.CONSUMER.CREATE.*.${durable}`,
    `$JS.API.CONSUMER.CREATE.*.${durable}.>`,
    `$JS.API.CONSUMER.DURABLE.CREATE.*.${durable}`,
    `$JS.API.CONSUMER.INFO.*.${durable}`,
    `$JS.API.CONSUMER.MSG.NEXT.*.${durable}`,
    `$JS.ACK.*.${durable}.>`,
  ];
}

export function permissionsOf(service) {
  if (readers[service]) return { publish: [...(readers[service].publish ?? [])], subscribe: ['_INBOX.>', ...readers[service].subscribe] };
  const s = services[service];
  return {
    publish: [...commonPublish, ...s.publish, ...s.durables.flatMap(consumerPublish)],
    subscribe: [
      '_INBOX.>',
      `${v1}.rpc.${service}.>`,
      ...s.subscribe,
      ...s.durables.map((d) => `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.*.${d}`),
    ],
  };
}

/** The union of the services' permissions: for connections that bring no credentials. */
export function unionPermissions() {
  const all = [...Object.keys(services), ...Object.keys(readers)].map(permissionsOf);
  const unique = (lists) => [...new Set(lists.flat())];
  return { publish: unique(all.map((p) => p.publish)), subscribe: unique(all.map((p) => p.subscribe)) };
}

const envName = (user) => `NATS_${user.toUpperCase()}_PASSWORD`;
/** Every password the server reads from its environment (keys of the downscale-nats Secret, lower-case). */
export const passwordVariables = [...Object.keys(services), ...Object.keys(readers), 'services', 'admin', 'system'].map(envName);

function list(subjects, indent) {
  return `[\n${subjects.map((s) => `${indent}  "${s}"`).join('\n')}\n${indent}]`;
}

function user(name, permissions, comment) {
  const lines = [`      # ${comment}`, `      {`, `        user: ${name}`, `        password: $${envName(name)}`];
  if (permissions) {
    const publish = permissions.publish.length ? `allow: ${list(permissions.publish, '          ')}` : 'deny: [">"]';
    lines.push(
      `        permissions: {`,
      `          publish: { ${publish} }`,
      `          subscribe: { allow: ${list(permissions.subscribe, '          ')} }`,
      ...(permissions.publish.length ? [`          allow_responses: true`] : []),
      `        }`,
    );
  }
  lines.push('      }');
  return lines.join('\n');
}

export function renderAccounts() {
  const users = [
    ...Object.keys(services).map((name) => user(name, permissionsOf(name), `the ${name} service: durables ${services[name].durables.join(', ')}`)),
    ...Object.keys(readers).map((name) => user(name, permissionsOf(name), `the ${name}: reads events; publishes only ${readers[name].publish.join(', ')}`)),
    user('services', unionPermissions(), 'connections without credentials (no_auth_user): the union of the users above, see deploy/README.md'),
    user('admin', undefined, 'operators: the downscale CLI (experiments, status), the nats CLI, backups'),
  ];
  return [
    '# Generated by deploy/tools/nats-accounts.mjs from its permission table: edit that, then run it.',
    '# Passwords are never written here: each $NATS_*_PASSWORD comes from the server\'s environment,',
    '# filled from the Secret "downscale-nats".',
    'accounts {',
    `  ${account} {`,
    '    jetstream: enabled',
    '    users: [',
    users.join('\n'),
    '    ]',
    '  }',
    '  SYS {',
    '    users: [',
    `      { user: system, password: $${envName('system')} }`,
    '    ]',
    '  }',
    '}',
    'system_account: SYS',
    'no_auth_user: services',
    '',
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(accountsFile, renderAccounts());
  console.log(`wrote ${accountsFile}`);
}
