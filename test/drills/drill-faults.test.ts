import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { DRILL_FAULTS_TAG_KEY } from '../../contracts';
import { responseAlarmName } from '../../lib/alerting';
import { synthPlan } from '../helpers/synth';
import { loadedPlan } from '../helpers/plan';

// Fault-injection drills (AWS FIS): the experiment template and the FIS Lambda extension exist only
// when the plan asks for them; targets, stop conditions, reports and every permission are the plan's
// own. Two apps, each synthesized once: the example plan (dns-switch) and a fault-injection plan.
const plain = synthPlan();
const faultPlan = loadedPlan({ drills: { kind: 'fault-injection', faults: ['lambda-errors', 'lambda-delay', 'replication-pause'], fis: { lambdaExtension: true, errorPercentage: 50, delayMilliseconds: 2500 } } }).plan;
const faulty = synthPlan({ plan: faultPlan, source: 'test plan', dir: loadedPlan().dir });
const { primary, failover, standby } = faulty.templates;

const logicalId = (stack: Stack, c: { node: { defaultChild?: unknown } }) => stack.getLogicalId(c.node.defaultChild as never);
const policiesOf = (t: Template, role: RegExp) =>
  Object.values(t.findResources('AWS::IAM::Policy'))
    .filter((p: any) => (p.Properties.Roles ?? []).some((r: any) => role.test(r.Ref)))
    .flatMap((p: any) => p.Properties.PolicyDocument.Statement as any[]);
const actionsOf = (s: any): string[] => [s.Action].flat();

describe('without fault-injection (the example plan)', () => {
  test('no experiment template, no FIS extension on the chatbot function, no FIS rights for the runner', () => {
    for (const t of Object.values(plain.templates)) expect(t.findResources('AWS::FIS::ExperimentTemplate')).toEqual({});
    const fn = plain.templates.primary.findResources('AWS::Lambda::Function')[logicalId(plain.stacks.primary, plain.stacks.primary.chatbot.fn)];
    expect(fn.Properties.Layers).toBeUndefined();
    expect(fn.Properties.Environment.Variables.AWS_LAMBDA_EXEC_WRAPPER).toBeUndefined();
    const runner = policiesOf(plain.templates.failover, /^DrillsFunctionRole/);
    expect(runner.flatMap(actionsOf).filter((a) => a.startsWith('fis:'))).toEqual([]);
  });
});

describe('fault-injection plan with the FIS Lambda extension', () => {
  const templates = Object.entries(primary.findResources('AWS::FIS::ExperimentTemplate'));
  const tpl = templates[0]?.[1].Properties;
  const fnId = logicalId(faulty.stacks.primary, faulty.stacks.primary.chatbot.fn);
  const tableArn = faulty.stacks.primary.resolve(faulty.stacks.primary.table.tableArn);

  test('one template, in the primary stack only, tagged for the runner', () => {
    expect(templates).toHaveLength(1);
    for (const t of [standby, failover, faulty.templates.global]) expect(t.findResources('AWS::FIS::ExperimentTemplate')).toEqual({});
    expect(tpl.Tags[DRILL_FAULTS_TAG_KEY]).toBe(faultPlan.name);
  });

  test('targets are the plan chatbot function and table; each fault lasts the maximum duration', () => {
    expect(tpl.Targets.ChatbotFunction).toEqual({ ResourceType: 'aws:lambda:function', ResourceArns: [{ 'Fn::GetAtt': [fnId, 'Arn'] }], SelectionMode: 'ALL' });
    expect(tpl.Targets.ChatbotTable).toEqual({ ResourceType: 'aws:dynamodb:global-table', ResourceArns: [tableArn], SelectionMode: 'ALL' });
    const duration = `PT${faultPlan.drills.maxDurationMinutes * 60}S`;
    expect(tpl.Actions.LambdaErrors).toMatchObject({ ActionId: 'aws:lambda:invocation-error', Parameters: { duration, invocationPercentage: '50', preventExecution: 'true' }, Targets: { Functions: 'ChatbotFunction' } });
    expect(tpl.Actions.LambdaDelay).toMatchObject({ ActionId: 'aws:lambda:invocation-add-delay', Parameters: { duration, startupDelayMilliseconds: '2500' } });
    expect(tpl.Actions.PauseReplication).toMatchObject({ ActionId: 'aws:dynamodb:global-table-pause-replication', Parameters: { duration }, Targets: { Tables: 'ChatbotTable' } });
    expect(tpl.ExperimentOptions).toEqual({ AccountTargeting: 'single-account', EmptyTargetResolutionMode: 'fail' });
  });

  test('stop conditions are the real emergency response level (us-east-1) and the standby severe level', () => {
    const alarmNames = (t: Template) => Object.values(t.findResources('AWS::CloudWatch::CompositeAlarm')).map((a: any) => a.Properties.AlarmName);
    const emergency = responseAlarmName(faultPlan.name, 'us-east-1', 'emergency');
    const standbySevere = responseAlarmName(faultPlan.name, 'standby', 'severe');
    expect(alarmNames(failover)).toContain(emergency);
    expect(alarmNames(standby)).toContain(standbySevere);
    const rendered = tpl.StopConditions.map((s: any) => {
      expect(s.Source).toBe('aws:cloudwatch:alarm');
      return JSON.stringify(s.Value);
    });
    expect(rendered).toHaveLength(2);
    expect(rendered[0]).toContain(`:cloudwatch:${faulty.stacks.failover.region}:`);
    expect(rendered[0]).toContain(`:alarm:${emergency}`);
    expect(rendered[1]).toContain(`:cloudwatch:${faultPlan.regions.standby}:`);
    expect(rendered[1]).toContain(`:alarm:${standbySevere}`);
  });

  test('reports go to drills/fis in the report bucket; logs to the template log group', () => {
    const report = JSON.stringify(tpl.ExperimentReportConfiguration);
    expect(tpl.ExperimentReportConfiguration.Outputs.ExperimentReportS3Configuration.Prefix).toBe('drills/fis');
    // The global stack's ReportBucketName output, read in us-east-1.
    expect(report).toContain('Fn::GetStackOutput');
    expect(report).toContain(faulty.stacks.global.stackName);
    expect(report).toContain('ReportBucketName');
    expect(faulty.templates.global.toJSON().Outputs.ReportBucketName.Value).toEqual({ Ref: logicalId(faulty.stacks.global, faulty.stacks.global.statusPage.reports) });
    const logGroups = Object.keys(primary.findResources('AWS::Logs::LogGroup')).filter((id) => id.startsWith('DrillFaultsExperimentLogs'));
    expect(logGroups).toHaveLength(1);
    expect(tpl.LogConfiguration).toEqual({ CloudWatchLogsConfiguration: { LogGroupArn: { 'Fn::GetAtt': [logGroups[0], 'Arn'] } }, LogSchemaVersion: 2 });
  });

  test('the FIS role may touch only the plan function, table, configuration prefix and report prefix', () => {
    const roles = Object.entries(primary.findResources('AWS::IAM::Role')).filter(([id]) => id.startsWith('DrillFaultsRole'));
    expect(roles).toHaveLength(1);
    expect(roles[0][1].Properties.AssumeRolePolicyDocument.Statement[0]).toMatchObject({ Principal: { Service: 'fis.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } } });
    const st = policiesOf(primary, /^DrillFaultsRole/);
    const by = (action: string) => st.filter((s) => actionsOf(s).includes(action));
    expect(by('dynamodb:PutResourcePolicy')[0].Resource).toEqual(tableArn);
    expect(by('lambda:GetFunction')[0].Resource).toEqual([{ 'Fn::GetAtt': [fnId, 'Arn'] }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': [fnId, 'Arn'] }, ':*']] }]);
    const bucketId = Object.keys(primary.findResources('AWS::S3::Bucket')).find((id) => id.startsWith('FisLambdaExtensionConfigurations'))!;
    expect(actionsOf(by('s3:DeleteObject')[0]).sort()).toEqual(['s3:DeleteObject', 's3:PutObject']);
    expect(JSON.stringify(by('s3:DeleteObject')[0].Resource)).toContain(`${bucketId}`);
    expect(JSON.stringify(by('s3:DeleteObject')[0].Resource)).toContain('/FisConfigs/*');
    const reportWrite = st.filter((s) => actionsOf(s).join() === 's3:PutObject');
    expect(reportWrite).toHaveLength(1);
    expect(JSON.stringify(reportWrite[0].Resource)).toContain('/drills/fis/*');
    // Only target resolution and vended log delivery use "*".
    const star = st.filter((s) => s.Resource === '*').flatMap(actionsOf).sort();
    expect(star).toEqual(['logs:CreateLogDelivery', 'logs:DescribeLogGroups', 'logs:DescribeResourcePolicies', 'logs:PutResourcePolicy', 'tag:GetResources']);
  });

  test('the chatbot function carries the FIS extension layer and reads only its configuration prefix', () => {
    const fn = primary.findResources('AWS::Lambda::Function')[fnId].Properties;
    expect(JSON.stringify(fn.Layers)).toMatch(/Ref":"SsmParameterValueawsservicefislambdaextensionAWSFISextensionarm641xx/);
    const params = primary.toJSON().Parameters as Record<string, { Default?: string }>;
    expect(Object.values(params).map((p) => p.Default)).toContain('/aws/service/fis/lambda-extension/AWS-FIS-extension-arm64/1.x.x');
    expect(fn.Environment.Variables.AWS_LAMBDA_EXEC_WRAPPER).toBe('/opt/aws-fis/bootstrap');
    expect(JSON.stringify(fn.Environment.Variables.AWS_FIS_CONFIGURATION_LOCATION)).toContain('/FisConfigs/');
    const roleId = faulty.stacks.primary.resolve(faulty.stacks.primary.chatbot.fn.role!.roleName).Ref as string;
    const st = policiesOf(primary, new RegExp(`^${roleId}$`));
    const list = st.find((s) => actionsOf(s).includes('s3:ListBucket'));
    expect(list.Condition).toEqual({ StringLike: { 's3:prefix': ['FisConfigs/*'] } });
    expect(actionsOf(st.find((s) => JSON.stringify(s.Resource).includes('/FisConfigs/*'))).sort()).toEqual(['s3:GetObject']);
  });

  test('the runner may start only the plan template and read or stop only experiments tagged with the plan', () => {
    const st = policiesOf(failover, /^DrillsFunctionRole/).filter((s) => actionsOf(s).some((a) => a.startsWith('fis:')));
    const tag = (kind: string) => ({ StringEquals: { [`aws:${kind}/${DRILL_FAULTS_TAG_KEY}`]: faultPlan.name } });
    const start = st.filter((s) => actionsOf(s).includes('fis:StartExperiment'));
    expect(start).toHaveLength(2);
    expect(JSON.stringify(start.find((s) => JSON.stringify(s.Resource).includes('experiment-template/*')).Condition)).toBe(JSON.stringify(tag('ResourceTag')));
    expect(JSON.stringify(start.find((s) => JSON.stringify(s.Resource).includes(':experiment/*')).Condition)).toBe(JSON.stringify(tag('RequestTag')));
    const stop = st.find((s) => actionsOf(s).includes('fis:StopExperiment'));
    expect(actionsOf(stop).sort()).toEqual(['fis:GetExperiment', 'fis:StopExperiment']);
    expect(stop.Condition).toEqual(tag('ResourceTag'));
    for (const s of st) expect(JSON.stringify(s.Resource) === '"*"' || JSON.stringify(s.Resource).includes(`:fis:${faultPlan.regions.primary}:`)).toBe(true);
    expect(st.filter((s) => s.Resource === '*').flatMap(actionsOf).sort()).toEqual(['fis:ListExperimentTemplates', 'fis:ListExperiments']);
  });
});
