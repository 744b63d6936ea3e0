/**
 * Reads a required environment variable, failing fast with its name. Handlers call this at module
 * scope so a misconfigured function fails on cold start with a clear message, not mid-request.
 */
export function requireEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (value === undefined || value === '') {
    throw new Error(`environment variable ${name} is required but not set; it is set by the CDK construct that deploys this function`);
  }
  return value;
}

/** Reads a required numeric environment variable. */
export function requireNumberEnv(name: string, env: NodeJS.ProcessEnv = process.env): number {
  const raw = requireEnv(name, env);
  const n = Number(raw);
  if (!Number.isFinite(n)) throw new Error(`environment variable ${name} must be a number, got "${raw}"`);
  return n;
}
