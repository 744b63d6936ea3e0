import { AttributeValue, BatchWriteItemCommand, CreateTableCommand, CreateTableCommandInput, DeleteItemCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { buildSentinel } from '../../lambdas/sentinel/sentinel';
import { validateRestoredTable, ValidationInput } from '../../lambdas/restore-validator/validate';
import { Moto, startMoto } from '../helpers/moto';

let moto: Moto;
let ddb: DynamoDBClient;
const KEY_ARN = 'arn:aws:kms:ap-southeast-1:123456789012:key/11111111-2222-3333-4444-555555555555';
const RP_TIME = new Date('2026-03-02T03:00:00Z');

beforeAll(async () => {
  moto = await startMoto();
  ddb = new DynamoDBClient(moto.clientConfig);
});
afterAll(async () => moto?.stop());
beforeEach(async () => moto.reset());

async function table(name: string, opts: { sortKey?: string; kms?: boolean; pkType?: 'S' | 'N'; extra?: Partial<CreateTableCommandInput> } = {}) {
  const sortKey = opts.sortKey ?? 'sk';
  await ddb.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: opts.pkType ?? 'S' },
        { AttributeName: sortKey, AttributeType: 'S' },
        ...(opts.extra?.AttributeDefinitions ?? []),
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: sortKey, KeyType: 'RANGE' },
      ],
      ...(opts.kms === false ? {} : { SSESpecification: { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: KEY_ARN } }),
      ...(opts.extra?.GlobalSecondaryIndexes ? { GlobalSecondaryIndexes: opts.extra.GlobalSecondaryIndexes } : {}),
      ...(opts.extra?.BillingMode ? { BillingMode: opts.extra.BillingMode, ProvisionedThroughput: opts.extra.ProvisionedThroughput } : {}),
    }),
  );
}

/**
 * n conversation turns, written 25 per BatchWriteItem (moto answers each request in turn); with
 * `at`, each carries its write time as the chatbot writes it, and with `expiresAt` its TTL.
 */
async function fill(name: string, n: number, sortKey = 'sk', opts: { from?: number; at?: Date; expiresAt?: number } = {}) {
  const from = opts.from ?? 0;
  const items: Record<string, AttributeValue>[] = Array.from({ length: n }, (_, i) => ({
    pk: { S: `CONV#${from + i}` },
    [sortKey]: { S: 'TURN#1' },
    text: { S: `hello ${from + i}` },
    ...(opts.at ? { at: { S: opts.at.toISOString() } } : {}),
    ...(opts.expiresAt !== undefined ? { expiresAt: { N: String(opts.expiresAt) } } : {}),
  }));
  for (let i = 0; i < items.length; i += 25) {
    const out = await ddb.send(new BatchWriteItemCommand({ RequestItems: { [name]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) } }));
    expect(out.UnprocessedItems?.[name] ?? []).toEqual([]);
  }
}

async function putSentinel(name: string, s: Record<string, string>) {
  await ddb.send(new PutItemCommand({ TableName: name, Item: Object.fromEntries(Object.entries(s).map(([k, v]) => [k, { S: v }])) }));
}

/** A source with 99 turns + 1 sentinel written 3 min before the recovery point. */
async function source() {
  await table('src');
  await fill('src', 99);
  await putSentinel('src', { ...buildSentinel('ap-southeast-1', new Date(RP_TIME.getTime() - 3 * 60000), 'n-1') });
}

const input = (over: Partial<ValidationInput> = {}): ValidationInput => ({
  sourceTable: 'src',
  restoredTable: 'restored',
  recoveryPointCreated: RP_TIME,
  itemCountTolerancePercent: 1,
  sentinelIntervalMinutes: 5,
  region: 'ap-southeast-1',
  ...over,
});

describe('restore validator data checks against real tables (moto_server)', () => {
  test('a good restore passes: same schema and key, same count, fresh intact sentinel', async () => {
    await source();
    await table('restored');
    await fill('restored', 99);
    await putSentinel('restored', { ...buildSentinel('ap-southeast-1', new Date(RP_TIME.getTime() - 3 * 60000), 'n-1') });
    const r = await validateRestoredTable(ddb, input());
    expect(r).toMatchObject({ ok: true, sourceCount: 100, restoredCount: 100 });
    expect(r.newestSentinel?.toISOString()).toBe('2026-03-02T02:57:00.000Z');
  });

  test('an empty table fails with EMPTY_TABLE', async () => {
    await source();
    await table('restored');
    const r = await validateRestoredTable(ddb, input());
    expect(r.failure?.code).toBe('EMPTY_TABLE');
    expect(r.failure?.reason).toMatch(/empty \(source has 100 items\)/);
  });

  test('too few items fails with ITEM_COUNT_OUT_OF_TOLERANCE', async () => {
    await source();
    await table('restored');
    await fill('restored', 90);
    await putSentinel('restored', { ...buildSentinel('ap-southeast-1', new Date(RP_TIME.getTime() - 3 * 60000), 'n-1') });
    const r = await validateRestoredTable(ddb, input());
    expect(r.failure?.code).toBe('ITEM_COUNT_OUT_OF_TOLERANCE');
    expect(r.failure?.reason).toMatch(/restored 91 items vs 100.*9\.00% apart, tolerance 1%/);
  });

  test('a missing sentinel fails with SENTINEL_MISSING', async () => {
    await source();
    await table('restored');
    await fill('restored', 100);
    const r = await validateRestoredTable(ddb, input());
    expect(r.failure?.code).toBe('SENTINEL_MISSING');
  });

  test('a wrong checksum fails with SENTINEL_CHECKSUM_MISMATCH', async () => {
    await source();
    await table('restored');
    await fill('restored', 99);
    const good = buildSentinel('ap-southeast-1', new Date(RP_TIME.getTime() - 3 * 60000), 'n-1');
    await putSentinel('restored', { ...good, nonce: 'tampered' });
    const r = await validateRestoredTable(ddb, input());
    expect(r.failure?.code).toBe('SENTINEL_CHECKSUM_MISMATCH');
  });

  test('a stale sentinel fails with SENTINEL_STALE', async () => {
    await source();
    await table('restored');
    await fill('restored', 99);
    await putSentinel('restored', { ...buildSentinel('ap-southeast-1', new Date(RP_TIME.getTime() - 45 * 60000), 'n-1') });
    const r = await validateRestoredTable(ddb, input());
    expect(r.failure?.code).toBe('SENTINEL_STALE');
    expect(r.failure?.reason).toMatch(/45\.0 min older than the recovery point.*allowed 10 min/);
  });

  test('a different key schema fails with KEY_SCHEMA_MISMATCH', async () => {
    await source();
    await table('restored', { sortKey: 'sort' });
    await fill('restored', 100, 'sort');
    const r = await validateRestoredTable(ddb, input());
    expect(r.failure?.code).toBe('KEY_SCHEMA_MISMATCH');
    expect(r.failure?.reason).toMatch(/pk:HASH,sort:RANGE differs from the source's pk:HASH,sk:RANGE/);
  });

  test('a restore without the customer-managed key fails with ENCRYPTION_MISMATCH', async () => {
    await source();
    await table('restored', { kms: false });
    await fill('restored', 100);
    const r = await validateRestoredTable(ddb, input());
    expect(r.failure?.code).toBe('ENCRYPTION_MISMATCH');
  });

  test('a missing restored table fails with TABLE_MISSING', async () => {
    await source();
    const r = await validateRestoredTable(ddb, input());
    expect(r.failure?.code).toBe('TABLE_MISSING');
  });

  test('a different key attribute type fails with KEY_TYPE_MISMATCH, not as a missing sentinel', async () => {
    await source();
    await table('restored', { pkType: 'N' });
    const r = await validateRestoredTable(ddb, input());
    expect(r.failure?.code).toBe('KEY_TYPE_MISMATCH');
    expect(r.failure?.reason).toBe("key attribute pk has type N in the restored table, the source's is S");
  });

  test('an extra index fails with INDEX_MISMATCH', async () => {
    await source();
    await table('restored', {
      extra: {
        AttributeDefinitions: [{ AttributeName: 'text', AttributeType: 'S' }],
        GlobalSecondaryIndexes: [{ IndexName: 'byText', KeySchema: [{ AttributeName: 'text', KeyType: 'HASH' }], Projection: { ProjectionType: 'KEYS_ONLY' } }],
      },
    });
    await fill('restored', 99);
    const r = await validateRestoredTable(ddb, input());
    expect(r.failure?.code).toBe('INDEX_MISMATCH');
    expect(r.failure?.reason).toMatch(/secondary indexes \[byText \(global\) text:HASH KEYS_ONLY\] differ from the source's \[none\]/);
  });

  test('a different billing mode fails with CAPACITY_MISMATCH', async () => {
    await source();
    await table('restored', { extra: { BillingMode: 'PROVISIONED', ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 } } });
    const r = await validateRestoredTable(ddb, input());
    expect(r.failure?.code).toBe('CAPACITY_MISMATCH');
    expect(r.failure?.reason).toBe("billing PROVISIONED 5 RCU/5 WCU differs from the source's PAY_PER_REQUEST");
  });

  test('a different provisioned capacity fails with CAPACITY_MISMATCH', async () => {
    await table('src', { extra: { BillingMode: 'PROVISIONED', ProvisionedThroughput: { ReadCapacityUnits: 10, WriteCapacityUnits: 5 } } });
    await table('restored', { extra: { BillingMode: 'PROVISIONED', ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 5 } } });
    const r = await validateRestoredTable(ddb, input());
    expect(r.failure?.code).toBe('CAPACITY_MISMATCH');
    expect(r.failure?.reason).toMatch(/PROVISIONED 1 RCU\/5 WCU differs from the source's PROVISIONED 10 RCU\/5 WCU/);
  });
});

describe('sentinels: this region’s own must come back, fresh; none from after the recovery point', () => {
  const fresh = (region: string, nonce: string) => buildSentinel(region, new Date(RP_TIME.getTime() - 3 * 60000), nonce);
  async function restoredWith(...sentinels: Record<string, string>[]) {
    await source();
    await table('restored');
    await fill('restored', 100 - sentinels.length);
    for (const s of sentinels) await putSentinel('restored', s);
  }

  test('both regions’ sentinels, this one’s fresh: passes', async () => {
    await restoredWith({ ...fresh('ap-southeast-1', 'a') }, { ...fresh('ap-northeast-1', 'b') });
    expect(await validateRestoredTable(ddb, input())).toMatchObject({ ok: true });
  });

  test('only the other region’s sentinel: SENTINEL_MISSING naming this region', async () => {
    await restoredWith({ ...fresh('ap-northeast-1', 'b') });
    const r = await validateRestoredTable(ddb, input());
    expect(r.failure?.code).toBe('SENTINEL_MISSING');
    expect(r.failure?.reason).toBe('no sentinel from this region (ap-southeast-1) in the restored table; found only: ap-northeast-1');
  });

  test('this region’s sentinel stale while the other’s is fresh: SENTINEL_STALE', async () => {
    await restoredWith({ ...buildSentinel('ap-southeast-1', new Date(RP_TIME.getTime() - 45 * 60000), 'a') }, { ...fresh('ap-northeast-1', 'b') });
    const r = await validateRestoredTable(ddb, input());
    expect(r.failure?.code).toBe('SENTINEL_STALE');
    expect(r.failure?.reason).toMatch(/^this region's \(ap-southeast-1\) sentinel \(2026-03-02T02:15:00.000Z\) is 45\.0 min older than the recovery point/);
  });

  test('a sentinel dated after the recovery point: SENTINEL_IN_FUTURE', async () => {
    await restoredWith({ ...buildSentinel('ap-southeast-1', new Date(RP_TIME.getTime() + 60 * 60000), 'a') });
    const r = await validateRestoredTable(ddb, input());
    expect(r.failure?.code).toBe('SENTINEL_IN_FUTURE');
    expect(r.failure?.reason).toMatch(/sentinel REGION#ap-southeast-1 says it was written at 2026-03-02T04:00:00.000Z, after the recovery point/);
  });

  test('the other region’s sentinel dated in the future fails too', async () => {
    await restoredWith({ ...fresh('ap-southeast-1', 'a') }, { ...buildSentinel('ap-northeast-1', new Date('2030-01-01T00:00:00Z'), 'b') });
    expect((await validateRestoredTable(ddb, input())).failure?.code).toBe('SENTINEL_IN_FUTURE');
  });

  test('a valid sentinel copied under another region’s key: SENTINEL_CHECKSUM_MISMATCH', async () => {
    await restoredWith({ ...fresh('ap-northeast-1', 'b'), sk: 'REGION#ap-southeast-1' });
    expect((await validateRestoredTable(ddb, input())).failure?.code).toBe('SENTINEL_CHECKSUM_MISMATCH');
  });
});

describe('item counts as of the recovery point: normal churn of the live table is not data loss', () => {
  const NOW = new Date(RP_TIME.getTime() + 6 * 3600_000);
  const nowS = NOW.getTime() / 1000;

  test('a perfect restore passes after the live table grew 3% and TTL removed expired turns', async () => {
    // At the recovery point: 1,000 turns (980 live, 20 expiring before now) + this region's sentinel.
    for (const name of ['src', 'restored']) {
      await table(name);
      await fill(name, 980, 'sk', { at: new Date(RP_TIME.getTime() - 3600_000), expiresAt: nowS + 86_400 });
      await fill(name, 20, 'sk', { from: 980, at: new Date(RP_TIME.getTime() - 20 * 3600_000), expiresAt: nowS - 600 });
      await putSentinel(name, { ...buildSentinel('ap-southeast-1', new Date(RP_TIME.getTime() - 3 * 60000), 'n-1') });
    }
    // After it, the live table only: 30 new turns (3%) and TTL deletes 12 of the expired ones.
    await fill('src', 30, 'sk', { from: 5000, at: new Date(RP_TIME.getTime() + 3600_000), expiresAt: nowS + 86_400 });
    for (let i = 980; i < 992; i++) await ddb.send(new DeleteItemCommand({ TableName: 'src', Key: { pk: { S: `CONV#${i}` }, sk: { S: 'TURN#1' } } }));
    const r = await validateRestoredTable(ddb, input({ now: NOW }));
    expect(r).toMatchObject({ ok: true, sourceCount: 981, restoredCount: 981 });
  });

  test('a restore that lost 3% of what existed at the recovery point still fails', async () => {
    for (const name of ['src', 'restored']) {
      await table(name);
      await putSentinel(name, { ...buildSentinel('ap-southeast-1', new Date(RP_TIME.getTime() - 3 * 60000), 'n-1') });
    }
    await fill('src', 1000, 'sk', { at: new Date(RP_TIME.getTime() - 3600_000), expiresAt: nowS + 86_400 });
    await fill('restored', 970, 'sk', { at: new Date(RP_TIME.getTime() - 3600_000), expiresAt: nowS + 86_400 });
    const r = await validateRestoredTable(ddb, input({ now: NOW }));
    expect(r.failure?.code).toBe('ITEM_COUNT_OUT_OF_TOLERANCE');
    expect(r.failure?.reason).toMatch(/restored 971 items vs 1001/);
  });
});

