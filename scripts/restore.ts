#!/usr/bin/env -S npx tsx
/**
 * Operator restore (plan §6.2.2): restore the chatbot table from its most recent recovery point,
 * validate the copy with the same checks as the scheduled restore tests, and print the steps to
 * switch the chatbot to the restored data. Dry-run unless --execute is given.
 *
 *   npx tsx scripts/restore.ts --plan plans/example.yaml [--region ap-southeast-1] [--target-table NAME]
 *                              [--role-arn ARN] [--timeout-minutes 120] [--execute]
 */
import { BackupClient, StartRestoreJobCommand } from '@aws-sdk/client-backup';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PHYSICAL_NAMES } from '../contracts';
import { EXAMPLE_PLAN_PATH, loadPlan, Plan } from '../lib/config';
import { latestRecoveryPoint, RestoreJobError, waitForRestoreJob, withRetry } from '../lambdas/restore-validator/backup';
import { validateRestoredTable } from '../lambdas/restore-validator/validate';

export interface RestoreArgs {
  readonly plan: string;
  readonly region?: string;
  readonly targetTable?: string;
  readonly roleArn?: string;
  readonly timeoutMinutes: number;
  readonly execute: boolean;
}

export function parseArgs(argv: readonly string[]): RestoreArgs {
  const out: { plan: string; region?: string; targetTable?: string; roleArn?: string; timeoutMinutes: number; execute: boolean } = {
    plan: EXAMPLE_PLAN_PATH,
    timeoutMinutes: 120,
    execute: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--plan') out.plan = value();
    else if (a === '--region') out.region = value();
    else if (a === '--target-table') out.targetTable = value();
    else if (a === '--role-arn') out.roleArn = value();
    else if (a === '--timeout-minutes') out.timeoutMinutes = Number(value());
    else if (a === '--execute') out.execute = true;
    else throw new Error(`unknown option ${a}; use --plan, --region, --target-table, --role-arn, --timeout-minutes, --execute`);
  }
  if (!Number.isFinite(out.timeoutMinutes) || out.timeoutMinutes <= 0) throw new Error('--timeout-minutes must be a positive number');
  return out;
}

export interface RestoreDeps {
  readonly backup: BackupClient;
  readonly ddb: DynamoDBClient;
  readonly cfn: CloudFormationClient;
  readonly print: (line: string) => void;
  readonly now?: () => Date;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly pollMs?: number;
}

const stamp = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');

async function restoreRoleArn(cfn: CloudFormationClient, stackName: string): Promise<string> {
  const out = await withRetry(() => cfn.send(new DescribeStacksCommand({ StackName: stackName })));
  const o = (out.Stacks?.[0]?.Outputs ?? []).find((x) => x.OutputKey?.startsWith('BackupRestoreRoleArn'));
  if (!o?.OutputValue) throw new Error(`stack ${stackName} has no BackupRestoreRoleArn output; deploy it first or pass --role-arn`);
  return o.OutputValue;
}

/** Runs the restore; returns the process exit code (0 ok, 1 failed validation or restore). */
export async function runRestore(plan: Plan, args: RestoreArgs, deps: RestoreDeps): Promise<number> {
  const p = deps.print;
  const region = args.region ?? plan.regions.primary;
  const role = region === plan.regions.primary ? 'primary' : region === plan.regions.standby ? 'standby' : undefined;
  if (!role) throw new Error(`--region ${region} is neither regions.primary (${plan.regions.primary}) nor regions.standby (${plan.regions.standby})`);
  const source = PHYSICAL_NAMES.chatbotTable(plan.name);
  p(`${args.execute ? 'EXECUTE' : 'DRY RUN (add --execute to restore)'}: restore ${source} in ${region}`);

  const { Table } = await deps.ddb.send(new DescribeTableCommand({ TableName: source }));
  if (!Table?.TableArn) throw new Error(`table ${source} not found in ${region}`);
  const kmsKeyArn = Table.SSEDescription?.KMSMasterKeyArn;
  const rp = await latestRecoveryPoint(deps.backup, Table.TableArn);
  if (!rp?.RecoveryPointArn || !rp.CreationDate) throw new Error(`no completed recovery point for ${Table.TableArn}; is the table tagged and the backup plan deployed?`);
  const target = args.targetTable ?? `${source}-restored-${stamp(rp.CreationDate)}`;
  const now = (deps.now ?? (() => new Date()))();
  p(`1. latest recovery point: ${rp.RecoveryPointArn}`);
  p(`   created ${rp.CreationDate.toISOString()} (${((now.getTime() - rp.CreationDate.getTime()) / 60000).toFixed(0)} min ago) in vault ${rp.BackupVaultName ?? '?'}`);
  p(`   for a point in time newer than this, DynamoDB PITR restores to any second up to ~5 min ago: aws dynamodb restore-table-to-point-in-time --region ${region} --source-table-name ${source} --target-table-name ${target} --use-latest-restorable-time`);
  const roleArn = args.roleArn ?? (args.execute ? await restoreRoleArn(deps.cfn, `${plan.name}-${role}`) : `<output BackupRestoreRoleArn of stack ${plan.name}-${role}>`);
  const metadata: Record<string, string> = { targetTableName: target, ...(kmsKeyArn ? { encryptionType: 'KMS', kmsMasterKeyArn: kmsKeyArn } : {}) };
  p(`2. start restore into NEW table ${target} (the live table is not touched), role ${roleArn}, metadata ${JSON.stringify(metadata)}`);
  p(`3. wait up to ${args.timeoutMinutes} min, then validate: key schema, key types, encryption, indexes and billing, item count as of the recovery point within ${plan.backup.itemCountTolerancePercent}%, this region's sentinel intact and fresh`);
  p('   this copy is NOT deleted automatically (only restore-test copies are, after the validation window): delete it when done');
  if (!args.execute) return 0;

  const started = await withRetry(() =>
    deps.backup.send(new StartRestoreJobCommand({ RecoveryPointArn: rp.RecoveryPointArn, IamRoleArn: roleArn, ResourceType: 'DynamoDB', Metadata: metadata })),
  );
  const jobId = started.RestoreJobId!;
  p(`restore job ${jobId} started`);
  try {
    await waitForRestoreJob(deps.backup, jobId, {
      timeoutMs: args.timeoutMinutes * 60000,
      ...(deps.pollMs !== undefined ? { pollMs: deps.pollMs } : {}),
      ...(deps.sleep ? { sleep: deps.sleep } : {}),
      onProgress: (j) => p(`  ${j.Status ?? '?'} ${j.PercentDone ?? ''}`.trimEnd()),
    });
  } catch (e) {
    if (e instanceof RestoreJobError) {
      p(`RESTORE ${e.status}: ${e.message}`);
      return 1;
    }
    throw e;
  }
  const result = await validateRestoredTable(deps.ddb, {
    sourceTable: source,
    restoredTable: target,
    region,
    recoveryPointCreated: rp.CreationDate,
    itemCountTolerancePercent: plan.backup.itemCountTolerancePercent,
    sentinelIntervalMinutes: plan.backup.sentinelIntervalMinutes,
  });
  if (!result.ok) {
    p(`VALIDATION FAILED ${result.failure!.code}: ${result.failure!.reason}`);
    p(`do not switch to ${target}; try an older recovery point (aws backup list-recovery-points-by-resource --resource-arn ${Table.TableArn}) or PITR`);
    return 1;
  }
  p(`VALIDATION SUCCESSFUL: ${result.restoredCount} items (live ${result.sourceCount}), sentinel ${result.newestSentinel!.toISOString()}`);
  p('Switch the chatbot to the restored data:');
  for (const r of [plan.regions.primary, plan.regions.standby]) {
    p(
      `  a. hand customers to agents while you switch: aws dynamodb put-item --region ${r} --table-name ${source} --item '{"pk":{"S":"CONTROL"},"sk":{"S":"REGION#${r}"},"degraded":{"BOOL":true},"reason":{"S":"restore"}}'`,
    );
  }
  p(`  b. check the restored copy: aws dynamodb scan --region ${region} --table-name ${target} --max-items 20`);
  p(`  c. copy its items into the live global table (keeps replication, IAM and alarms), e.g. with an export/import or a scan + batch-write of ${target} into ${source};`);
  p('     items written to the live table after the recovery point are kept unless you delete them');
  p(`  d. lift the degraded flag in both regions (aws dynamodb delete-item ... --key '{"pk":{"S":"CONTROL"},"sk":{"S":"REGION#<region>"}}') and watch GET /health`);
  p(`  e. delete the copy: aws dynamodb delete-table --region ${region} --table-name ${target}`);
  return 0;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const { plan } = loadPlan(args.plan);
  const region = args.region ?? plan.regions.primary;
  const code = await runRestore(plan, args, {
    backup: new BackupClient({ region }),
    ddb: new DynamoDBClient({ region }),
    cfn: new CloudFormationClient({ region }),
    print: (l) => console.log(l),
  });
  process.exitCode = code;
}

if (require.main === module) {
  main().catch((e: Error) => {
    console.error(e.message);
    process.exitCode = 1;
  });
}
