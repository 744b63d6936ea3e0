import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as net from 'net';

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

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts moto_server and waits until it answers. Never skips: a machine without moto gets an error
 * that says how to install it.
 */
export async function startMoto(region = 'ap-southeast-1'): Promise<Moto> {
  const which = spawnSync('sh', ['-c', 'command -v moto_server'], { encoding: 'utf8' });
  if (which.status !== 0) {
    throw new Error("moto_server is not on PATH: install it with `pip install 'moto[server]==5.*'` (Python 3), then rerun the tests");
  }
  const port = await freePort();
  const child: ChildProcess = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with code ${child.exitCode}: ${stderr}`);
    try {
      const res = await fetch(`${endpoint}/moto-api/`);
      if (res.status < 500) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`moto_server did not answer on ${endpoint} within 30 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const pid = child.pid!;
  return {
    endpoint,
    pid,
    clientConfig: { endpoint, region, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } },
    async reset() {
      await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      process.kill(pid, 'SIGTERM');
      const timer = setTimeout(() => child.exitCode === null && process.kill(pid, 'SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
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
