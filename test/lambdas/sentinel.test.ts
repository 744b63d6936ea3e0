import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { buildSentinel, sentinelChecksum } from '../../lambdas/sentinel/sentinel';

const docMock = mockClient(DynamoDBDocumentClient);

test('the checksum covers region, time and nonce: changing any one changes it', () => {
  const base = { region: 'ap-southeast-1', writtenAt: '2026-03-09T03:00:00.000Z', nonce: 'a' };
  const c = sentinelChecksum(base);
  expect(c).toMatch(/^[0-9a-f]{64}$/);
  expect(sentinelChecksum({ ...base, region: 'ap-northeast-1' })).not.toBe(c);
  expect(sentinelChecksum({ ...base, writtenAt: '2026-03-09T03:05:00.000Z' })).not.toBe(c);
  expect(sentinelChecksum({ ...base, nonce: 'b' })).not.toBe(c);
});

test('handler puts this region sentinel under the SENTINEL partition of the table', async () => {
  process.env.TABLE_NAME = 'acme-chat-chatbot';
  process.env.AWS_REGION = 'ap-northeast-1';
  docMock.on(PutCommand).resolves({});
  const { handler } = await import('../../lambdas/sentinel/handler');
  const out = await handler();
  const item = docMock.commandCalls(PutCommand)[0].args[0].input.Item!;
  expect(docMock).toHaveReceivedCommandWith(PutCommand, { TableName: 'acme-chat-chatbot' });
  expect(item).toMatchObject({ pk: 'SENTINEL', sk: 'REGION#ap-northeast-1', region: 'ap-northeast-1', writtenAt: out.writtenAt });
  expect(item.checksum).toBe(buildSentinel('ap-northeast-1', new Date(out.writtenAt), item.nonce as string).checksum);
});
