import { startMotoServer } from '../../drill/moto';

/** A moto_server (AWS API emulator) this test file started, bound to 127.0.0.1 on a free port. */
export interface Moto {
  readonly endpoint: string;
  readonly pid: number;
  /** Client settings for AWS SDK v3 clients pointed at this server. */
  readonly clientConfig: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  /** Clears all state (moto's reset API) between tests. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts moto_server (drill/moto.ts, the same starter the tabletop uses) and waits until it
 * answers. Never skips: a machine without moto gets an error that says how to install it.
 */
export async function startMoto(region = 'ap-southeast-1', opts: { threaded?: boolean } = {}): Promise<Moto> {
  const server = await startMotoServer(opts);
  const { endpoint, pid } = server;
  return {
    endpoint,
    pid,
    clientConfig: server.clientConfig(region),
    async reset() {
      await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
    },
    stop: () => server.stop(),
  };
}

/**
 * Creates a table with this project's single-table key layout (partition key `pk`, sort key `sk`,
 * both strings, on demand), as the chatbot and incident tables are defined in lib/.
 */
export async function createPkSkTable(client: import('@aws-sdk/client-dynamodb').DynamoDBClient, tableName: string): Promise<void> {
  const { CreateTableCommand } = await import('@aws-sdk/client-dynamodb');
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
}
