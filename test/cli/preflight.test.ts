import { BackupClient, DescribeRegionSettingsCommand } from '@aws-sdk/client-backup';
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { GetAccountSettingsCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateHostedZoneCommand, GetAccountLimitCommand, Route53Client } from '@aws-sdk/client-route-53';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetSMSSandboxAccountStatusCommand, ListSMSSandboxPhoneNumbersCommand, SNSClient } from '@aws-sdk/client-sns';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { CheckResult, preflight, PreflightClients, renderTable } from '../../cli/commands/preflight';
import type { Plan } from '../../lib/config';
import { cleanEnv, runCli } from '../helpers/cli';
import { Moto, startMoto } from '../helpers/moto';
import { loadedPlan, loadedPlanWith } from '../helpers/plan';

// moto_server answers SSM (bootstrap version), CloudFormation (CDKToolkit), Secrets Manager and
// Route 53 hosted zones. It has no AWS Backup region settings, SNS SMS sandbox, Lambda account
// settings or Route 53 account limits: those four are mocked (aws-sdk-client-mock), per region.

let moto: Moto;
let zoneId: string;
const PRIMARY = 'ap-southeast-1';
const STANDBY = 'ap-northeast-1';
const GLOBAL = 'us-east-1';

const backupMock = mockClient(BackupClient);
const snsMock = mockClient(SNSClient);
const lambdaMock = mockClient(LambdaClient);
const limits = new Route53Client({ region: GLOBAL });
const limitsMock = mockClient(limits);

const cfg = (region: string) => ({ ...moto.clientConfig, region });
const clients = (): PreflightClients => ({
  ssm: (r) => new SSMClient(cfg(r)),
  cloudformation: (r) => new CloudFormationClient(cfg(r)),
  secrets: (r) => new SecretsManagerClient(cfg(r)),
  backup: (r) => new BackupClient({ region: r }),
  sns: (r) => new SNSClient({ region: r }),
  lambda: (r) => new LambdaClient({ region: r }),
  route53: () => new Route53Client(cfg(GLOBAL)),
  route53Limits: () => limits,
});
const regionOf = async (getClient: () => { config: { region: unknown } }) => {
  const r = getClient().config.region;
  return typeof r === 'function' ? await (r as () => Promise<string>)() : (r as string);
};

beforeAll(async () => {
  moto = await startMoto(GLOBAL);
  // Bootstrapped in the primary and us-east-1 only.
  for (const r of [PRIMARY, GLOBAL]) {
    await new SSMClient(cfg(r)).send(new PutParameterCommand({ Name: '/cdk-bootstrap/hnb659fds/version', Value: '29', Type: 'String' }));
    await new CloudFormationClient(cfg(r)).send(
      new CreateStackCommand({ StackName: 'CDKToolkit', TemplateBody: JSON.stringify({ Resources: { Topic: { Type: 'AWS::SNS::Topic' } } }) }),
    );
  }
  // Every webhook secret in the two chatbot regions; the Slack one is missing in us-east-1.
  for (const r of [PRIMARY, STANDBY, GLOBAL]) {
    for (const name of ['acme-chat/alerts/slack-ops', 'acme-chat/alerts/dingtalk-cs', 'acme-chat/alerts/partner-webhook']) {
      if (r === GLOBAL && name.includes('slack')) continue;
      await new SecretsManagerClient(cfg(r)).send(new CreateSecretCommand({ Name: name, SecretString: '{"url":"https://hooks.example.test/x"}' }));
    }
  }
  const zone = await new Route53Client(cfg(GLOBAL)).send(new CreateHostedZoneCommand({ Name: 'acme-example.com', CallerReference: 'preflight-test' }));
  zoneId = zone.HostedZone!.Id!.replace('/hostedzone/', '');

  backupMock.on(DescribeRegionSettingsCommand).callsFake(async (_input, getClient) => {
    const region = await regionOf(getClient as never);
    return { ResourceTypeOptInPreference: { DynamoDB: true }, ResourceTypeManagementPreference: { DynamoDB: region === PRIMARY } };
  });
  snsMock.on(GetSMSSandboxAccountStatusCommand).callsFake(async (_input, getClient) => ({ IsInSandbox: (await regionOf(getClient as never)) === STANDBY }));
  snsMock.on(ListSMSSandboxPhoneNumbersCommand).resolves({ PhoneNumbers: [{ PhoneNumber: '+85291234567', Status: 'Verified' }] });
  lambdaMock.on(GetAccountSettingsCommand).callsFake(async (_input, getClient) =>
    (await regionOf(getClient as never)) === PRIMARY
      ? { AccountLimit: { ConcurrentExecutions: 1000, UnreservedConcurrentExecutions: 1000 } }
      : { AccountLimit: { ConcurrentExecutions: 10, UnreservedConcurrentExecutions: 10 } },
  );
  limitsMock.on(GetAccountLimitCommand, { Type: 'MAX_HEALTH_CHECKS_BY_OWNER' }).resolves({ Limit: { Type: 'MAX_HEALTH_CHECKS_BY_OWNER', Value: 200 }, Count: 198 });
});
afterAll(async () => moto?.stop());

/** The example plan with an existing zone. moto's zone ids are not in Route 53's format, so the id is set after validation. */
const withZone = (name: string, id: string, zone: string): Plan => {
  const plan = loadedPlanWith((p) => {
    p.dns = { name, zone: { id: 'Z0123456789ABCDEFGHIJ', name: zone } };
  }).plan;
  return { ...plan, dns: { name, zone: { id, name: zone } } };
};

const row = (rows: CheckResult[], check: string, region: string) => {
  const r = rows.find((x) => x.check === check && x.region === region);
  if (!r) throw new Error(`no row ${check} ${region}: ${rows.map((x) => `${x.check}/${x.region}`).join(', ')}`);
  return r;
};

describe('against moto and mocked clients', () => {
  let rows: CheckResult[];
  let plan: Plan;
  beforeAll(async () => {
    plan = withZone('chat.acme-example.com', zoneId, 'acme-example.com');
    rows = await preflight(plan, clients());
  });

  test('bootstrap: version parameter and stack in each of the three regions; the fix names the missing one', () => {
    expect(row(rows, 'CDK bootstrap', PRIMARY)).toMatchObject({ status: 'pass', detail: 'version 29 (stack CDKToolkit CREATE_COMPLETE)' });
    expect(row(rows, 'CDK bootstrap', GLOBAL).status).toBe('pass');
    expect(row(rows, 'CDK bootstrap', STANDBY)).toMatchObject({ status: 'fail', fix: `npx cdk bootstrap aws://ACCOUNT_ID/${STANDBY}` });
  });

  test('webhook secrets: every secret in every region whose notifier reads it', () => {
    expect(row(rows, 'webhook secret acme-chat/alerts/slack-ops', GLOBAL)).toMatchObject({ status: 'fail', detail: 'missing' });
    expect(row(rows, 'webhook secret acme-chat/alerts/slack-ops', GLOBAL).fix).toContain(`aws secretsmanager create-secret --region ${GLOBAL} --name acme-chat/alerts/slack-ops`);
    expect(rows.filter((r) => r.check.startsWith('webhook secret') && r.status === 'pass')).toHaveLength(8);
  });

  test('AWS Backup: DynamoDB advanced features must be on in both chatbot regions', () => {
    expect(row(rows, 'AWS Backup: DynamoDB advanced features', PRIMARY).status).toBe('pass');
    expect(row(rows, 'AWS Backup: DynamoDB advanced features', STANDBY)).toMatchObject({ status: 'fail', detail: expect.stringMatching(/advanced DynamoDB backup .* is off/) });
    expect(row(rows, 'AWS Backup: DynamoDB advanced features', STANDBY).fix).toContain('--resource-type-management-preference DynamoDB=true');
  });

  test('hosted zone: the id is the zone the plan names', () => {
    expect(row(rows, 'hosted zone', 'global')).toMatchObject({ status: 'pass', detail: `${zoneId} is acme-example.com` });
  });

  test('SMS sandbox: verified numbers get through, the others are named', () => {
    expect(row(rows, 'SMS sandbox', PRIMARY).status).toBe('pass');
    expect(row(rows, 'SMS sandbox', STANDBY)).toMatchObject({ status: 'fail', detail: 'in the SMS sandbox: +85292345678 would receive nothing' });
  });

  test('Route 53 health-check quota: the plan\'s checks must fit', () => {
    expect(row(rows, 'Route 53 health-check quota', 'global')).toMatchObject({ status: 'fail', detail: expect.stringContaining('198 of 200 used, 2 free; the plan creates 3') });
  });

  test('Lambda concurrency: the account limit against the plan', () => {
    expect(row(rows, 'Lambda concurrency', PRIMARY).status).toBe('pass');
    expect(row(rows, 'Lambda concurrency', STANDBY)).toMatchObject({ status: 'fail', fix: expect.stringContaining('set alerting.accountConcurrencyLimit: 10') });
  });

  test('the table: one row per check, every failure with its fix, and a count', () => {
    const text = renderTable(rows).join('\n');
    expect(text).toMatch(/^RESULT +CHECK +REGION +DETAIL/);
    expect(text).toMatch(/^FAIL +CDK bootstrap +ap-northeast-1 +not bootstrapped/m);
    for (const r of rows.filter((x) => x.status !== 'pass')) expect(text).toContain(`${r.status.toUpperCase()} ${r.check} (${r.region}): ${r.fix}`);
    const fails = rows.filter((r) => r.status === 'fail').length;
    expect(text).toMatch(new RegExp(`\\n\\d+ passed, \\d+ warnings, ${fails} failed$`));
  });
});

test('hosted zone: a wrong zone name, an unknown id and an existing zone the plan would duplicate', async () => {
  const wrong = await preflight(withZone('chat.other-example.com', zoneId, 'other-example.com'), clients());
  expect(row(wrong, 'hosted zone', 'global')).toMatchObject({ status: 'fail', detail: `zone ${zoneId} is acme-example.com, the plan says other-example.com` });
  const unknown = await preflight(withZone('chat.acme-example.com', 'Z0000000000000NOPE', 'acme-example.com'), clients());
  expect(row(unknown, 'hosted zone', 'global')).toMatchObject({ status: 'fail', detail: 'zone Z0000000000000NOPE does not exist in this account' });
  const dup = await preflight(loadedPlan().plan, clients());
  expect(row(dup, 'hosted zone', 'global')).toMatchObject({ status: 'warn', fix: `use the existing zone: dns.zone: { id: ${zoneId}, name: acme-example.com }` });
});

test('through the real binary without credentials: one line, exit 1', async () => {
  const r = await runCli(['preflight', '--endpoint-url', moto.endpoint], cleanEnv());
  expect(r.code).toBe(1);
  expect(r.stderr.trim()).toMatch(/^contingency: no AWS credentials found/);
});
