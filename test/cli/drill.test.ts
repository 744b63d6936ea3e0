import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, ListExecutionsCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { drillReport, drillRun, drillStatus } from '../../cli/commands/drill';
import { run } from '../../cli/main';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { examplePlanInput } from '../helpers/plan';

// contingency drill run|status|report with mocked Step Functions (moto has no executions),
// CloudFormation outputs and S3.
const ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:DrillsStateMachine';
const sfn = mockClient(SFNClient);
const cfn = mockClient(CloudFormationClient);
const s3 = mockClient(S3Client);
/** A response body as the SDK gives it (only transformToString is read). */
const body = (t: string) => ({ transformToString: async () => t });
const deps = () => ({ sfn: new SFNClient({ region: 'us-east-1' }), cfn: new CloudFormationClient({ region: 'us-east-1' }), s3: new S3Client({ region: 'us-east-1' }) });

beforeEach(() => {
  sfn.reset();
  cfn.reset();
  s3.reset();
  cfn.on(DescribeStacksCommand, { StackName: 'acme-chat-failover' }).resolves({
    Stacks: [{ StackName: 'acme-chat-failover', CreationTime: new Date(), StackStatus: 'CREATE_COMPLETE', Outputs: [{ OutputKey: 'DrillStateMachineArn', OutputValue: ARN }] }],
  });
  cfn.on(DescribeStacksCommand, { StackName: 'acme-chat-global' }).resolves({
    Stacks: [{ StackName: 'acme-chat-global', CreationTime: new Date(), StackStatus: 'CREATE_COMPLETE', Outputs: [{ OutputKey: 'ReportBucketName', OutputValue: 'reports-b' }] }],
  });
});

test('run: dry run says what the drill does and the window, and starts nothing', async () => {
  const lines = await drillRun({}, { ...deps(), now: () => new Date('2026-03-03T03:00:00Z') });
  expect(lines.join('\n')).toMatch(/objective: standby serves the public name .* within 900 s/);
  expect(lines.join('\n')).toContain('now inside it');
  expect(lines.join('\n')).toContain('--name manual-20260303T030000Z');
  expect(lines.at(-1)).toBe('dry run: nothing started; add --execute to start the drill');
  expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  const outside = await drillRun({}, { ...deps(), now: () => new Date('2026-03-05T15:00:00Z') });
  expect(outside.join('\n')).toContain('OUTSIDE it: the runner will cancel the drill');
});

test('run: a fault-injection plan shows the AWS FIS experiment, its stop conditions and the start call', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fis-plan-'));
  const file = path.join(dir, 'plan.yaml');
  const input = examplePlanInput() as any;
  input.drills = { ...input.drills, kind: 'fault-injection', faults: ['lambda-errors', 'replication-pause'], fis: { lambdaExtension: true, errorPercentage: 40 } };
  fs.writeFileSync(file, stringify(input));
  const text = (await drillRun({ plan: file }, { ...deps(), now: () => new Date('2026-03-03T03:00:00Z') })).join('\n');
  expect(text).toContain('experiment: AWS FIS template tagged contingency:drill-faults=acme-chat in ap-southeast-1 (stack acme-chat-primary), each action for at most 1800 s:');
  expect(text).toContain("  aws:lambda:invocation-error: 40% of the chatbot function's invocations fail");
  expect(text).toContain('  aws:dynamodb:global-table-pause-replication: the chatbot global table stops replicating');
  expect(text).toContain('stop conditions: acme-chat-response-us-east-1-emergency (us-east-1), acme-chat-response-standby-severe (ap-northeast-1)');
  expect(text).toContain('aws fis start-experiment --region ap-southeast-1 --experiment-template-id <the template tagged contingency:drill-faults=acme-chat> --client-token manual-20260303T030000Z');
  expect(text).toMatch(/objective: standby serves the public name .* within 900 s/);
  expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  // The example plan (dns-switch) shows no experiment.
  expect((await drillRun({}, { ...deps(), now: () => new Date('2026-03-03T03:00:00Z') })).join('\n')).not.toContain('experiment:');
});

test('run --execute starts an execution on the state machine of the stack output', async () => {
  sfn.on(StartExecutionCommand).resolves({ executionArn: `${ARN}:manual-x`, startDate: new Date() });
  const lines = await drillRun({ execute: true }, { ...deps(), now: () => new Date('2026-03-03T03:00:00Z') });
  expect(sfn.commandCalls(StartExecutionCommand)[0].args[0].input).toEqual({ stateMachineArn: ARN, name: 'manual-20260303T030000Z', input: '{}' });
  expect(lines).toContain(`started: ${ARN}:manual-x`);
});

test('status: one line per execution with the phase and abort read from its output', async () => {
  sfn.on(ListExecutionsCommand).resolves({
    executions: [
      { executionArn: 'e1', stateMachineArn: ARN, name: 'd1', status: 'FAILED', startDate: new Date('2026-03-03T02:00:00Z'), stopDate: new Date('2026-03-03T02:40:00Z') },
      { executionArn: 'e2', stateMachineArn: ARN, name: 'd2', status: 'RUNNING', startDate: new Date('2026-03-04T02:00:00Z') },
    ],
  });
  sfn.on(DescribeExecutionCommand, { executionArn: 'e1' }).resolves({ executionArn: 'e1', stateMachineArn: ARN, status: 'FAILED', startDate: new Date(), output: JSON.stringify({ state: { phase: 'done', abort: { condition: 'burn-rate' } } }) });
  const lines = await drillStatus({}, deps());
  expect(lines[0]).toMatch(/^d1 {2}FAILED .* phase done, aborted \(burn-rate\)$/);
  expect(lines[1]).toMatch(/^d2 {2}RUNNING {2}started 2026-03-04T02:00:00.000Z$/);
});

test('report: the latest Markdown report by default, a given one as JSON', async () => {
  s3.on(ListObjectsV2Command).resolves({
    Contents: [
      { Key: 'drills/2026/old.json', LastModified: new Date('2026-01-01') },
      { Key: 'drills/2026/new.json', LastModified: new Date('2026-03-03') },
      { Key: 'drills/2026/new.md', LastModified: new Date('2026-03-03') },
      { Key: 'drills/last-success.json', LastModified: new Date('2026-03-04') },
    ],
  });
  s3.on(GetObjectCommand, { Bucket: 'reports-b', Key: 'drills/2026/new.md' }).resolves({ Body: body('# Drill report: x\n') as never });
  s3.on(GetObjectCommand, { Bucket: 'reports-b', Key: 'drills/2026/old.json' }).resolves({ Body: body('{"passed":true}') as never });
  expect(await drillReport({}, deps())).toEqual(['# s3://reports-b/drills/2026/new.md', '# Drill report: x']);
  expect(await drillReport({ id: 'old', json: true }, deps())).toEqual(['# s3://reports-b/drills/2026/old.json', '{"passed":true}']);
  await expect(drillReport({ id: 'nope' }, deps())).rejects.toThrow('no report for drill nope in s3://reports-b/drills/');
});

test('command line: unknown flag and a bad --id are usage errors (exit 2, one line)', async () => {
  const err: string[] = [];
  const io = { out: () => undefined, err: (l: string) => err.push(l) };
  expect(await run(['drill', 'run', '--bogus'], io)).toBe(2);
  expect(await run(['drill', 'report', '--id', 'a/b', '--bucket', 'x'], io)).toBe(2);
  expect(err).toHaveLength(2);
  expect(err[1]).toBe('contingency: --id must be a drill id (letters, digits, _ and -), got "a/b"');
});

test('--stack-prefix: a plan deployed under a CDK Stage (stacks Prod-acme-chat-*) is found by its prefix; a bad prefix is a usage error', async () => {
  cfn.on(DescribeStacksCommand, { StackName: 'Prod-acme-chat-failover' }).resolves({
    Stacks: [{ StackName: 'Prod-acme-chat-failover', CreationTime: new Date(), StackStatus: 'CREATE_COMPLETE', Outputs: [{ OutputKey: 'DrillStateMachineArn', OutputValue: `${ARN}Prod` }] }],
  });
  sfn.on(StartExecutionCommand).resolves({ executionArn: `${ARN}Prod:manual-x`, startDate: new Date() });
  const dry = await drillRun({ stackPrefix: 'Prod-acme-chat' }, { ...deps(), now: () => new Date('2026-03-03T03:00:00Z') });
  expect(dry.join('\n')).toContain('<output DrillStateMachineArn of Prod-acme-chat-failover>');
  await drillRun({ stackPrefix: 'Prod-acme-chat', execute: true }, { ...deps(), now: () => new Date('2026-03-03T03:00:00Z') });
  expect(sfn.commandCalls(StartExecutionCommand)[0].args[0].input.stateMachineArn).toBe(`${ARN}Prod`);
  const err: string[] = [];
  expect(await run(['drill', 'run', '--stack-prefix', 'Prod_acme'], { out: () => undefined, err: (l: string) => err.push(l) })).toBe(2);
  expect(err).toEqual(['contingency: --stack-prefix must start with a letter and hold only letters, digits and hyphens (a CloudFormation stack name), got "Prod_acme"']);
});
