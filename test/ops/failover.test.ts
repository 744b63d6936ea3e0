import { ListHealthChecksCommand, ListTagsForResourcesCommand, Route53Client, UpdateHealthCheckCommand, GetHealthCheckCommand } from '@aws-sdk/client-route-53';
import { mockClient } from 'aws-sdk-client-mock';
import { desiredInversion, expectedTarget, FoundHealthCheck, runSwitch, switchCommands } from '../../ops/failover';
import { parseArgs } from '../../scripts/failover';

const healthy: FoundHealthCheck[] = [
  { endpoint: 'primary', id: 'hc-p', inverted: false },
  { endpoint: 'standby', id: 'hc-s', inverted: false },
];

describe('switch planning (pure)', () => {
  test('fail-over inverts only the primary check; DNS then answers with the standby', () => {
    expect(switchCommands('fail-over', healthy)).toEqual([{ HealthCheckId: 'hc-p', Inverted: true }]);
    expect(expectedTarget(desiredInversion('fail-over'))).toBe('standby');
  });

  test('to-fallback inverts both; fail-back clears both', () => {
    expect(switchCommands('to-fallback', healthy)).toEqual([
      { HealthCheckId: 'hc-p', Inverted: true },
      { HealthCheckId: 'hc-s', Inverted: true },
    ]);
    expect(expectedTarget(desiredInversion('to-fallback'))).toBe('fallback');
    const inverted = healthy.map((c) => ({ ...c, inverted: true }));
    expect(switchCommands('fail-back', inverted)).toEqual([
      { HealthCheckId: 'hc-p', Inverted: false },
      { HealthCheckId: 'hc-s', Inverted: false },
    ]);
    expect(expectedTarget(desiredInversion('fail-back'))).toBe('primary');
  });

  test('repeating an action changes nothing', () => {
    expect(switchCommands('fail-back', healthy)).toEqual([]);
    expect(switchCommands('fail-over', [{ ...healthy[0], inverted: true }, healthy[1]])).toEqual([]);
  });

  test('a missing or duplicated check is an error, not a partial switch', () => {
    expect(() => switchCommands('fail-over', [healthy[0]])).toThrow(/expected exactly one standby health check.*found 0/);
    expect(() => switchCommands('fail-over', [...healthy, healthy[0]])).toThrow(/exactly one primary health check.*found 2/);
  });

  test('CLI arguments: dry run by default, --execute, plan path, endpoint', () => {
    expect(parseArgs(['fail-over'])).toMatchObject({ command: 'fail-over', execute: false });
    expect(parseArgs(['fail-back', '--execute', '-c', 'plan=p.yaml', '--endpoint-url', 'http://127.0.0.1:1'])).toEqual({
      command: 'fail-back',
      execute: true,
      planPath: 'p.yaml',
      endpointUrl: 'http://127.0.0.1:1',
    });
    expect(() => parseArgs(['explode'])).toThrow(/unknown command "explode"/);
    expect(() => parseArgs(['status', '--force'])).toThrow(/unknown argument "--force"/);
  });
});

describe('runSwitch with a mocked Route 53', () => {
  const r53 = mockClient(Route53Client);
  beforeEach(() => {
    r53.reset();
    r53.on(ListHealthChecksCommand).resolves({
      HealthChecks: [
        { Id: 'hc-p', CallerReference: 'a', HealthCheckVersion: 1, HealthCheckConfig: { Type: 'HTTPS_STR_MATCH', Inverted: false } },
        { Id: 'hc-s', CallerReference: 'b', HealthCheckVersion: 1, HealthCheckConfig: { Type: 'HTTPS_STR_MATCH', Inverted: false } },
        { Id: 'hc-other', CallerReference: 'c', HealthCheckVersion: 1, HealthCheckConfig: { Type: 'HTTPS', Inverted: false } },
      ],
      IsTruncated: false,
      Marker: '',
      MaxItems: 100,
    });
    r53.on(ListTagsForResourcesCommand).resolves({
      ResourceTagSets: [
        { ResourceType: 'healthcheck', ResourceId: 'hc-p', Tags: [{ Key: 'contingency:plan', Value: 'acme-chat' }, { Key: 'contingency:endpoint', Value: 'primary' }] },
        { ResourceType: 'healthcheck', ResourceId: 'hc-s', Tags: [{ Key: 'contingency:plan', Value: 'acme-chat' }, { Key: 'contingency:endpoint', Value: 'standby' }] },
        { ResourceType: 'healthcheck', ResourceId: 'hc-other', Tags: [{ Key: 'contingency:plan', Value: 'other-plan' }, { Key: 'contingency:endpoint', Value: 'primary' }] },
      ],
    });
  });

  test('dry run reads only: no UpdateHealthCheck call', async () => {
    const result = await runSwitch(r53 as unknown as Route53Client, 'acme-chat', 'fail-over');
    expect(result.commands).toEqual([{ HealthCheckId: 'hc-p', Inverted: true }]);
    expect(result.executed).toBe(false);
    expect(r53.commandCalls(UpdateHealthCheckCommand)).toHaveLength(0);
  });

  test('--execute issues exactly the planned update, for this plan\'s check only', async () => {
    r53.on(UpdateHealthCheckCommand).resolves({});
    r53.on(GetHealthCheckCommand, { HealthCheckId: 'hc-p' }).resolves({ HealthCheck: { Id: 'hc-p', CallerReference: 'a', HealthCheckVersion: 2, HealthCheckConfig: { Type: 'HTTPS_STR_MATCH', Inverted: true } } });
    r53.on(GetHealthCheckCommand, { HealthCheckId: 'hc-s' }).resolves({ HealthCheck: { Id: 'hc-s', CallerReference: 'b', HealthCheckVersion: 1, HealthCheckConfig: { Type: 'HTTPS_STR_MATCH', Inverted: false } } });
    const result = await runSwitch(r53 as unknown as Route53Client, 'acme-chat', 'fail-over', true);
    const calls = r53.commandCalls(UpdateHealthCheckCommand);
    expect(calls.map((c) => c.args[0].input)).toEqual([{ HealthCheckId: 'hc-p', Inverted: true }]);
    expect(result.after).toEqual({ primary: true, standby: false });
  });
});
