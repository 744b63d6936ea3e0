import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { buildProgram } from '../../cli/main';
import { ackCommand } from '../../lambdas/notify/notify';
import type { NotifierConfig } from '../../lambdas/notify/message';
import { incidentTableName } from '../../lib/stacks/global-stack';
import { incidentTable } from '../../cli/commands/incident';
import { loadedPlan } from '../helpers/plan';
import { BIN, cleanEnv, ROOT, runCli } from '../helpers/cli';

// The `contingency` command through its real binary (bin/contingency.js, the package bin), with no
// AWS credentials anywhere in its environment.

/** Every subcommand path, read from the program itself (so a new subcommand file is covered). */
function commandPaths(): string[][] {
  const out: string[][] = [];
  const walk = (cmd: ReturnType<typeof buildProgram>, prefix: string[]) => {
    for (const c of cmd.commands) {
      if (c.name() === 'help') continue;
      out.push([...prefix, c.name()]);
      walk(c, [...prefix, c.name()]);
    }
  };
  walk(buildProgram({ out: () => undefined, err: () => undefined }), []);
  return out;
}

const NO_STACK = /\n\s+at .+\(|node:internal|\.ts:\d+:\d+/;

test('one file per subcommand under cli/commands, and the issue\'s subcommands all exist', () => {
  // A group's subcommands may live in files of their own named <group>-<sub> (drill-tabletop.ts
  // loads the CDK; the live-drill subcommands in drill.ts must not).
  const files = [...new Set(fs.readdirSync(path.join(ROOT, 'cli', 'commands')).map((f) => f.replace(/\.ts$/, '').replace(/-tabletop$/, '')))].sort();
  const top = commandPaths().filter((p) => p.length === 1).map((p) => p[0]).sort();
  expect(top).toEqual(files);
  expect(top).toEqual(expect.arrayContaining(['validate', 'status', 'failover', 'restore', 'incident', 'ack', 'preflight', 'test-alert']));
});

test('--help for every subcommand: exit 0, usage, and the one plan option', async () => {
  const paths = commandPaths();
  const runs = await Promise.all(paths.map((p) => runCli([...p, '--help'])));
  runs.forEach((r, i) => {
    const name = paths[i].join(' ');
    expect({ name, code: r.code, stderr: r.stderr }).toEqual({ name, code: 0, stderr: '' });
    expect(r.stdout).toContain(`Usage: contingency ${name}`);
    // Groups (incident) list their own subcommands; leaves take --plan.
    if (!/\bCommands:/.test(r.stdout)) expect(r.stdout).toMatch(/--plan <file>/);
  });
});

test('unknown flags and missing values: exit 2, one line on stderr, no stack, nothing done', async () => {
  const cases: [string[], RegExp][] = [
    [['ack', '--alarm', 'x', '--dry-run'], /^contingency: unknown option '--dry-run'$/],
    [['ack', '--dry-run'], /^contingency: unknown option '--dry-run'$/],
    [['ack', '--alarm'], /^contingency: option '--alarm <name>' argument missing$/],
    [['failover', 'fail-over', '--force'], /^contingency: unknown option '--force'/],
    [['failover', 'sideways'], /^contingency: command-argument value 'sideways' is invalid/],
    [['restore', '--timeout-minutes', 'soon'], /^contingency: --timeout-minutes must be a positive whole number, got "soon"$/],
    [['validate', '--plan'], /^contingency: option '--plan <file>' argument missing$/],
    [['explode'], /^contingency: unknown command 'explode'$/],
    [['ack'], /^contingency: ack needs --alarm NAME/],
  ];
  const runs = await Promise.all(cases.map(([args]) => runCli(args)));
  runs.forEach((r, i) => {
    const [args, want] = cases[i];
    expect({ args, code: r.code }).toEqual({ args, code: 2 });
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr.trimEnd()).toMatch(want);
    expect(r.stderr).not.toMatch(NO_STACK);
    expect(r.stdout).toBe('');
  });
});

test('dry runs that need no AWS data run offline with no credentials', async () => {
  const [ack, validate] = await Promise.all([runCli(['ack', '--alarm', 'acme-chat-emergency']), runCli(['validate'])]);
  expect(ack.code).toBe(0);
  expect(ack.stdout).toMatch(/^would write: SSM parameter \/acme-chat\/alerting\/ack\/acme-chat-emergency in ap-southeast-1 = \S+ \(acknowledged by .+\)$/m);
  expect(ack.stdout).toContain('dry run: nothing changed; add --execute to acknowledge');
  expect(validate.code).toBe(0);
  expect(validate.stdout).toMatch(/^plan acme-chat \(.*example\.yaml\) is valid/);
  expect(validate.stdout).toContain('failover: worst case 56 s');
});

test('the acknowledge command printed in repeated alerts is a valid contingency command line', async () => {
  const line = ackCommand({ region: 'ap-northeast-1', ackPrefix: '/acme-chat/alerting/ack' } as NotifierConfig, 'acme-chat-emergency');
  expect(line).toMatch(/^npx contingency ack .* --execute$/);
  // The same words without --execute: a dry run, so the test writes nothing.
  const r = await runCli(line.replace(/^npx contingency /, '').replace(/ --execute$/, '').split(' '));
  expect(r.stderr).toBe('');
  expect(r.stdout).toMatch(/^would write: SSM parameter \/acme-chat\/alerting\/ack\/acme-chat-emergency in ap-northeast-1 /);
});

test('calls that need AWS without credentials: one line naming the fix, exit 1, and no SDK Node.js warning', async () => {
  const runs = await Promise.all([runCli(['status']), runCli(['ack', '--alarm', 'x', '--execute']), runCli(['restore'])]);
  for (const r of runs) {
    expect(r.code).toBe(1);
    expect(r.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/^contingency: no AWS credentials found: .*AWS_PROFILE/)]);
    expect(r.stderr).not.toMatch(/NodeVersionSupportWarning|will require node/);
  }
});

test('a plan error: the plan\'s own message, exit 1, no stack', async () => {
  const r = await runCli(['validate', '--plan', 'plans/does-not-exist.yaml']);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/^plan .*does-not-exist\.yaml is invalid \(1 problem\):\n {2}- \(plan\): cannot read the plan file \(ENOENT\)/);
  expect(r.stderr).not.toMatch(NO_STACK);
});

test('run-time subcommands never load aws-cdk-lib', () => {
  const script = `
    require('tsx/cjs');
    const { run } = require(${JSON.stringify(path.join(ROOT, 'cli', 'main.ts'))});
    const quiet = { out: () => {}, err: () => {} };
    (async () => {
      for (const a of [['ack', '--alarm', 'x'], ['status'], ['failover', 'fail-over'], ['restore'], ['incident', 'show'], ['incident', 'update', '--status', 'monitoring', '--zh', 'a', '--en', 'b']]) await run(a, quiet);
      console.log(Object.keys(require.cache).filter((k) => k.includes('/aws-cdk-lib/')).length);
    })();`;
  const r = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, env: cleanEnv(), encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.stdout.trim()).toBe('0');
});

test('the CLI\'s default incident table is the one the global stack creates', () => {
  const { plan } = loadedPlan();
  expect(incidentTable(plan)).toBe(incidentTableName(plan));
});

test('package.json: `contingency` is the bin, and it is executable', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  expect(path.resolve(ROOT, pkg.bin.contingency)).toBe(BIN);
  expect(fs.statSync(BIN).mode & 0o111).not.toBe(0);
  expect(fs.readFileSync(BIN, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
});
