import type { BackupClient } from '@aws-sdk/client-backup';
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Command } from 'commander';
import { Option } from 'commander';
import type { Plan } from '../../lib/config/schema';
import { PHYSICAL_NAMES } from '../../contracts';
import { AwsOptions, deployedStackName, clientConfig, CliError, Io, UsageError, loadPlanOption, positiveInt, withAws, withExecute } from '../common';

/**
 * `contingency restore [--execute]` (plan §6.2.2): restore the chatbot table from its most recent
 * recovery point into a NEW table, validate the copy with the same checks as the scheduled restore
 * tests, and print the steps to switch the chatbot to the restored data. Dry run unless --execute.
 */
export interface RestoreArgs extends AwsOptions {
  readonly targetTable?: string;
  readonly roleArn?: string;
  readonly timeoutMinutes: number;
  readonly execute: boolean;
}

export function register(program: Command, io: Io): void {
  const cmd = program
    .command('restore')
    .description('restore the chatbot table from its latest recovery point into a new table and validate it (dry run unless --execute)')
    .addOption(new Option('--target-table <name>', 'name of the new table (default: <plan>-chatbot-restored-<recovery point time>)'))
    .addOption(new Option('--role-arn <arn>', 'role AWS Backup restores with (default: the BackupRestoreRoleArn output of the regional stack)'))
    .addOption(new Option('--timeout-minutes <n>', 'how long to wait for the restore job').argParser(positiveInt('--timeout-minutes')).default(120));
  withExecute(withAws(cmd, "region of the table to restore: the plan's primary (default) or standby region"), 'start the restore job').action(
    async (opts: Omit<RestoreArgs, 'execute'> & { execute?: boolean }) => {
      const args: RestoreArgs = { ...opts, execute: opts.execute ?? false };
      const { plan } = loadPlanOption(args);
      const region = args.region ?? plan.regions.primary;
      const { BackupClient } = (require('@aws-sdk/client-backup') as typeof import('@aws-sdk/client-backup'));
      const { DynamoDBClient } = (require('@aws-sdk/client-dynamodb') as typeof import('@aws-sdk/client-dynamodb'));
      const { CloudFormationClient } = (require('@aws-sdk/client-cloudformation') as typeof import('@aws-sdk/client-cloudformation'));
      const cfg = clientConfig(region, args);
      const code = await runRestore(plan, args, {
        backup: new BackupClient(cfg),
        ddb: new DynamoDBClient(cfg),
        cfn: new CloudFormationClient(cfg),
        print: io.out,
      });
      if (code !== 0) throw new CliError('');
    },
  );
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
  const { DescribeStacksCommand } = (require('@aws-sdk/client-cloudformation') as typeof import('@aws-sdk/client-cloudformation'));
  const { withRetry } = (require('../../lambdas/restore-validator/backup') as typeof import('../../lambdas/restore-validator/backup'));
  const out = await withRetry(() => cfn.send(new DescribeStacksCommand({ StackName: stackName })));
  const o = (out.Stacks?.[0]?.Outputs ?? []).find((x) => x.OutputKey?.startsWith('BackupRestoreRoleArn'));
  if (!o?.OutputValue) throw new CliError(`stack ${stackName} has no BackupRestoreRoleArn output; deploy it first or pass --role-arn`);
  return o.OutputValue;
}

/** Runs the restore; returns the process exit code (0 ok, 1 failed validation or restore). */
export async function runRestore(plan: Plan, args: RestoreArgs, deps: RestoreDeps): Promise<number> {
  const p = deps.print;
  const region = args.region ?? plan.regions.primary;
  const role = region === plan.regions.primary ? 'primary' : region === plan.regions.standby ? 'standby' : undefined;
  if (!role) throw new UsageError(`--region ${region} is neither regions.primary (${plan.regions.primary}) nor regions.standby (${plan.regions.standby})`);
  const source = PHYSICAL_NAMES.chatbotTable(plan.name);
  p(`${args.execute ? 'EXECUTE' : 'DRY RUN (add --execute to restore)'}: restore ${source} in ${region}`);

  const { DescribeTableCommand } = (require('@aws-sdk/client-dynamodb') as typeof import('@aws-sdk/client-dynamodb'));
  const { StartRestoreJobCommand } = (require('@aws-sdk/client-backup') as typeof import('@aws-sdk/client-backup'));
  const { latestRecoveryPoint, RestoreJobError, waitForRestoreJob, withRetry } = (require('../../lambdas/restore-validator/backup') as typeof import('../../lambdas/restore-validator/backup'));
  const { validateRestoredTable } = (require('../../lambdas/restore-validator/validate') as typeof import('../../lambdas/restore-validator/validate'));
  const { Table } = await deps.ddb.send(new DescribeTableCommand({ TableName: source }));
  if (!Table?.TableArn) throw new CliError(`table ${source} not found in ${region}`);
  const kmsKeyArn = Table.SSEDescription?.KMSMasterKeyArn;
  const rp = await latestRecoveryPoint(deps.backup, Table.TableArn);
  if (!rp?.RecoveryPointArn || !rp.CreationDate) throw new CliError(`no completed recovery point for ${Table.TableArn}; is the table tagged and the backup plan deployed?`);
  const target = args.targetTable ?? `${source}-restored-${stamp(rp.CreationDate)}`;
  const now = (deps.now ?? (() => new Date()))();
  p(`1. latest recovery point: ${rp.RecoveryPointArn}`);
  p(`   created ${rp.CreationDate.toISOString()} (${((now.getTime() - rp.CreationDate.getTime()) / 60000).toFixed(0)} min ago) in vault ${rp.BackupVaultName ?? '?'}`);
  p(`   for a point in time newer than this, DynamoDB PITR restores to any second up to ~5 min ago: aws dynamodb restore-table-to-point-in-time --region ${region} --source-table-name ${source} --target-table-name ${target} --use-latest-restorable-time`);
  const roleArn = args.roleArn ?? (args.execute ? await restoreRoleArn(deps.cfn, deployedStackName(plan, args, role)) : `<output BackupRestoreRoleArn of stack ${deployedStackName(plan, args, role)}>`);
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
