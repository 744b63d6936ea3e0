import { BatchWriteItemCommand, CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
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

async function table(name: string, opts: { sortKey?: string; kms?: boolean } = {}) {
  const sortKey = opts.sortKey ?? 'sk';
  await ddb.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: sortKey, AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: sortKey, KeyType: 'RANGE' },
      ],
      ...(opts.kms === false ? {} : { SSESpecification: { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: KEY_ARN } }),
    }),
  );
}

/** n conversation turns, written 25 per BatchWriteItem (moto answers each request in turn). */
async function fill(name: string, n: number, sortKey = 'sk') {
  const items = Array.from({ length: n }, (_, i) => ({ pk: { S: `CONV#${i}` }, [sortKey]: { S: 'TURN#1' }, text: { S: `hello ${i}` } }));
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
});
