import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const ROOT = path.join(__dirname, '..', '..');
/** The package's `bin` entry, as `npx contingency` runs it. */
export const BIN = path.join(ROOT, 'bin', 'contingency.js');

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const EMPTY_HOME = fs.mkdtempSync(path.join(os.tmpdir(), 'contingency-home-'));

/**
 * An environment with no AWS credentials at all: no variables, an empty home (no ~/.aws), no
 * instance metadata lookup. `extra` adds variables (e.g. test credentials for moto).
 */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_') && k !== 'NODE_OPTIONS' && k !== 'CDK_VALIDATION') env[k] = v;
  return { ...env, HOME: EMPTY_HOME, AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: path.join(EMPTY_HOME, 'none'), AWS_SHARED_CREDENTIALS_FILE: path.join(EMPTY_HOME, 'none'), ...extra };
}

/** Credentials moto accepts. */
export const MOTO_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' };

/** Runs the real `contingency` binary with node (no shell). */
export function runCli(args: readonly string[], env: NodeJS.ProcessEnv = cleanEnv()): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
