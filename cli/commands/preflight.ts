import type { BackupClient } from '@aws-sdk/client-backup';
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { Route53Client } from '@aws-sdk/client-route-53';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { Command } from 'commander';
import { Option } from 'commander';
import type { Plan } from '../../lib/config/schema';
import { AwsOptions, CliError, clientConfig, Io, isCredentialsError, loadPlanOption, withEndpoint } from '../common';

/**
 * `contingency preflight`: what a first deploy needs that synth cannot see, checked in the account
 * (reads only; credentials required). One row per check and region, with the fix for each failure.
 */

/** CDK's default bootstrap qualifier (cdk.json `@aws-cdk/core:bootstrapQualifier`). */
export const DEFAULT_QUALIFIER = 'hnb659fds';
/** Templates synthesized by this aws-cdk-lib refuse bootstrap versions below 6 (their CheckBootstrapVersion rule). */
export const MIN_BOOTSTRAP_VERSION = 6;
/** Route 53 health checks a plan creates: primary, standby and the public name (lib/stacks/failover-stack.ts). */
export const HEALTH_CHECKS_PER_PLAN = 3;
/** Lambda keeps this much account concurrency unreserved; reservations cannot go below it. */
export const MIN_UNRESERVED_CONCURRENCY = 100;
/** Region of the global stack (zone, fallback site, health checks, us-east-1 alerting). */
const GLOBAL_REGION = 'us-east-1';

export type CheckStatus = 'pass' | 'warn' | 'fail';
export interface CheckResult {
  readonly check: string;
  readonly region: string;
  readonly status: CheckStatus;
  readonly detail: string;
  /** What to do; present for warn and fail. */
  readonly fix?: string;
}

export interface PreflightClients {
  ssm(region: string): SSMClient;
  cloudformation(region: string): CloudFormationClient;
  secrets(region: string): SecretsManagerClient;
  backup(region: string): BackupClient;
  sns(region: string): SNSClient;
  lambda(region: string): LambdaClient;
  /** Route 53 hosted zones (global API). */
  route53(): Route53Client;
  /** Route 53 account limits (global API); separate so tests can emulate zones and mock limits. */
  route53Limits(): Route53Client;
}

export interface PreflightOptions {
  readonly qualifier?: string;
  readonly toolkitStackName?: string;
}

const SDK = {
  ssm: () => require('@aws-sdk/client-ssm') as typeof import('@aws-sdk/client-ssm'),
  cfn: () => require('@aws-sdk/client-cloudformation') as typeof import('@aws-sdk/client-cloudformation'),
  secrets: () => require('@aws-sdk/client-secrets-manager') as typeof import('@aws-sdk/client-secrets-manager'),
  backup: () => require('@aws-sdk/client-backup') as typeof import('@aws-sdk/client-backup'),
  sns: () => require('@aws-sdk/client-sns') as typeof import('@aws-sdk/client-sns'),
  lambda: () => require('@aws-sdk/client-lambda') as typeof import('@aws-sdk/client-lambda'),
  r53: () => require('@aws-sdk/client-route-53') as typeof import('@aws-sdk/client-route-53'),
};

const errName = (e: unknown) => (e as Error)?.name ?? 'Error';
const account = (plan: Plan) => plan.account ?? 'ACCOUNT_ID';

/** The three regions a plan deploys to, primary first. */
export function planRegions(plan: Plan): string[] {
  return [...new Set([plan.regions.primary, plan.regions.standby, GLOBAL_REGION])];
}

/** Runs one check; an AWS error other than missing credentials becomes a failed row naming it. */
async function guarded(check: string, region: string, fn: () => Promise<CheckResult>): Promise<CheckResult> {
  try {
    return await fn();
  } catch (e) {
    if (isCredentialsError(e)) throw e;
    const denied = /AccessDenied|UnauthorizedOperation|not authorized/i.test(`${errName(e)} ${(e as Error).message}`);
    return {
      check,
      region,
      status: 'fail',
      detail: `could not check: ${errName(e)}: ${String((e as Error).message).split('\n')[0]}`,
      fix: denied ? 'run preflight with a role that may read this (e.g. ReadOnlyAccess)' : 'retry; if it persists, check the service in this region',
    };
  }
}

export async function bootstrapCheck(c: PreflightClients, plan: Plan, region: string, o: PreflightOptions): Promise<CheckResult> {
  const check = 'CDK bootstrap';
  const qualifier = o.qualifier ?? DEFAULT_QUALIFIER;
  const fix = `npx cdk bootstrap aws://${account(plan)}/${region}${qualifier === DEFAULT_QUALIFIER ? '' : ` --qualifier ${qualifier}`}`;
  return guarded(check, region, async () => {
    const { GetParameterCommand } = SDK.ssm();
    let version: number;
    try {
      const r = await c.ssm(region).send(new GetParameterCommand({ Name: `/cdk-bootstrap/${qualifier}/version` }));
      version = Number(r.Parameter?.Value);
    } catch (e) {
      if (errName(e) === 'ParameterNotFound') return { check, region, status: 'fail', detail: `not bootstrapped (no /cdk-bootstrap/${qualifier}/version parameter)`, fix };
      throw e;
    }
    if (!(version >= MIN_BOOTSTRAP_VERSION)) return { check, region, status: 'fail', detail: `bootstrap version ${version}, at least ${MIN_BOOTSTRAP_VERSION} needed`, fix };
    const stackName = o.toolkitStackName ?? 'CDKToolkit';
    const { DescribeStacksCommand } = SDK.cfn();
    try {
      const s = await c.cloudformation(region).send(new DescribeStacksCommand({ StackName: stackName }));
      const st = s.Stacks?.[0]?.StackStatus ?? 'UNKNOWN';
      if (!/_COMPLETE$/.test(st) || /ROLLBACK|DELETE/.test(st)) return { check, region, status: 'fail', detail: `bootstrap version ${version}, but stack ${stackName} is ${st}`, fix };
      return { check, region, status: 'pass', detail: `version ${version} (stack ${stackName} ${st})` };
    } catch (e) {
      if (/does not exist/.test((e as Error).message)) {
        return { check, region, status: 'warn', detail: `version ${version}, but no stack ${stackName}`, fix: 'pass --toolkit-stack-name if you bootstrapped with another name' };
      }
      throw e;
    }
  });
}

/** Webhook secret names of the plan, each once. */
export function webhookSecrets(plan: Plan): string[] {
  return [...new Set(Object.values(plan.audiences).flatMap((a) => (a.webhooks ?? []).map((w) => w.secretName)))];
}

export async function secretCheck(c: PreflightClients, name: string, region: string): Promise<CheckResult> {
  const check = `webhook secret ${name}`;
  const fix = `aws secretsmanager create-secret --region ${region} --name ${name} --secret-string '{"url":"https://…"}'   (the notifier in ${region} reads it)`;
  return guarded(check, region, async () => {
    const { DescribeSecretCommand } = SDK.secrets();
    try {
      const d = await c.secrets(region).send(new DescribeSecretCommand({ SecretId: name }));
      if (d.DeletedDate) return { check, region, status: 'fail', detail: 'scheduled for deletion', fix: `aws secretsmanager restore-secret --region ${region} --secret-id ${name}` };
      return { check, region, status: 'pass', detail: 'exists' };
    } catch (e) {
      if (errName(e) === 'ResourceNotFoundException') return { check, region, status: 'fail', detail: 'missing', fix };
      throw e;
    }
  });
}

export async function backupSettingsCheck(c: PreflightClients, region: string): Promise<CheckResult> {
  const check = 'AWS Backup: DynamoDB advanced features';
  const fix = `aws backup update-region-settings --region ${region} --resource-type-opt-in-preference DynamoDB=true --resource-type-management-preference DynamoDB=true`;
  return guarded(check, region, async () => {
    const { DescribeRegionSettingsCommand } = SDK.backup();
    const s = await c.backup(region).send(new DescribeRegionSettingsCommand({}));
    const optIn = s.ResourceTypeOptInPreference?.DynamoDB === true;
    const advanced = s.ResourceTypeManagementPreference?.DynamoDB === true;
    if (optIn && advanced) return { check, region, status: 'pass', detail: 'DynamoDB opted in, advanced backup features on' };
    const off = [...(optIn ? [] : ['DynamoDB opt-in is off']), ...(advanced ? [] : ['advanced DynamoDB backup (vault-owned, copyable, lockable backups) is off'])];
    return { check, region, status: 'fail', detail: off.join('; '), fix };
  });
}

export async function zoneCheck(c: PreflightClients, plan: Plan): Promise<CheckResult> {
  const check = 'hosted zone';
  const zone = plan.dns.zone;
  const fqdn = (n: string) => n.replace(/\.$/, '').toLowerCase();
  return guarded(check, 'global', async () => {
    const r53 = SDK.r53();
    if ('id' in zone) {
      let name: string;
      let isPrivate: boolean;
      try {
        const z = await c.route53().send(new r53.GetHostedZoneCommand({ Id: zone.id }));
        name = fqdn(z.HostedZone?.Name ?? '');
        isPrivate = z.HostedZone?.Config?.PrivateZone === true;
      } catch (e) {
        if (errName(e) === 'NoSuchHostedZone') return { check, region: 'global', status: 'fail', detail: `zone ${zone.id} does not exist in this account`, fix: `set dns.zone.id to the id of ${zone.name} (aws route53 list-hosted-zones-by-name --dns-name ${zone.name})` };
        throw e;
      }
      if (name !== fqdn(zone.name)) return { check, region: 'global', status: 'fail', detail: `zone ${zone.id} is ${name}, the plan says ${zone.name}`, fix: `set dns.zone.name: ${name}, or dns.zone.id to the id of ${zone.name}` };
      if (isPrivate) return { check, region: 'global', status: 'fail', detail: `zone ${zone.id} is private; customers cannot resolve it`, fix: 'use the public hosted zone of this name' };
      return { check, region: 'global', status: 'pass', detail: `${zone.id} is ${name}` };
    }
    const found = await c.route53().send(new r53.ListHostedZonesByNameCommand({ DNSName: zone.name, MaxItems: 1 }));
    const same = (found.HostedZones ?? []).find((z) => fqdn(z.Name ?? '') === fqdn(zone.name) && z.Config?.PrivateZone !== true);
    if (same) {
      const id = (same.Id ?? '').replace('/hostedzone/', '');
      return { check, region: 'global', status: 'warn', detail: `a public zone ${zone.name} (${id}) already exists; the plan creates a second one that nobody resolves until delegated`, fix: `use the existing zone: dns.zone: { id: ${id}, name: ${zone.name} }` };
    }
    return { check, region: 'global', status: 'pass', detail: `${zone.name} will be created; delegate its name servers at the parent zone or registrar after deploy` };
  });
}

export async function smsCheck(c: PreflightClients, plan: Plan, region: string): Promise<CheckResult> {
  const check = 'SMS sandbox';
  const numbers = [...new Set(Object.values(plan.audiences).flatMap((a) => a.sms ?? []))];
  if (numbers.length === 0) return { check, region, status: 'pass', detail: 'the plan sends no SMS' };
  return guarded(check, region, async () => {
    const sns = SDK.sns();
    const s = await c.sns(region).send(new sns.GetSMSSandboxAccountStatusCommand({}));
    if (!s.IsInSandbox) return { check, region, status: 'pass', detail: 'out of the SMS sandbox' };
    const verified = new Set<string>();
    let token: string | undefined;
    do {
      const page = await c.sns(region).send(new sns.ListSMSSandboxPhoneNumbersCommand({ ...(token ? { NextToken: token } : {}) }));
      for (const p of page.PhoneNumbers ?? []) if (p.Status === 'Verified' && p.PhoneNumber) verified.add(p.PhoneNumber);
      token = page.NextToken;
    } while (token);
    const unverified = numbers.filter((n) => !verified.has(n));
    if (unverified.length === 0) return { check, region, status: 'warn', detail: 'in the SMS sandbox; every plan number is verified', fix: 'request production SMS access before adding numbers (SNS console → Text messaging → Exit SMS sandbox)' };
    return {
      check,
      region,
      status: 'fail',
      detail: `in the SMS sandbox: ${unverified.join(', ')} would receive nothing`,
      fix: `request production SMS access (SNS console → Text messaging → Exit SMS sandbox), or verify each number: aws sns create-sms-sandbox-phone-number --region ${region} --phone-number ${unverified[0]}`,
    };
  });
}

export async function healthCheckQuotaCheck(c: PreflightClients): Promise<CheckResult> {
  const check = 'Route 53 health-check quota';
  return guarded(check, 'global', async () => {
    const { GetAccountLimitCommand } = SDK.r53();
    const l = await c.route53Limits().send(new GetAccountLimitCommand({ Type: 'MAX_HEALTH_CHECKS_BY_OWNER' }));
    const limit = l.Limit?.Value ?? 0;
    const used = l.Count ?? 0;
    const free = limit - used;
    const detail = `${used} of ${limit} used, ${free} free; the plan creates ${HEALTH_CHECKS_PER_PLAN}`;
    if (free >= HEALTH_CHECKS_PER_PLAN) return { check, region: 'global', status: 'pass', detail };
    return { check, region: 'global', status: 'fail', detail: `${detail} (a redeploy reuses its own)`, fix: 'delete unused health checks or request more: Service Quotas → Amazon Route 53 → Health checks per account' };
  });
}

export async function concurrencyCheck(c: PreflightClients, plan: Plan, region: string): Promise<CheckResult> {
  const check = 'Lambda concurrency';
  return guarded(check, region, async () => {
    const { GetAccountSettingsCommand } = SDK.lambda();
    const s = await c.lambda(region).send(new GetAccountSettingsCommand({}));
    const limit = s.AccountLimit?.ConcurrentExecutions ?? 0;
    const unreserved = s.AccountLimit?.UnreservedConcurrentExecutions ?? limit;
    const planned = plan.alerting.accountConcurrencyLimit;
    const reserved = plan.chatbot.reservedConcurrency ?? 0;
    const increase = `request an increase: Service Quotas → AWS Lambda → Concurrent executions (${region})`;
    if (reserved > 0 && unreserved - reserved < MIN_UNRESERVED_CONCURRENCY) {
      return { check, region, status: 'fail', detail: `chatbot.reservedConcurrency ${reserved} would leave ${unreserved - reserved} unreserved of ${limit}; Lambda keeps at least ${MIN_UNRESERVED_CONCURRENCY}`, fix: `lower chatbot.reservedConcurrency to at most ${Math.max(0, unreserved - MIN_UNRESERVED_CONCURRENCY)}, or ${increase}` };
    }
    if (limit < planned) {
      return { check, region, status: 'fail', detail: `account limit ${limit} is below alerting.accountConcurrencyLimit ${planned}: the chatbot throttles before any concurrency alarm fires`, fix: `${increase}, or set alerting.accountConcurrencyLimit: ${limit}` };
    }
    if (limit > planned) {
      return { check, region, status: 'warn', detail: `account limit ${limit}, the plan assumes ${planned}: concurrency alarms fire at a lower share of the real limit`, fix: `set alerting.accountConcurrencyLimit: ${limit}` };
    }
    return { check, region, status: 'pass', detail: `account limit ${limit} as planned, ${unreserved} unreserved` };
  });
}

/** Every check, in a stable order. */
export async function preflight(plan: Plan, c: PreflightClients, o: PreflightOptions = {}): Promise<CheckResult[]> {
  const regions = planRegions(plan);
  const chatbotRegions = [plan.regions.primary, plan.regions.standby];
  const rows: Promise<CheckResult>[] = [
    ...regions.map((r) => bootstrapCheck(c, plan, r, o)),
    ...webhookSecrets(plan).flatMap((name) => regions.map((r) => secretCheck(c, name, r))),
    ...chatbotRegions.map((r) => backupSettingsCheck(c, r)),
    zoneCheck(c, plan),
    ...regions.map((r) => smsCheck(c, plan, r)),
    healthCheckQuotaCheck(c),
    ...chatbotRegions.map((r) => concurrencyCheck(c, plan, r)),
  ];
  return Promise.all(rows);
}

/** The table people read: one row per check, then the fixes. */
export function renderTable(rows: readonly CheckResult[]): string[] {
  const head = ['RESULT', 'CHECK', 'REGION', 'DETAIL'];
  const cells = rows.map((r) => [r.status.toUpperCase(), r.check, r.region, r.detail]);
  const width = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((x, i) => (i === c.length - 1 ? x : x.padEnd(width[i]))).join('  ');
  const out = [line(head), ...cells.map(line)];
  const todo = rows.filter((r) => r.fix);
  if (todo.length) {
    out.push('', 'To fix:');
    for (const r of todo) out.push(`  ${r.status.toUpperCase()} ${r.check} (${r.region}): ${r.fix}`);
  }
  const fails = rows.filter((r) => r.status === 'fail').length;
  const warns = rows.filter((r) => r.status === 'warn').length;
  out.push('', `${rows.length - fails - warns} passed, ${warns} warnings, ${fails} failed`);
  return out;
}

function awsClients(opts: Omit<AwsOptions, 'region'>): PreflightClients {
  const cfg = (region: string) => clientConfig(region, opts);
  return {
    ssm: (r) => new (SDK.ssm().SSMClient)(cfg(r)),
    cloudformation: (r) => new (SDK.cfn().CloudFormationClient)(cfg(r)),
    secrets: (r) => new (SDK.secrets().SecretsManagerClient)(cfg(r)),
    backup: (r) => new (SDK.backup().BackupClient)(cfg(r)),
    sns: (r) => new (SDK.sns().SNSClient)(cfg(r)),
    lambda: (r) => new (SDK.lambda().LambdaClient)(cfg(r)),
    route53: () => new (SDK.r53().Route53Client)(cfg(GLOBAL_REGION)),
    route53Limits: () => new (SDK.r53().Route53Client)(cfg(GLOBAL_REGION)),
  };
}

interface PreflightCliOptions extends Omit<AwsOptions, 'region'>, PreflightOptions {}

export function register(program: Command, io: Io): void {
  const cmd = program
    .command('preflight')
    .description('check the account before the first deploy: bootstrap, webhook secrets, AWS Backup settings, hosted zone, SMS sandbox, health-check quota, Lambda concurrency (reads only; needs credentials)')
    .addOption(new Option('--qualifier <q>', `CDK bootstrap qualifier (default ${DEFAULT_QUALIFIER})`))
    .addOption(new Option('--toolkit-stack-name <name>', 'CDK bootstrap stack name (default CDKToolkit)'));
  withEndpoint(cmd).action(async (opts: PreflightCliOptions) => {
    const { plan } = loadPlanOption(opts);
    const rows = await preflight(plan, awsClients(opts), opts);
    for (const l of renderTable(rows)) io.out(l);
    if (rows.some((r) => r.status === 'fail')) throw new CliError('');
  });
}
