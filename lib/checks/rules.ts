import { CUSTOMER_DATA, DATA_CLASS_TAG_KEY, WARNING_LEVEL_TAG_KEY } from '../../contracts/names';
import { WARNING_LEVELS } from '../../contracts/levels';
import { backupCoverage, pitrEnabled, tableTag, tablesIn } from '../assembly/backup';
import { referencedId, referencedIds, resourcesOfType, StackTemplate, tagValue } from '../assembly/templates';
import { failoverTimingFromTemplate } from '../failover/timing-model';

/**
 * The plan's machine-checkable clauses as rules over synthesized templates. Each rule id names the
 * clause it enforces (`CC-<clause>-<what>`). Pure: templates in, results out, no aws-cdk-lib, so
 * the same rules run inside synth (ContingencyChecks) and on an existing cdk.out (the plan
 * document's compliance evidence).
 */

/** The rule that reports a modelled failover time over the recovery time objective (plan §1.2.2). */
export const RTO_RULE_ID = 'CC-1.2.2-RTO';

export interface ChecksOptions {
  /** Recovery time objective, seconds; enables CC-1.2.2-RTO. @default - the RTO rule is not applied */
  readonly rtoSeconds?: number;
}

/** A resource that breaks a rule. */
export interface Finding {
  readonly stack: string;
  readonly logicalId: string;
  readonly message: string;
}

export interface Rule {
  /** `CC-<plan clause>-<what>`. */
  readonly id: string;
  /** The plan clause (section number of the seed plan). */
  readonly clause: string;
  /** What the rule requires, one sentence. */
  readonly title: string;
  /** How to fix a finding. */
  readonly fix: string;
  /** Resources the rule looked at and the ones that break it. */
  check(stacks: readonly StackTemplate[], options: ChecksOptions): { checked: { stack: string; logicalId: string }[]; findings: Finding[] } | undefined;
}

const isCustomerTable = (t: ReturnType<typeof tablesIn>[number]) => tableTag(t, DATA_CLASS_TAG_KEY) === CUSTOMER_DATA;
const ALARM_TYPES = ['AWS::CloudWatch::Alarm', 'AWS::CloudWatch::CompositeAlarm'];

function alarms(stack: StackTemplate): [string, Record<string, unknown>][] {
  return ALARM_TYPES.flatMap((t) => resourcesOfType(stack.template, t));
}

/** Logical ids (and literal alarm names) a template's composite alarms take as inputs. */
function compositeInputs(stack: StackTemplate): { ids: Set<string>; names: Set<string> } {
  const ids = new Set<string>();
  const names = new Set<string>();
  for (const [, p] of resourcesOfType(stack.template, 'AWS::CloudWatch::CompositeAlarm')) {
    referencedIds(p.AlarmRule, ids);
    const text = JSON.stringify(p.AlarmRule ?? '');
    for (const m of text.matchAll(/ALARM\(\\?"?([^"\\)]+)\\?"?\)/g)) names.add(m[1]);
  }
  return { ids, names };
}

/**
 * Alarms a composite alarm uses as its actions suppressor (scheduled maintenance mutes a response
 * level this way). They detect nothing and page no one by design: a switch, not an alarm.
 */
function suppressorsOf(stack: StackTemplate): { ids: Set<string>; names: Set<string> } {
  const ids = new Set<string>();
  const names = new Set<string>();
  for (const [, p] of resourcesOfType(stack.template, 'AWS::CloudWatch::CompositeAlarm')) {
    if (p.ActionsSuppressor === undefined) continue;
    referencedIds(p.ActionsSuppressor, ids);
    if (typeof p.ActionsSuppressor === 'string') names.add(p.ActionsSuppressor.replace(/^.*:alarm:/, ''));
  }
  return { ids, names };
}

function isSuppressor(id: string, p: Record<string, unknown>, s: { ids: Set<string>; names: Set<string> }): boolean {
  return s.ids.has(id) || (typeof p.AlarmName === 'string' && s.names.has(p.AlarmName));
}

function hasActions(p: Record<string, unknown>): boolean {
  return p.ActionsEnabled !== false && Array.isArray(p.AlarmActions) && p.AlarmActions.length > 0;
}

/** Topic logical ids whose topic policy denies publishing without TLS. */
function tlsOnlyTopics(stack: StackTemplate): Set<string> {
  const out = new Set<string>();
  for (const [, p] of resourcesOfType(stack.template, 'AWS::SNS::TopicPolicy')) {
    const statements = ((p.PolicyDocument as { Statement?: unknown[] } | undefined)?.Statement ?? []) as { Effect?: string; Condition?: Record<string, Record<string, unknown>>; Action?: unknown }[];
    const denies = statements.some((s) => {
      if (s.Effect !== 'Deny') return false;
      const secure = s.Condition?.Bool?.['aws:SecureTransport'];
      const actions = ([] as unknown[]).concat(s.Action ?? []).map(String);
      return (secure === 'false' || secure === false) && actions.some((a) => a === 'sns:Publish' || a === 'sns:*' || a === '*');
    });
    if (!denies) continue;
    for (const t of (p.Topics ?? []) as unknown[]) {
      const id = referencedId(t);
      if (id) out.add(id);
    }
  }
  return out;
}

export const RULES: readonly Rule[] = [
  {
    id: 'CC-6.2.1-PITR',
    clause: '6.2.1',
    title: 'Customer-data tables have point-in-time recovery on every replica',
    fix: 'Turn on pointInTimeRecoverySpecification for the table (and every replica of a global table)',
    check: (stacks) => {
      const tables = tablesIn(stacks).filter(isCustomerTable);
      return {
        checked: tables.map((t) => ({ stack: t.stack.stackName, logicalId: t.logicalId })),
        findings: tables.filter((t) => !pitrEnabled(t)).map((t) => ({ stack: t.stack.stackName, logicalId: t.logicalId, message: 'customer-data table without point-in-time recovery on every replica' })),
      };
    },
  },
  {
    id: 'CC-6.2.1-BackupSelection',
    clause: '6.2.1',
    title: 'Customer-data tables are selected by an AWS Backup plan',
    fix: 'Add the table to a BackupSelection of a backup plan (by ARN, or by a tag the selection matches)',
    check: (stacks) => {
      const tables = tablesIn(stacks).filter(isCustomerTable);
      return {
        checked: tables.map((t) => ({ stack: t.stack.stackName, logicalId: t.logicalId })),
        findings: tables
          .filter((t) => !backupCoverage(t, stacks).some((c) => c.planId))
          .map((t) => ({ stack: t.stack.stackName, logicalId: t.logicalId, message: 'customer-data table that no backup selection (with its backup plan) selects' })),
      };
    },
  },
  {
    id: 'CC-6.2.1-CrossRegionCopy',
    clause: '6.2.1',
    title: "Customer-data backups are copied to another region (not stored in the same place)",
    fix: "Add a copy action to the backup plan whose destination vault is in another region",
    check: (stacks) => {
      // Tables with no backup at all are CC-6.2.1-BackupSelection's finding, not this rule's.
      const tables = tablesIn(stacks).filter((t) => isCustomerTable(t) && backupCoverage(t, stacks).some((c) => c.planId));
      return {
        checked: tables.map((t) => ({ stack: t.stack.stackName, logicalId: t.logicalId })),
        findings: tables
          .filter((t) => !backupCoverage(t, stacks).some((c) => c.copyRegions.length > 0))
          .map((t) => ({ stack: t.stack.stackName, logicalId: t.logicalId, message: 'customer-data table whose backups are never copied to another region' })),
      };
    },
  },
  {
    id: 'CC-7.3-TableKms',
    clause: '7.3',
    title: 'Customer-data tables are encrypted with a customer managed KMS key',
    fix: 'Encrypt the table with a customer managed key (TableEncryptionV2.customerManagedKey / SSEType KMS with a key id)',
    check: (stacks) => {
      const tables = tablesIn(stacks).filter(isCustomerTable);
      const cmk = (t: (typeof tables)[number]) => {
        const sse = (t.props.SSESpecification ?? {}) as { SSEEnabled?: unknown; SSEType?: unknown; KMSMasterKeyId?: unknown };
        if (sse.SSEEnabled !== true || (sse.SSEType !== undefined && sse.SSEType !== 'KMS')) return false;
        if (t.type === 'AWS::DynamoDB::Table') return sse.KMSMasterKeyId !== undefined;
        const replicas = (t.props.Replicas ?? []) as { SSESpecification?: { KMSMasterKeyId?: unknown } }[];
        return replicas.length > 0 && replicas.every((r) => r.SSESpecification?.KMSMasterKeyId !== undefined);
      };
      return {
        checked: tables.map((t) => ({ stack: t.stack.stackName, logicalId: t.logicalId })),
        findings: tables.filter((t) => !cmk(t)).map((t) => ({ stack: t.stack.stackName, logicalId: t.logicalId, message: 'customer-data table not encrypted with a customer managed key on every replica' })),
      };
    },
  },
  {
    id: 'CC-4.2.3-AlarmLevel',
    clause: '4.2.3',
    title: `Every alarm carries a warning level (tag ${WARNING_LEVEL_TAG_KEY}: ${WARNING_LEVELS.join(', ')})`,
    fix: `Tag the alarm ${WARNING_LEVEL_TAG_KEY}=<${WARNING_LEVELS.join('|')}> (alarms added through the project's alerting are tagged for you)`,
    check: (stacks) => {
      const checked: { stack: string; logicalId: string }[] = [];
      const findings: Finding[] = [];
      for (const s of stacks) {
        const switches = suppressorsOf(s);
        for (const [id, p] of alarms(s)) {
          if (isSuppressor(id, p, switches)) continue;
          checked.push({ stack: s.stackName, logicalId: id });
          const level = tagValue(p.Tags, WARNING_LEVEL_TAG_KEY);
          if (!level || !(WARNING_LEVELS as readonly string[]).includes(level)) {
            findings.push({ stack: s.stackName, logicalId: id, message: level ? `alarm with an unknown warning level "${level}"` : 'alarm without a warning level' });
          }
        }
      }
      return { checked, findings };
    },
  },
  {
    id: 'CC-4.3-AlarmAction',
    clause: '4.3',
    title: 'Every alarm notifies someone (an enabled alarm action) or is an input of a composite alarm',
    fix: 'Give the alarm an alarm action (the SNS topic of its warning level), or use it in a composite alarm that has one',
    check: (stacks) => {
      const checked: { stack: string; logicalId: string }[] = [];
      const findings: Finding[] = [];
      for (const s of stacks) {
        const inputs = compositeInputs(s);
        const switches = suppressorsOf(s);
        for (const [id, p] of alarms(s)) {
          if (isSuppressor(id, p, switches)) continue;
          checked.push({ stack: s.stackName, logicalId: id });
          const named = typeof p.AlarmName === 'string' && [...inputs.names].some((n) => n === p.AlarmName || n.endsWith(`:alarm:${p.AlarmName}`));
          if (!hasActions(p) && !inputs.ids.has(id) && !named) findings.push({ stack: s.stackName, logicalId: id, message: 'alarm with no enabled action that no composite alarm uses: nobody would be told' });
        }
      }
      return { checked, findings };
    },
  },
  {
    id: 'CC-7.3-TopicKms',
    clause: '7.3',
    title: 'SNS topics are encrypted with a KMS key',
    fix: 'Set masterKey (KmsMasterKeyId) on the topic',
    check: (stacks) => {
      const checked: { stack: string; logicalId: string }[] = [];
      const findings: Finding[] = [];
      for (const s of stacks) {
        for (const [id, p] of resourcesOfType(s.template, 'AWS::SNS::Topic')) {
          checked.push({ stack: s.stackName, logicalId: id });
          if (p.KmsMasterKeyId === undefined) findings.push({ stack: s.stackName, logicalId: id, message: 'topic without KMS encryption' });
        }
      }
      return { checked, findings };
    },
  },
  {
    id: 'CC-7.3-TopicTls',
    clause: '7.3',
    title: 'SNS topics refuse publishing without TLS (a topic policy denying aws:SecureTransport false)',
    fix: 'Set enforceSSL: true on the topic (or add a Deny sns:Publish statement with Bool aws:SecureTransport "false")',
    check: (stacks) => {
      const checked: { stack: string; logicalId: string }[] = [];
      const findings: Finding[] = [];
      for (const s of stacks) {
        const tls = tlsOnlyTopics(s);
        for (const [id] of resourcesOfType(s.template, 'AWS::SNS::Topic')) {
          checked.push({ stack: s.stackName, logicalId: id });
          if (!tls.has(id)) findings.push({ stack: s.stackName, logicalId: id, message: 'topic whose policy does not deny publishing without TLS' });
        }
      }
      return { checked, findings };
    },
  },
  {
    id: 'CC-5.3.2-FailoverHealthCheck',
    clause: '5.3.2',
    title: 'Every PRIMARY failover record has a health check',
    fix: 'Give the PRIMARY record a healthCheck (without one Route 53 never fails over from it)',
    check: (stacks) => {
      const checked: { stack: string; logicalId: string }[] = [];
      const findings: Finding[] = [];
      for (const s of stacks) {
        for (const [id, p] of resourcesOfType(s.template, 'AWS::Route53::RecordSet')) {
          if (p.Failover !== 'PRIMARY') continue;
          checked.push({ stack: s.stackName, logicalId: id });
          if (p.HealthCheckId === undefined) findings.push({ stack: s.stackName, logicalId: id, message: `PRIMARY failover record ${typeof p.Name === 'string' ? p.Name : ''} without a health check`.replace('  ', ' ') });
        }
      }
      return { checked, findings };
    },
  },
  {
    id: RTO_RULE_ID,
    clause: '1.2.2',
    title: 'The modelled worst-case failover time meets the recovery time objective',
    fix: 'Raise the objective, or lower the health checks\' interval × failure threshold or the failover records\' TTLs (in a contingency plan file: objectives.rtoMinutes, failover.requestIntervalSeconds, failover.failureThreshold, failover.dnsTtlSeconds, failover.fallbackTtlSeconds)',
    check: (stacks, options) => {
      if (options.rtoSeconds === undefined) return undefined;
      const checked: { stack: string; logicalId: string }[] = [];
      const findings: Finding[] = [];
      for (const s of stacks) {
        let hops;
        try {
          hops = failoverTimingFromTemplate(s.template);
        } catch (e) {
          findings.push({ stack: s.stackName, logicalId: '(template)', message: `failover records cannot be modelled: ${(e as Error).message}` });
          continue;
        }
        for (const hop of hops ?? []) {
          checked.push({ stack: s.stackName, logicalId: hop.healthCheckLogicalId });
          const worst = Math.max(hop.hopSeconds, hop.cumulativeSeconds);
          if (worst > options.rtoSeconds) findings.push({
              stack: s.stackName,
              logicalId: hop.healthCheckLogicalId,
              message:
                `failing over ${hop.from} → ${hop.to} can take ${worst} s, more than the objective of ${options.rtoSeconds} s ` +
                `(interval ${hop.inputs.requestIntervalSeconds} s × threshold ${hop.inputs.failureThreshold} + probe timeout, TTL ${hop.inputs.dnsTtlSeconds} s on ${hop.recordName})`,
            });
        }
      }
      return { checked, findings };
    },
  },
  {
    id: 'CC-6.1-LogRetention',
    clause: '6.1',
    title: 'Log groups have a retention period (logs for diagnosis are kept, and customer data in them does not live forever)',
    fix: 'Set retention (RetentionInDays) on the log group',
    check: (stacks) => {
      const checked: { stack: string; logicalId: string }[] = [];
      const findings: Finding[] = [];
      for (const s of stacks) {
        for (const [id, p] of resourcesOfType(s.template, 'AWS::Logs::LogGroup')) {
          checked.push({ stack: s.stackName, logicalId: id });
          if (p.RetentionInDays === undefined) findings.push({ stack: s.stackName, logicalId: id, message: 'log group that keeps logs forever (no retention)' });
        }
      }
      return { checked, findings };
    },
  },
];

export type RuleStatus = 'pass' | 'fail' | 'not-applicable';

/** One rule's outcome: the evidence the plan document lists. */
export interface RuleResult {
  readonly id: string;
  readonly clause: string;
  readonly title: string;
  readonly fix: string;
  readonly status: RuleStatus;
  /** How many resources the rule looked at. */
  readonly checked: number;
  readonly findings: Finding[];
  /** Findings acknowledged in the app, with the reason given. */
  readonly acknowledged: (Finding & { readonly reason: string })[];
}

/**
 * Runs every rule on the stacks. `acknowledgedReason(ruleId, finding)` returns the reason when the
 * app acknowledged that finding (the plugin reads it from the construct tree); such findings do
 * not fail the rule and are listed with their reason.
 */
export function evaluateRules(
  stacks: readonly StackTemplate[],
  options: ChecksOptions = {},
  acknowledgedReason: (ruleId: string, finding: Finding) => string | undefined = () => undefined,
): RuleResult[] {
  const out: RuleResult[] = [];
  for (const rule of RULES) {
    const r = rule.check(stacks, options);
    if (!r) {
      out.push({ id: rule.id, clause: rule.clause, title: rule.title, fix: rule.fix, status: 'not-applicable', checked: 0, findings: [], acknowledged: [] });
      continue;
    }
    const open: Finding[] = [];
    const acknowledged: (Finding & { reason: string })[] = [];
    for (const f of r.findings) {
      const reason = acknowledgedReason(rule.id, f);
      if (reason !== undefined) acknowledged.push({ ...f, reason });
      else open.push(f);
    }
    out.push({
      id: rule.id,
      clause: rule.clause,
      title: rule.title,
      fix: rule.fix,
      status: r.checked.length === 0 && r.findings.length === 0 ? 'not-applicable' : open.length ? 'fail' : 'pass',
      checked: r.checked.length,
      findings: open,
      acknowledged,
    });
  }
  return out;
}
