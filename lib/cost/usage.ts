import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { cents, integrationFunction } from './estimate';
import { SMS_PRICES, USAGE_PRICES } from './prices';
import { CUSTOMER_DATA, DATA_CLASS_TAG_KEY } from '../../contracts/names';
import { backupCoverage, pitrEnabled, tableTag, tablesIn } from '../assembly/backup';
import { resourcesOfType, runsPerMonth, StackTemplate } from '../assembly/templates';

/**
 * Usage drivers: what scales with traffic, data and incidents, as a price per unit with its
 * formula, read from the templates (function memory and architecture, table replicas and PITR,
 * backup schedules and retention, restore-test schedules) and from the plan's contacts. With a
 * volume given, the driver is also multiplied out.
 */

/** Figures a chatbot request costs, from lambdas/chatbot/store.ts (items under 1 KB / 4 KB). */
export const CHAT_REQUEST = {
  /** Per-conversation counter update + the user and bot turns (BatchWriteItem of 2). */
  writes: 3,
  /** Knowledge-base version check, region control (both strongly consistent), conversation query. */
  reads: 3,
  /** Average function duration assumed when none is given, milliseconds. */
  defaultDurationMs: 300,
} as const;

export interface UsageInputs {
  /** Chatbot requests a month. */
  readonly requestsPerMonth?: number;
  /** Average chatbot function duration, ms. @default 300 (an assumption) */
  readonly avgDurationMs?: number;
  /** Size of each customer-data table (tag contingency:data=customer), GB. */
  readonly tableGb?: number;
  /** Alerts a month that reach every SMS number and e-mail address. */
  readonly alertsPerMonth?: number;
  /** Voice call minutes a month, per voice phone. */
  readonly voiceMinutesPerMonth?: number;
}

/** The plan's contact data the drivers need (narrow, so any app can pass its own). */
export interface ContactVolumes {
  /** SMS numbers in E.164 form (every audience's, once each). */
  readonly smsNumbers: readonly string[];
  /** E-mail addresses (every audience's, once each). */
  readonly emails: readonly string[];
  /** Voice: the phones called and the plan's price cap per minute. */
  readonly voice?: { readonly phones: readonly string[]; readonly maxPricePerMinuteUsd: number };
}

export interface DriverTerm {
  readonly label: string;
  readonly usd: number;
}

export interface UsageDriver {
  readonly name: string;
  /** The unit the price is for, e.g. "1 million chatbot requests". */
  readonly per: string;
  readonly perUnitUsd: number;
  /** The terms that add up to perUnitUsd, each with its formula. */
  readonly terms: DriverTerm[];
  /** The volume given, in units of `per`, and what it costs a month. */
  readonly volume?: number;
  readonly monthlyUsd?: number;
  readonly notes: string[];
}

const P = USAGE_PRICES;
const fmt = (n: number, digits = 6) => Number(n.toPrecision(digits)).toString();

function driver(name: string, per: string, terms: DriverTerm[], notes: string[], volume?: number): UsageDriver {
  const perUnitUsd = terms.reduce((s, t) => s + t.usd, 0);
  return { name, per, perUnitUsd, terms, notes, ...(volume !== undefined ? { volume, monthlyUsd: cents(perUnitUsd * volume) } : {}) };
}

/** Replica regions of a DynamoDB global table and how many have PITR on. */
function replicas(props: Record<string, unknown>): { count: number; pitr: number } {
  const list = (props.Replicas ?? []) as { PointInTimeRecoverySpecification?: { PointInTimeRecoveryEnabled?: unknown } }[];
  return { count: list.length, pitr: list.filter((r) => r.PointInTimeRecoverySpecification?.PointInTimeRecoveryEnabled === true).length };
}

/** The usage drivers of the synthesized stacks and the plan's contacts. */
export function usageDrivers(stacks: readonly StackTemplate[], contacts: ContactVolumes, inputs: UsageInputs = {}): UsageDriver[] {
  const out: UsageDriver[] = [];
  const million = inputs.requestsPerMonth !== undefined ? inputs.requestsPerMonth / 1e6 : undefined;

  // Chatbot requests: served by the stack holding the customer-data table (the primary; the standby
  // serves after failover at the same price), writing to that table and its replicas.
  const tables = tablesIn(stacks);
  const customerTable = tables.find((t) => tableTag(t, DATA_CLASS_TAG_KEY) === CUSTOMER_DATA);
  const candidates = stacks.map((s) => ({ s, fn: integrationFunction(s) })).filter((x) => x.fn);
  const serving = candidates.find((x) => x.s === customerTable?.stack) ?? candidates[0];
  if (serving?.fn) {
    const memGb = Number(serving.fn.props.MemorySize ?? 128) / 1024;
    const arm = JSON.stringify(serving.fn.props.Architectures ?? []).includes('arm64');
    const gbsPrice = arm ? P.lambdaGbSecondArm.usd : P.lambdaGbSecondX86.usd;
    const durationMs = inputs.avgDurationMs ?? CHAT_REQUEST.defaultDurationMs;
    const replicaCount = customerTable?.type === 'AWS::DynamoDB::GlobalTable' ? Math.max(replicas(customerTable.props).count, 1) : 1;
    const m = 1e6;
    out.push(
      driver(
        'Chatbot requests',
        '1 million chatbot requests',
        [
          serving.fn.api === 'rest'
            ? { label: `REST API: 1M × $${fmt(P.restApiRequest.usd * m)}/M`, usd: P.restApiRequest.usd * m }
            : { label: `HTTP API: 1M × $${fmt(P.httpApiRequest.usd * m)}/M`, usd: P.httpApiRequest.usd * m },
          ...(resourcesOfType(serving.s.template, 'AWS::WAFv2::WebACL').length
            ? [{ label: `AWS WAF: 1M requests inspected × $${fmt(P.wafRequest.usd * m)}/M`, usd: P.wafRequest.usd * m }]
            : []),
          { label: `Lambda invocations: 1M × $${fmt(P.lambdaRequest.usd * m)}/M`, usd: P.lambdaRequest.usd * m },
          { label: `Lambda compute: 1M × ${fmt(memGb)} GB × ${durationMs / 1000} s × $${P[arm ? 'lambdaGbSecondArm' : 'lambdaGbSecondX86'].usd}/GB-s (${arm ? 'arm64' : 'x86_64'})`, usd: m * memGb * (durationMs / 1000) * gbsPrice },
          { label: `DynamoDB writes: 1M × ${CHAT_REQUEST.writes} WRU × $${fmt(P.dynamoWrite.usd * m)}/M`, usd: m * CHAT_REQUEST.writes * P.dynamoWrite.usd },
          { label: `DynamoDB replicated writes: 1M × ${CHAT_REQUEST.writes} × ${replicaCount - 1} other replica(s) × $${fmt(P.dynamoReplicatedWrite.usd * m)}/M`, usd: m * CHAT_REQUEST.writes * (replicaCount - 1) * P.dynamoReplicatedWrite.usd },
          { label: `DynamoDB reads: 1M × ${CHAT_REQUEST.reads} RRU × $${fmt(P.dynamoRead.usd * m)}/M`, usd: m * CHAT_REQUEST.reads * P.dynamoRead.usd },
        ],
        [
          `function ${serving.fn.logicalId} in ${serving.s.stackName}: ${serving.fn.props.MemorySize ?? 128} MB; average duration ${durationMs} ms ${inputs.avgDurationMs === undefined ? '(assumed; pass --avg-duration-ms)' : '(given)'}`,
          'DNS queries ($0.40 per million, fewer with resolver caching), logs ($0.50 per GB ingested) and KMS requests come on top',
        ],
        million,
      ),
    );
  }

  // Data, per table: storage, PITR, and for the tables AWS Backup selects: copies kept, cross-region
  // copies and their transfer, restore tests. The volume (--table-gb) applies to customer-data tables.
  for (const table of tables) {
    const r = table.type === 'AWS::DynamoDB::GlobalTable' ? replicas(table.props) : { count: 1, pitr: pitrEnabled(table) ? 1 : 0 };
    const coverage = backupCoverage(table, stacks);
    if (r.pitr === 0 && coverage.length === 0) continue;
    const terms: DriverTerm[] = [{ label: `storage: ${r.count} replica(s) × $${P.dynamoStorage.usd}/GB-month`, usd: r.count * P.dynamoStorage.usd }];
    const notes: string[] = [];
    if (r.pitr) terms.push({ label: `PITR: ${r.pitr} replica(s) × $${P.dynamoPitr.usd}/GB-month`, usd: r.pitr * P.dynamoPitr.usd });
    for (const c of coverage) {
      const plan = c.planId ? c.stack.template.Resources?.[c.planId]?.Properties : undefined;
      const rules = ((plan?.BackupPlan as { BackupPlanRule?: unknown[] } | undefined)?.BackupPlanRule ?? []) as {
        ScheduleExpression?: string;
        Lifecycle?: { DeleteAfterDays?: number };
        CopyActions?: { Lifecycle?: { DeleteAfterDays?: number } }[];
      }[];
      const where = c.stack.region ?? c.stack.stackName;
      for (const rule of rules) {
        const runs = rule.ScheduleExpression ? runsPerMonth(rule.ScheduleExpression) : undefined;
        if (runs === undefined) {
          notes.push(`${c.stack.stackName}/${c.planId}: backup schedule ${JSON.stringify(rule.ScheduleExpression)} cannot be counted; not priced`);
          continue;
        }
        const perDay = runs / (730 / 24);
        // Copies kept = backups a day × days kept; a rule that never deletes is priced as one year of copies.
        const kept = (days: number | undefined) => perDay * (days ?? 365);
        const local = kept(rule.Lifecycle?.DeleteAfterDays);
        terms.push({ label: `backups in ${where}: ${fmt(local, 4)} full copies kept (${rule.ScheduleExpression}, ${rule.Lifecycle?.DeleteAfterDays ?? 'no expiry, 365'} days) × $${P.backupDynamoWarm.usd}/GB-month`, usd: local * P.backupDynamoWarm.usd });
        for (const copy of rule.CopyActions ?? []) {
          const copies = kept(copy.Lifecycle?.DeleteAfterDays);
          terms.push({ label: `copies from ${where} to ${c.copyRegions.join(', ') || 'another vault'}: ${fmt(copies, 4)} kept × $${P.backupDynamoWarm.usd}/GB-month`, usd: copies * P.backupDynamoWarm.usd });
          terms.push({ label: `copy transfer from ${where}: ${fmt(runs, 4)} copies a month × $${P.backupCrossRegionTransfer.usd}/GB`, usd: runs * P.backupCrossRegionTransfer.usd });
        }
        if (!rule.Lifecycle?.DeleteAfterDays) notes.push(`${c.stack.stackName}/${c.planId}: a backup rule keeps copies forever; priced as one year of copies`);
      }
      for (const [id, p] of resourcesOfType(c.stack.template, 'AWS::Backup::RestoreTestingPlan')) {
        const runs = typeof p.ScheduleExpression === 'string' ? runsPerMonth(p.ScheduleExpression) : undefined;
        if (runs === undefined) notes.push(`${c.stack.stackName}/${id}: restore-test schedule cannot be counted; not priced`);
        else terms.push({ label: `restore tests in ${where}: ${fmt(runs, 4)} a month (${p.ScheduleExpression}) × $${P.backupRestore.usd}/GB restored`, usd: runs * P.backupRestore.usd });
      }
    }
    if (coverage.length) notes.push('every DynamoDB backup in AWS Backup is a full copy; restored test tables live for minutes and are not counted');
    const customer = tableTag(table, DATA_CLASS_TAG_KEY) === CUSTOMER_DATA;
    const name = typeof table.props.TableName === 'string' ? table.props.TableName : `${table.stack.stackName}/${table.logicalId}`;
    out.push(driver(`Table ${name}${customer ? ' (customer data)' : ''}: storage and backups`, '1 GB of table data', terms, notes, customer ? inputs.tableGb : undefined));
  }

  // Alerts: SMS by the numbers' countries, e-mail, voice minutes.
  if (contacts.smsNumbers.length) {
    const smsTerms: DriverTerm[] = [];
    const smsNotes: string[] = [];
    const byCountry = new Map<string, number>();
    for (const n of contacts.smsNumbers) {
      const country = parsePhoneNumberFromString(n)?.country ?? 'unknown';
      byCountry.set(country, (byCountry.get(country) ?? 0) + 1);
    }
    for (const [country, count] of [...byCountry].sort()) {
      const price = SMS_PRICES[country];
      if (price) smsTerms.push({ label: `${count} number(s) in ${country} × $${price.usd}/SMS (assumed)`, usd: count * price.usd });
      else smsNotes.push(`${count} number(s) in ${country}: price unknown, not counted; look it up on the End User Messaging SMS pricing page`);
    }
    smsNotes.push('a long alert may be split into several SMS parts, each billed');
    out.push(driver('SMS alerts', '1 alert sent to every SMS number', smsTerms, smsNotes, inputs.alertsPerMonth));
  }
  if (contacts.emails.length) {
    out.push(driver('E-mail alerts', '1 alert sent to every e-mail address', [{ label: `${contacts.emails.length} address(es) × $${fmt(P.snsEmail.usd)}/e-mail`, usd: contacts.emails.length * P.snsEmail.usd }], [], inputs.alertsPerMonth));
  }
  if (contacts.voice && contacts.voice.phones.length) {
    const v = contacts.voice;
    out.push(
      driver(
        'Voice calls',
        '1 minute of calls to every voice phone',
        [{ label: `${v.phones.length} phone(s) × at most $${v.maxPricePerMinuteUsd}/min (the plan's alerting.voice.maxPricePerMinute cap)`, usd: v.phones.length * v.maxPricePerMinuteUsd }],
        ['an upper bound: calls that would cost more per minute are not placed'],
        inputs.voiceMinutesPerMonth,
      ),
    );
  }
  return out;
}
