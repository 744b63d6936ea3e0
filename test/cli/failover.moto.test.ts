import { ChangeTagsForResourceCommand, CreateHealthCheckCommand, GetHealthCheckCommand, Route53Client } from '@aws-sdk/client-route-53';
import { cleanEnv, MOTO_CREDENTIALS, runCli } from '../helpers/cli';
import { Moto, startMoto } from '../helpers/moto';

let moto: Moto;
let r53: Route53Client;
const ids: Record<'primary' | 'standby', string> = { primary: '', standby: '' };

beforeAll(async () => {
  moto = await startMoto('us-east-1');
  r53 = new Route53Client(moto.clientConfig);
});
afterAll(async () => moto?.stop());

beforeEach(async () => {
  await moto.reset();
  // The two checks as the failover stack creates them (type, path, token, tags).
  for (const endpoint of ['primary', 'standby'] as const) {
    const created = await r53.send(
      new CreateHealthCheckCommand({
        CallerReference: `${endpoint}-${Date.now()}`,
        HealthCheckConfig: {
          Type: 'HTTPS_STR_MATCH',
          FullyQualifiedDomainName: `${endpoint}.execute-api.example.test`,
          ResourcePath: '/health',
          SearchString: 'CHATBOT_HEALTHY',
          RequestInterval: 10,
          FailureThreshold: 3,
          Port: 443,
        },
      }),
    );
    ids[endpoint] = created.HealthCheck!.Id!;
    await r53.send(
      new ChangeTagsForResourceCommand({
        ResourceType: 'healthcheck',
        ResourceId: ids[endpoint],
        AddTags: [
          { Key: 'contingency:plan', Value: 'acme-chat' },
          { Key: 'contingency:endpoint', Value: endpoint },
        ],
      }),
    );
  }
});

const inverted = async (endpoint: 'primary' | 'standby') =>
  (await r53.send(new GetHealthCheckCommand({ HealthCheckId: ids[endpoint] }))).HealthCheck!.HealthCheckConfig!.Inverted ?? false;

/** Runs the real binary against moto; returns stdout lines and fails on any stderr. */
async function main(args: string[]): Promise<string[]> {
  const r = await runCli([...args, '--endpoint-url', moto.endpoint], cleanEnv(MOTO_CREDENTIALS));
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.stdout.trim().split('\n');
}

test('drill through the real binary: dry run changes nothing; fail-over, to-fallback and fail-back flip the Inverted flags in Route 53', async () => {
  const dry = await main(['failover', 'fail-over']);
  expect(dry).toContain(`would run: aws route53 update-health-check --health-check-id ${ids.primary} --inverted   # primary`);
  expect(dry).toContain('dry run: nothing changed; add --execute to apply');
  expect(await inverted('primary')).toBe(false);

  const over = await main(['failover', 'fail-over', '--execute']);
  expect(over[0]).toBe(`updated: aws route53 update-health-check --health-check-id ${ids.primary} --inverted   # primary`);
  expect(over).toContain('chat.acme-example.com will answer with: standby within 56 s at worst (detection + TTL)');
  expect([await inverted('primary'), await inverted('standby')]).toEqual([true, false]);
  expect(await main(['status'])).toContain('chat.acme-example.com answers with: standby (if the real endpoints are healthy)');

  await main(['failover', 'to-fallback', '--execute']);
  expect([await inverted('primary'), await inverted('standby')]).toEqual([true, true]);

  await main(['failover', 'fail-back', '--execute']);
  expect([await inverted('primary'), await inverted('standby')]).toEqual([false, false]);
  expect(await main(['failover', 'fail-back', '--execute'])).toContain('nothing to do: the checks are already in the "fail-back" state');
});
