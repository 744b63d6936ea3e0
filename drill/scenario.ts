import * as fs from 'fs';
import { parse } from 'yaml';
import { z } from 'zod';

/**
 * A tabletop scenario: what breaks, when, for how long, and the traffic meanwhile. Times are
 * minutes after the drill starts. One YAML file per scenario (drill/scenarios/*.yaml); teams copy
 * one and change it.
 */

const minutes = z.number().min(0).describe('minutes after the drill starts');
const region = z.enum(['primary', 'standby']);

const fault = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('down'), target: region, at: minutes, for: z.number().positive().optional(), mode: z.enum(['hang', 'refused']).default('hang').describe('hang: connections time out (the slowest failure to detect); refused: connections are refused at once') }),
  z.object({ kind: z.literal('errors'), target: region, at: minutes, for: z.number().positive().optional(), percent: z.number().gt(0).max(100).describe('share of /chat requests answered 5xx by unhandled function errors') }),
  z.object({ kind: z.literal('latency'), target: region, at: minutes, for: z.number().positive().optional(), ms: z.number().positive().describe('answer time of /chat, milliseconds'), health: z.boolean().default(false).describe('whether /health answers that slowly too') }),
  z.object({ kind: z.literal('throttling'), target: region, at: minutes, for: z.number().positive().optional(), percent: z.number().gt(0).max(100).describe('share of /chat requests the API stage throttles (429)') }),
  z.object({ kind: z.literal('table-throttling'), target: region, at: minutes, for: z.number().positive().optional(), percent: z.number().gt(0).max(100).describe('share of table calls DynamoDB throttles') }),
  z.object({ kind: z.literal('flapping'), target: region, at: minutes, for: z.number().positive(), downSeconds: z.number().positive(), upSeconds: z.number().positive() }),
  z.object({ kind: z.literal('channel-dead'), channel: z.string().min(1).describe('secret name of the webhook channel that stops answering'), at: minutes, for: z.number().positive().optional() }),
  z.object({ kind: z.literal('notifier-throttled'), stack: z.enum(['primary', 'standby', 'global']), at: minutes, for: z.number().positive().optional() }),
]);
export type Fault = z.infer<typeof fault>;

/** A live drill rehearsed in the tabletop: ops/drill/machine.ts driven step by step against the simulated AWS. */
const drillRehearsal = z
  .object({
    at: minutes.describe('minutes after the start when the runner starts (preconditions, announcement, injection)'),
    pollSeconds: z.number().int().min(1).default(15),
    holdMinutes: z.number().min(0).default(5).describe('how long the standby serves before fail-back'),
    maxDurationMinutes: z.number().positive().default(20),
  })
  .strict();

export const scenarioSchema = z.object({
  kind: z.enum(['outage', 'drill-rehearsal']).default('outage').describe('drill-rehearsal: a live dns-switch drill (see `drill`) rehearsed in the simulated AWS; faults, if any, happen during it'),
  drill: drillRehearsal.optional(),
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes'),
  title: z.string().min(1),
  description: z.string().default(''),
  durationMinutes: z.number().positive().max(24 * 60),
  traffic: z
    .object({
      requestsPerMinute: z.number().positive().default(600),
      clients: z.number().int().min(1).max(500).default(60).describe('simulated customers, each with its own DNS cache'),
      requestIntervalSeconds: z.number().int().min(1).max(60).optional().describe('seconds between two requests of one simulated customer; default: clients × 60 / requestsPerMinute (each request then stands for one real one)'),
    })
    .default({ requestsPerMinute: 600, clients: 60 }),
  /** Random phase of every health checker, seeded: the same seed gives the same drill. */
  seed: z.number().int().default(1),
  faults: z.array(fault).default([]),
  /** Objectives of this scenario on top of the plan's (RTO from the plan). */
  objectives: z
    .object({
      customerNoticeMinutes: z.number().positive().optional().describe('customers must get a notice within this many minutes of the fault'),
      detectionMinutes: z.partialRecord(z.enum(['general', 'important', 'emergency']), z.number().positive()).optional().describe('latest detection per warning level'),
      firstPageMinutes: z.number().positive().optional(),
    })
    .default({}),
}).superRefine((s, ctx) => {
  if (s.kind === 'drill-rehearsal' && !s.drill) ctx.addIssue({ code: 'custom', path: ['drill'], message: 'a drill-rehearsal scenario needs a drill section, e.g. drill: { at: 5 }' });
  if (s.kind === 'outage' && s.faults.length === 0) ctx.addIssue({ code: 'custom', path: ['faults'], message: 'an outage scenario needs at least one fault' });
  if (s.kind === 'outage' && s.drill) ctx.addIssue({ code: 'custom', path: ['kind'], message: 'a scenario with a drill section must say kind: drill-rehearsal' });
});
export type Scenario = z.infer<typeof scenarioSchema>;

/**
 * A data-corruption scenario (drill/restore.ts): a bad write damages the chatbot table, someone
 * declares it, and the team restores the latest good recovery point (AWS Backup simulated).
 */
export const restoreScenarioSchema = z.object({
  kind: z.literal('data-corruption'),
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes'),
  title: z.string().min(1),
  description: z.string().default(''),
  corruption: z
    .object({
      at: z.number().min(0).describe('minutes after the drill starts (the drill starts 2026-01-05 02:00 UTC)'),
      what: z
        .literal('put-instead-of-update')
        .default('put-instead-of-update')
        .describe('a bad deploy runs a migration that PutItems every item of the table with only its keys and a new attribute (meant as UpdateItem): every other attribute is lost'),
    })
    .strict(),
  detection: z
    .object({
      by: z.literal('operator').default('operator').describe('no alarm sees damaged content: a person declares it'),
      afterMinutes: z.number().positive().describe('minutes from the damage until someone declares it'),
      how: z.string().min(1).default('an operator declares it'),
    })
    .strict(),
  traffic: z.object({ conversationsPerHour: z.number().int().min(0).max(600).default(12).describe('real /chat turns written to the table before the damage') }).strict().default({ conversationsPerHour: 12 }),
  restore: z
    .object({
      backupJobMinutes: z.number().positive().default(5).describe('scheduled backup job start → recovery point COMPLETED (model)'),
      decisionMinutes: z.number().min(0).default(2).describe('declaration → the operator starts `contingency restore --execute`'),
      restoreJobMinutes: z.number().positive().default(5).describe('restore job start → new table ACTIVE (model; AWS gives no figure, it grows with the table)'),
      validationMinutes: z.number().positive().default(1).describe('restore validator run (two COUNT scans)'),
      stepMinutes: z.number().min(0).default(1).describe('each manual cut-over step: set the degraded flags, lift them'),
      copyItemsPerSecond: z.number().positive().default(25).describe('scan + batch-write of the copy into the live table'),
    })
    .strict()
    .default({ backupJobMinutes: 5, decisionMinutes: 2, restoreJobMinutes: 5, validationMinutes: 1, stepMinutes: 1, copyItemsPerSecond: 25 }),
});
export type RestoreScenario = z.infer<typeof restoreScenarioSchema>;

export type AnyScenario = Scenario | RestoreScenario;

/** Reads a scenario file of any kind (`kind: data-corruption`, or an outage scenario without `kind`). */
export function loadAnyScenario(file: string): AnyScenario {
  const raw = readScenarioFile(file);
  return (raw as { kind?: unknown } | null)?.kind === 'data-corruption' ? parseWith(restoreScenarioSchema, raw, file) : parseScenario(raw, file);
}

function readScenarioFile(file: string): unknown {
  if (!fs.existsSync(file)) throw new Error(`scenario file ${file} does not exist; the built-in ones are in drill/scenarios/`);
  try {
    return parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`scenario file ${file} is not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
}

function parseWith<T extends z.ZodType>(schema: T, raw: unknown, source: string): z.infer<T> {
  const r = schema.safeParse(raw);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  - ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`${source} is not a valid tabletop scenario:\n${lines.join('\n')}`);
  }
  return r.data;
}

/** Reads and checks a scenario file; every problem is reported with its path, the value and what is allowed. */
export function loadScenario(file: string): Scenario {
  return parseScenario(readScenarioFile(file), file);
}

export function parseScenario(raw: unknown, source = 'scenario'): Scenario {
  return parseWith(scenarioSchema, raw, source);
}

/** Start and end (seconds) of a fault; open-ended faults last to the end of the drill. */
export function faultWindow(f: Fault, durationSeconds: number): { from: number; to: number } {
  const from = f.at * 60;
  return { from, to: f.for !== undefined ? Math.min(durationSeconds, from + f.for * 60) : durationSeconds };
}
