import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { S3Client, PutObjectCommand } from '@aws-sdk/client-s3';
import { SNSClient, PublishCommand } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { configFromEnv, createHandler } from '../../lambdas/incidents/handler';
import { parseAlarmLevels } from '../../lambdas/incidents/events';

const ARN = 'arn:aws:cloudwatch:ap-southeast-1:123456789012:alarm:acme-severe';
const ddbMock = mockClient(DynamoDBDocumentClient);
const s3Mock = mockClient(S3Client);
const snsMock = mockClient(SNSClient);
beforeEach(() => {
  ddbMock.reset();
  s3Mock.reset();
  snsMock.reset();
});

describe('incident handler configuration', () => {
  test('fails fast naming the missing variable', () => {
    expect(() => configFromEnv({ RETENTION_DAYS: '400', ALARM_LEVELS: '[]' })).toThrow(/environment variable TABLE_NAME is required/);
    expect(() => configFromEnv({ TABLE_NAME: 't', RETENTION_DAYS: 'x', ALARM_LEVELS: '[]' })).toThrow(/RETENTION_DAYS must be a number/);
  });
  test('ALARM_LEVELS must name response levels', () => {
    expect(() => parseAlarmLevels('[{"arn":"a","level":"important"}]')).toThrow(/needs an arn and a level \(general, severe, emergency\)/);
    expect(parseAlarmLevels(`[{"arn":"${ARN}","level":"severe"}]`)).toEqual([{ arn: ARN, level: 'severe' }]);
  });
  test('recording-only when PUBLISH_CONFIG is absent', () => {
    expect(configFromEnv({ TABLE_NAME: 't', RETENTION_DAYS: '400', ALARM_LEVELS: '[]' }).publish).toBeUndefined();
  });
});

test('a chatbot-region function writes one conditional PutItem and touches neither S3 nor SNS', async () => {
  ddbMock.on(PutCommand).resolves({});
  const h = createHandler({ tableName: 'acme-chat-incidents', retentionDays: 400, alarmLevels: [{ arn: ARN, level: 'severe' }] }, { ddb: new DynamoDBClient({ region: 'ap-southeast-1' }) });
  const r = await h({
    id: 'd1',
    source: 'aws.cloudwatch',
    'detail-type': 'CloudWatch Alarm State Change',
    time: '2026-11-23T08:00:05Z',
    region: 'ap-southeast-1',
    resources: [ARN],
    detail: { alarmName: 'acme-severe', state: { value: 'ALARM', timestamp: '2026-11-23T08:00:00.000+0000' } },
  });
  expect(r).toEqual({ appended: true, published: false });
  const calls = ddbMock.commandCalls(PutCommand);
  expect(calls).toHaveLength(1);
  const input = calls[0].args[0].input;
  expect(input.TableName).toBe('acme-chat-incidents');
  expect(input.ConditionExpression).toBe('attribute_not_exists(pk)');
  expect(input.Item!.sk).toBe('2026-11-23T08:00:00.000Z#alarm#acme-severe#ALARM#2026-11-23T08:00:00.000Z');
  expect(input.Item!.expiresAt).toBe(Date.parse('2026-11-23T08:00:00Z') / 1000 + 400 * 86400);
  expect(ddbMock.commandCalls(QueryCommand)).toHaveLength(0);
  expect(s3Mock.commandCalls(PutObjectCommand)).toHaveLength(0);
  expect(snsMock.commandCalls(PublishCommand)).toHaveLength(0);
});
