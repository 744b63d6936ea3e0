import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { CHATBOT_RUNTIME, LAMBDAS_DIR, ProjectFunction } from '../../lib/shared';

// No bundling here (test/shared/bundling.test.ts bundles every project function once).
const newStack = () =>
  new Stack(new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-pf-')), context: { 'aws:cdk:bundling-stacks': [] } }), 'S', { env: { region: 'ap-southeast-1' } });

describe('ProjectFunction', () => {
  let stack: Stack;
  let pf: ProjectFunction;
  let t: Template;
  beforeAll(() => {
    stack = newStack();
    pf = new ProjectFunction(stack, 'Fn', {
      handlerDir: 'sentinel',
      description: 'A test function',
      serviceName: 'test-service',
      environment: { TABLE_NAME: 'x' },
      logRetention: logs.RetentionDays.ONE_WEEK,
    });
    t = Template.fromStack(stack);
  });

  test('arm64, the project runtime, 256 MB and 1 min by default, house environment', () => {
    const fn = Object.values(t.findResources('AWS::Lambda::Function'))[0].Properties;
    expect(fn).toMatchObject({ Architectures: ['arm64'], Runtime: CHATBOT_RUNTIME.name, MemorySize: 256, Timeout: 60, Handler: 'index.handler', Description: 'A test function' });
    expect(fn.TracingConfig).toBeUndefined();
    expect(fn.ReservedConcurrentExecutions).toBeUndefined();
    expect(fn.Environment.Variables).toEqual({ TABLE_NAME: 'x', POWERTOOLS_SERVICE_NAME: 'test-service', NODE_OPTIONS: '--enable-source-maps' });
  });

  test('own log group with the given retention; the function logs there', () => {
    t.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
    const fn = Object.values(t.findResources('AWS::Lambda::Function'))[0].Properties;
    expect(fn.LoggingConfig).toEqual({ LogGroup: { Ref: stack.getLogicalId(pf.logGroup.node.defaultChild as logs.CfnLogGroup) } });
  });

  test('explicit role: no managed policies, may only write to its own log group', () => {
    const role = Object.values(t.findResources('AWS::IAM::Role'))[0].Properties;
    expect(role.ManagedPolicyArns).toBeUndefined();
    expect(role.Description).toBe('A test function');
    const statements = Object.values(t.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement);
    expect(statements).toEqual([
      { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [stack.getLogicalId(pf.logGroup.node.defaultChild as logs.CfnLogGroup), 'Arn'] } },
    ]);
  });

  test('options: entry file, memory, timeout, tracing, reserved concurrency, an existing role and log group', () => {
    const s = newStack();
    const role = new iam.Role(s, 'Own', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const logGroup = new logs.LogGroup(s, 'OwnLogs');
    const f = new ProjectFunction(s, 'Fn', {
      entry: path.join(LAMBDAS_DIR, 'chatbot', 'handler.ts'),
      description: 'd',
      serviceName: 'svc',
      memorySize: 512,
      timeout: Duration.seconds(10),
      tracing: lambda.Tracing.ACTIVE,
      reservedConcurrentExecutions: 3,
      role,
      logGroup,
    });
    expect(f.role).toBe(role);
    expect(f.logGroup).toBe(logGroup);
    const tt = Template.fromStack(s);
    expect(Object.keys(tt.findResources('AWS::IAM::Role'))).toEqual([s.getLogicalId(role.node.defaultChild as iam.CfnRole)]);
    expect(Object.keys(tt.findResources('AWS::Logs::LogGroup'))).toEqual([s.getLogicalId(logGroup.node.defaultChild as logs.CfnLogGroup)]);
    tt.hasResourceProperties('AWS::Lambda::Function', { MemorySize: 512, Timeout: 10, TracingConfig: { Mode: 'Active' }, ReservedConcurrentExecutions: 3 });
    // The given role still gets write access to the given log group.
    tt.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [s.getLogicalId(logGroup.node.defaultChild as logs.CfnLogGroup), 'Arn'] } }, { Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' }] },
      Roles: [{ Ref: s.getLogicalId(role.node.defaultChild as iam.CfnRole) }],
    });
  });

  test('id Default leaves the construct out of logical ids (how callers kept their ids)', () => {
    const s = newStack();
    const f = new ProjectFunction(s, 'Default', { handlerDir: 'sentinel', description: 'd', serviceName: 'svc' });
    expect(s.getLogicalId(f.role.node.defaultChild as iam.CfnRole)).toMatch(/^Role[0-9A-F]{8}$/);
    expect(s.getLogicalId(f.fn.node.defaultChild as lambda.CfnFunction)).toMatch(/^Handler[0-9A-F]{8}$/);
  });

  test('exactly one of handlerDir and entry', () => {
    expect(() => new ProjectFunction(newStack(), 'F', { description: 'd', serviceName: 's' })).toThrow(/S\/F: give exactly one of handlerDir and entry, got: neither/);
    expect(() => new ProjectFunction(newStack(), 'F', { handlerDir: 'sentinel', entry: '/x/handler.ts', description: 'd', serviceName: 's' })).toThrow(
      /give exactly one of handlerDir and entry, got: both/,
    );
  });
});
