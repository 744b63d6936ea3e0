import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as net from 'net';

/** A moto_server (AWS API emulator) the tabletop started on 127.0.0.1, and stops when it ends. */
export interface MotoServer {
  readonly endpoint: string;
  readonly pid: number;
  clientConfig(region: string): { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } };
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
 * Python that runs moto_server with one request at a time: moto's DynamoDB backend applies an
 * UpdateItem (e.g. an atomic `ADD` counter with `ReturnValues`) without a lock, so under heavy load
 * two of its server threads can interleave and return the same counter value, which real DynamoDB
 * never does. Tests of concurrency guarantees use this mode.
 */
const SINGLE_THREADED_MOTO = [
  'import sys, moto.server as m',
  'run = m.run_simple',
  "m.run_simple = lambda *a, **k: run(*a, **{**k, 'threaded': False})",
  'sys.exit(m.main(sys.argv[1:]))',
].join('\n');

/**
 * Starts moto_server on a free port of 127.0.0.1 and waits until it answers (at most 30 s).
 * `threaded: false` serves one request at a time (see SINGLE_THREADED_MOTO).
 */
export async function startMotoServer(opts: { threaded?: boolean } = {}): Promise<MotoServer> {
  if (spawnSync('sh', ['-c', 'command -v moto_server']).status !== 0) {
    throw new Error("the tabletop needs moto_server (an AWS API emulator) on PATH: install it with `pip install 'moto[server]==5.*'` (Python 3), then run the drill again");
  }
  const port = await freePort();
  const args = ['-H', '127.0.0.1', '-p', String(port)];
  const child: ChildProcess =
    opts.threaded === false
      ? spawn('python3', ['-c', SINGLE_THREADED_MOTO, ...args], { stdio: ['ignore', 'ignore', 'pipe'] })
      : spawn('moto_server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with code ${child.exitCode}: ${stderr.trim().split('\n').pop() ?? ''}`);
    try {
      if ((await fetch(`${endpoint}/moto-api/`)).status < 500) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`moto_server did not answer on ${endpoint} within 30 s`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const pid = child.pid!;
  return {
    endpoint,
    pid,
    clientConfig: (region) => ({ endpoint, region, credentials: { accessKeyId: 'tabletop', secretAccessKey: 'tabletop' } }),
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.exitCode === null && child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
