import { BackupClient, DescribeRestoreJobCommand, ListRecoveryPointsByResourceCommand, StartRestoreJobCommand } from '@aws-sdk/client-backup';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeTableCommand, DynamoDBClient, QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { buildSentinel } from '../../lambdas/sentinel/sentinel';
import { RestoreArgs, runRestore } from '../../cli/commands/restore';
import { loadedPlan } from '../helpers/plan';

const backupMock = mockClient(BackupClient);
const ddbMock = mockClient(DynamoDBClient);
const cfnMock = mockClient(CloudFormationClient);
const { plan } = loadedPlan();
const KEY = 'arn:aws:kms:ap-southeast-1:123456789012:key/k';
const TABLE_ARN = 'arn:aws:dynamodb:ap-southeast-1:123456789012:table/acme-chat-chatbot';
const OLD = new Date('2026-03-08T03:00:00Z');
const NEW = new Date('2026-03-09T03:00:00Z');

let lines: string[];
const args = (o: Partial<RestoreArgs> = {}): RestoreArgs => ({ timeoutMinutes: 120, execute: false, ...o });
const deps = () => ({
  backup: new BackupClient({}),
  ddb: new DynamoDBClient({}),
  cfn: new CloudFormationClient({}),
  print: (l: string) => lines.push(l),
  now: () => new Date('2026-03-09T04:00:00Z'),
  sleep: async () => undefined,
  pollMs: 1,
});

beforeEach(() => {
  lines = [];
  backupMock.reset();
  ddbMock.reset();
  cfnMock.reset();
  ddbMock.on(DescribeTableCommand).resolves({
    Table: { TableArn: TABLE_ARN, KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }], SSEDescription: { SSEType: 'KMS', KMSMasterKeyArn: KEY } },
  });
  backupMock
    .on(ListRecoveryPointsByResourceCommand)
    .resolvesOnce({ RecoveryPoints: [{ RecoveryPointArn: 'rp-old', CreationDate: OLD, Status: 'COMPLETED' }], NextToken: 'p2' })
    .resolves({
      RecoveryPoints: [
        { RecoveryPointArn: 'rp-new', CreationDate: NEW, Status: 'COMPLETED', BackupVaultName: 'acme-chat-backup' },
        { RecoveryPointArn: 'rp-partial', CreationDate: new Date('2026-03-09T03:30:00Z'), Status: 'PARTIAL' },
      ],
    });
  cfnMock.on(DescribeStacksCommand).resolves({ Stacks: [{ StackName: 'acme-chat-primary', CreationTime: OLD, StackStatus: 'CREATE_COMPLETE', Outputs: [{ OutputKey: 'BackupRestoreRoleArnABC123', OutputValue: 'arn:aws:iam::123456789012:role/restore' }] }] });
});

test('dry run: picks the newest COMPLETED recovery point by timestamp, prints the plan, starts nothing', async () => {
  const code = await runRestore(plan, args(), deps());
  expect(code).toBe(0);
  const out = lines.join('\n');
  expect(out).toMatch(/DRY RUN/);
  expect(out).toMatch(/latest recovery point: rp-new/);
  expect(out).toMatch(/created 2026-03-09T03:00:00.000Z \(60 min ago\)/);
  expect(out).toMatch(/NEW table acme-chat-chatbot-restored-20260309-030000/);
  expect(out).toMatch(/NOT deleted automatically/);
  expect(backupMock).not.toHaveReceivedCommand(StartRestoreJobCommand);
});

function restoredTable(sentinelAt: Date) {
  ddbMock.on(ScanCommand).resolves({ Count: 50 });
  const s = buildSentinel('ap-southeast-1', sentinelAt, 'n');
  ddbMock.on(QueryCommand).resolves({ Items: [{ pk: { S: s.pk }, sk: { S: s.sk }, region: { S: s.region }, writtenAt: { S: s.writtenAt }, nonce: { S: s.nonce }, checksum: { S: s.checksum } }] });
  // No knowledge-base item in these tables (the check passes a table without one).
  ddbMock.on(QueryCommand, { KeyConditionExpression: 'pk = :pk AND sk = :sk' }).resolves({ Items: [] });
}

test('execute: restores into a new CMK-encrypted table with the stack role, waits with progress, validates, prints the switch steps', async () => {
  backupMock.on(StartRestoreJobCommand).resolves({ RestoreJobId: 'job-9' });
  backupMock.on(DescribeRestoreJobCommand).resolvesOnce({ Status: 'RUNNING', PercentDone: '50.0%' }).resolves({ Status: 'COMPLETED' });
  restoredTable(new Date(NEW.getTime() - 2 * 60000));
  const code = await runRestore(plan, args({ execute: true }), deps());
  expect(code).toBe(0);
  expect(backupMock).toHaveReceivedCommandWith(StartRestoreJobCommand, {
    RecoveryPointArn: 'rp-new',
    IamRoleArn: 'arn:aws:iam::123456789012:role/restore',
    ResourceType: 'DynamoDB',
    Metadata: { targetTableName: 'acme-chat-chatbot-restored-20260309-030000', encryptionType: 'KMS', kmsMasterKeyArn: KEY },
  });
  const out = lines.join('\n');
  expect(out).toMatch(/RUNNING 50.0%/);
  expect(out).toMatch(/VALIDATION SUCCESSFUL: 50 items/);
  expect(out).toMatch(/REGION#ap-southeast-1.*degraded/);
  expect(out).toMatch(/REGION#ap-northeast-1.*degraded/);
  expect(out).toMatch(/delete-table --region ap-southeast-1 --table-name acme-chat-chatbot-restored-20260309-030000/);
});

test('execute: a failed restore job exits 1 and says why', async () => {
  backupMock.on(StartRestoreJobCommand).resolves({ RestoreJobId: 'job-9' });
  backupMock.on(DescribeRestoreJobCommand).resolves({ Status: 'FAILED', StatusMessage: 'Access denied to KMS key' });
  expect(await runRestore(plan, args({ execute: true, roleArn: 'arn:aws:iam::123456789012:role/x' }), deps())).toBe(1);
  expect(lines.join('\n')).toMatch(/RESTORE FAILED: .*Access denied to KMS key/);
  expect(cfnMock).not.toHaveReceivedCommand(DescribeStacksCommand);
});

test('execute: a stale restore fails validation, exits 1 and advises not to switch', async () => {
  backupMock.on(StartRestoreJobCommand).resolves({ RestoreJobId: 'job-9' });
  backupMock.on(DescribeRestoreJobCommand).resolves({ Status: 'COMPLETED' });
  restoredTable(new Date(NEW.getTime() - 3 * 3600000));
  expect(await runRestore(plan, args({ execute: true }), deps())).toBe(1);
  expect(lines.join('\n')).toMatch(/VALIDATION FAILED SENTINEL_STALE[\s\S]*do not switch/);
});

test('a region outside the plan is refused', async () => {
  await expect(runRestore(plan, args({ region: 'eu-west-1' }), deps())).rejects.toThrow(/neither regions.primary/);
});
