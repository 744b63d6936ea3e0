import * as fs from 'fs';
import * as path from 'path';
import type * as cxapi from 'aws-cdk-lib/cx-api';
import { AlarmRecord, readAlarmRegistry } from '../alerting/registry';
import { CfnTemplateLike, FailoverHop, failoverTimingFromTemplate } from '../failover/timing-model';
import { PlanRecord, readPlanRecord } from './record';
import { costReport, CostReport } from '../cost/report';
import type { StackTemplate } from '../assembly/templates';

/** Backups and restore tests of one region, read from its template. */
export interface RegionBackup {
  readonly region: string;
  readonly schedules: string[];
  readonly retentionDays: number[];
  /** Regions (or vault ARNs, for another account) every recovery point is copied to. */
  readonly copyTo: string[];
  /** Point-in-time recovery on the selected tables, with its period in days. */
  readonly pitr: { readonly enabled: boolean; readonly days?: number };
  readonly vaultLock?: { readonly min?: number; readonly max?: number };
  readonly restoreSchedules: string[];
  readonly validationWindowHours: number[];
}

/** A drill report (tabletop or live) given as evidence. */
export interface DrillEvidence {
  readonly file: string;
  readonly kind: 'tabletop' | 'live';
  readonly scenario: string;
  readonly rtoSeconds: number;
  readonly detectionSeconds: Record<string, number | null>;
  readonly failoverSeconds: number | null;
  readonly recoverySeconds: number | null;
  readonly passed: boolean;
  readonly failures: string[];
}

/** A restore test given as evidence (an AWS Backup restore job). */
export interface RestoreEvidence {
  readonly file: string;
  readonly jobId: string;
  readonly status: string;
  readonly validation?: string;
  /** Creation → completion of the restore job. */
  readonly seconds: number | null;
}

export interface Evidence {
  readonly drills: DrillEvidence[];
  readonly restores: RestoreEvidence[];
}

/** Everything the plan document shows, read from one synthesized assembly (and optional evidence). */
export interface DocModel {
  readonly plan: PlanRecord;
  readonly alarms: AlarmRecord[];
  readonly failover: FailoverHop[];
  readonly backups: RegionBackup[];
  /** The cost report (`contingency cost`) of the assembly's templates and the plan record's contacts and secrets. */
  readonly cost: CostReport;
  readonly evidence?: Evidence;
}

type Resource = { Type: string; Properties?: Record<string, any> };

function resources(template: CfnTemplateLike, type: string): Resource[] {
  return Object.values(template.Resources ?? {}).filter((r) => r.Type === type) as Resource[];
}

/** The region named in a (possibly Fn::Join'ed) backup vault ARN, else the ARN itself. */
function vaultRegion(arn: unknown): string {
  const text = JSON.stringify(arn);
  const m = /:backup:([a-z0-9-]+):/.exec(text);
  return m ? m[1] : text;
}

/** A table replica, with the region it lives in (a global table in one template holds every region's replica). */
type Replica = { Region?: string; Tags?: { Key: string; Value: string }[]; PointInTimeRecoverySpecification?: { PointInTimeRecoveryEnabled?: boolean; RecoveryPeriodInDays?: number } };

function backupOf(region: string, template: CfnTemplateLike, replicas: readonly Replica[]): RegionBackup | undefined {
  const plans = resources(template, 'AWS::Backup::BackupPlan');
  if (!plans.length) return undefined;
  const rules = plans.flatMap((p) => (p.Properties?.BackupPlan?.BackupPlanRule ?? []) as any[]);
  const selections = resources(template, 'AWS::Backup::BackupSelection').flatMap((s) => (s.Properties?.BackupSelection?.ListOfTags ?? []) as any[]);
  const selected = (replica: Replica) => selections.some((c) => (replica.Tags ?? []).some((t) => t.Key === c.ConditionKey && t.Value === c.ConditionValue));
  // The tables this region's backup plan selects (by tag), as replicas in this region.
  const pitr = replicas.filter((r) => r.Region === region && selected(r)).map((r) => r.PointInTimeRecoverySpecification ?? {});
  const vault = resources(template, 'AWS::Backup::BackupVault')[0]?.Properties?.LockConfiguration;
  const testing = resources(template, 'AWS::Backup::RestoreTestingPlan');
  return {
    region,
    schedules: rules.map((r) => String(r.ScheduleExpression)),
    retentionDays: rules.map((r) => Number(r.Lifecycle?.DeleteAfterDays)),
    copyTo: [...new Set(rules.flatMap((r) => ((r.CopyActions ?? []) as any[]).map((c) => vaultRegion(c.DestinationBackupVaultArn))))],
    pitr: pitr.length
      ? { enabled: pitr.every((p) => p.PointInTimeRecoveryEnabled === true), ...(pitr[0].RecoveryPeriodInDays ? { days: pitr[0].RecoveryPeriodInDays } : {}) }
      : { enabled: false },
    ...(vault ? { vaultLock: { min: vault.MinRetentionDays, max: vault.MaxRetentionDays } } : {}),
    restoreSchedules: testing.map((t) => String(t.Properties?.ScheduleExpression)),
    validationWindowHours: resources(template, 'AWS::Backup::RestoreTestingSelection').map((s) => Number(s.Properties?.ValidationWindowHours)),
  };
}

/** Reads the document model from a synthesized assembly. */
export function modelFromAssembly(assembly: cxapi.CloudAssembly, evidence?: Evidence): DocModel {
  const plan = readPlanRecord(assembly);
  let failover: FailoverHop[] = [];
  const backups: RegionBackup[] = [];
  const replicas = assembly.stacks.flatMap((s) => resources(s.template as CfnTemplateLike, 'AWS::DynamoDB::GlobalTable').flatMap((t) => (t.Properties?.Replicas ?? []) as Replica[]));
  for (const stack of assembly.stacks) {
    const template = stack.template as CfnTemplateLike;
    failover = failoverTimingFromTemplate(template) ?? failover;
    const b = backupOf(stack.environment.region, template, replicas);
    if (b) backups.push(b);
  }
  const order = [plan.regions.primary, plan.regions.standby];
  backups.sort((a, b) => order.indexOf(a.region) - order.indexOf(b.region));
  const stacks: StackTemplate[] = assembly.stacks.map((s) => ({ stackName: s.stackName, region: s.environment.region === 'unknown-region' ? undefined : s.environment.region, template: s.template }));
  if (!plan.cost) throw new Error(`the plan record in ${assembly.directory} has no cost inputs (written by an older version): synthesize the plan again`);
  const cost = costReport(stacks, { contacts: plan.cost.contacts, external: { secrets: plan.cost.secrets } });
  return { plan, alarms: readAlarmRegistry(assembly), failover, backups, cost, ...(evidence ? { evidence } : {}) };
}

/** A problem with an evidence file: which file, what is wrong, what to give instead. */
export class EvidenceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EvidenceError';
  }
}

const seconds = (from?: string, to?: string): number | null => (from && to ? Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000)) : null);

/**
 * Reads the evidence folder: every `*.json` file is a drill report (tabletop or live: `objectives`,
 * `measured`, `passed`; live ones also `live`) or AWS Backup restore jobs (the output of
 * `aws backup list-restore-jobs`, `{RestoreJobs: [...]}`, or one job). Anything else is an error
 * naming the file, so no document is written from evidence half read.
 */
export function readEvidence(dir: string): Evidence {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new EvidenceError(`--evidence ${dir}: not a folder; give the folder holding drill report.json files and restore-job JSON`);
  const drills: DrillEvidence[] = [];
  const restores: RestoreEvidence[] = [];
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.json')) files.push(p);
    }
  };
  walk(dir);
  for (const file of files) {
    const rel = path.relative(dir, file);
    let data: any;
    try {
      data = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      throw new EvidenceError(`--evidence ${rel}: not valid JSON (${(e as Error).message}); fix or remove the file`);
    }
    if (data && typeof data.objectives?.rtoSeconds === 'number' && data.measured && typeof data.passed === 'boolean') {
      drills.push({
        file: rel,
        kind: data.live ? 'live' : 'tabletop',
        scenario: String(data.scenario ?? rel),
        rtoSeconds: data.objectives.rtoSeconds,
        detectionSeconds: data.measured.detectionSeconds ?? {},
        failoverSeconds: data.measured.failoverSeconds ?? null,
        recoverySeconds: data.measured.recoverySeconds ?? null,
        passed: data.passed,
        failures: Array.isArray(data.failures) ? data.failures.map(String) : [],
      });
      continue;
    }
    const jobs: any[] | undefined = Array.isArray(data?.RestoreJobs) ? data.RestoreJobs : data?.RestoreJobId ? [data] : undefined;
    if (jobs) {
      for (const j of jobs) {
        restores.push({
          file: rel,
          jobId: String(j.RestoreJobId ?? '?'),
          status: String(j.Status ?? '?'),
          ...(j.ValidationStatus ? { validation: String(j.ValidationStatus) } : {}),
          seconds: seconds(j.CreationDate, j.CompletionDate),
        });
      }
      continue;
    }
    throw new EvidenceError(
      `--evidence ${rel}: neither a drill report (objectives.rtoSeconds, measured, passed) nor AWS Backup restore jobs ({"RestoreJobs": [...]} from aws backup list-restore-jobs); move it out of the folder`,
    );
  }
  return { drills, restores };
}
