import * as z from 'zod/mini';
import type { $ZodIssue, $ZodType } from 'zod/v4/core';

/**
 * How one environment variable carries one configuration field:
 * - `text`: the string as is;
 * - `number`: a decimal number;
 * - `json`: a JSON document (objects, arrays).
 */
export type EnvCodec = 'text' | 'number' | 'json';

export interface EnvVarSpec<S extends $ZodType = $ZodType> {
  /** Environment variable name. */
  readonly env: string;
  readonly codec: EnvCodec;
  /** The field's type and rules, checked by the construct before synth and by the handler at cold start. */
  readonly schema: S;
  /** The variable may be absent (the field is then undefined). @default false */
  readonly optional?: boolean;
  /**
   * Set by the Lambda runtime (AWS_REGION), not by the construct: `toEnvironment` never writes it.
   * @default false
   */
  readonly runtime?: boolean;
}

type Vars = Record<string, EnvVarSpec>;
type OptionalKeys<V extends Vars> = { [K in keyof V]: V[K]['optional'] extends true ? K : never }[keyof V];
type RequiredKeys<V extends Vars> = Exclude<keyof V, OptionalKeys<V>>;
type RuntimeKeys<V extends Vars> = { [K in keyof V]: V[K]['runtime'] extends true ? K : never }[keyof V];

/** The configuration a handler gets after parsing its environment. */
export type ConfigOf<V extends Vars> = { readonly [K in RequiredKeys<V>]: z.output<V[K]['schema']> } & {
  readonly [K in OptionalKeys<V>]?: z.output<V[K]['schema']>;
};
/** What a construct supplies (every field but those the Lambda runtime sets). */
export type ConfigInput<V extends Vars> = { readonly [K in Exclude<RequiredKeys<V>, RuntimeKeys<V>>]: z.input<V[K]['schema']> } & {
  readonly [K in Exclude<OptionalKeys<V>, RuntimeKeys<V>>]?: z.input<V[K]['schema']>;
};

/** A configuration that does not match its function's contract: one line naming the variable, the rule and the value. */
export class FunctionConfigError extends Error {
  constructor(
    readonly service: string,
    readonly variable: string,
    message: string,
  ) {
    super(message);
    this.name = 'FunctionConfigError';
  }
}

export interface EncodeOptions {
  /** Serialises a `json` field (a construct passes `Stack.toJsonString` so tokens resolve). @default JSON.stringify */
  readonly json?: (value: unknown) => string;
  /**
   * Whether a value is an unresolved deploy-time token: such a field is written without checking
   * (its value is unknown until deploy; the handler checks it at cold start). @default never
   */
  readonly isToken?: (value: unknown) => boolean;
}

function preview(raw: string): string {
  const oneLine = raw.replace(/\s+/g, ' ');
  return JSON.stringify(oneLine.length > 80 ? `${oneLine.slice(0, 77)}...` : oneLine);
}

/**
 * The rule an issue broke, in words. zod/mini (used here to keep function bundles small) carries no
 * locale, so default messages are spelled out from the issue itself; a contract's own message ("must …") wins.
 */
function describeIssue(issue: $ZodIssue): string {
  const at = issue.path.length ? ` at ${issue.path.map(String).join('.')}` : '';
  // The contracts' own messages all start with "must"; anything else is a default message, which
  // differs with the locale zod happens to have loaded, so the rule is spelled out from the issue.
  if (/^must /.test(issue.message)) return `${issue.message}${at}`;
  let rule: string;
  switch (issue.code) {
    case 'invalid_type':
      rule = `must be ${issue.expected === 'array' || issue.expected === 'object' ? 'an' : 'a'} ${issue.expected}`;
      break;
    case 'invalid_value':
      rule = `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
      break;
    case 'too_small':
      rule = `must be at least ${String(issue.minimum)}`;
      break;
    case 'too_big':
      rule = `must be at most ${String(issue.maximum)}`;
      break;
    default:
      rule = `is invalid (${issue.code})`;
  }
  return at ? `is invalid${at}: ${rule}` : rule;
}

/**
 * One function's configuration contract: the variables, their types and rules. The construct that
 * deploys the function builds its environment with `toEnvironment` (validated at synth); the handler
 * reads it with `fromEnvironment` at cold start. Both sides import this object, so a name or a type
 * cannot differ between them.
 */
export class FunctionConfig<V extends Vars> {
  constructor(
    /** Powertools service name of the function (used in error lines). */
    readonly service: string,
    readonly vars: V,
  ) {}

  /** Names of the variables the construct writes. */
  get environmentNames(): string[] {
    return Object.values(this.vars)
      .filter((v) => !v.runtime)
      .map((v) => v.env);
  }

  private fail(variable: string, rule: string, side: 'construct' | 'handler'): never {
    const fix =
      side === 'handler'
        ? 'it is set by the CDK construct that deploys this function: redeploy the function and its stack from the same commit'
        : 'fix the value the construct is given';
    throw new FunctionConfigError(this.service, variable, `${this.service} configuration: environment variable ${variable} ${rule}; ${fix}`);
  }

  /** Checks a configuration and serialises it to environment variables. Throws one line per the first mismatch. */
  toEnvironment(config: ConfigInput<V>, options: EncodeOptions = {}): Record<string, string> {
    const json = options.json ?? JSON.stringify;
    const isToken = options.isToken ?? (() => false);
    const out: Record<string, string> = {};
    for (const [field, spec] of Object.entries(this.vars)) {
      if (spec.runtime) continue;
      const value = (config as Record<string, unknown>)[field];
      if (value === undefined) {
        if (spec.optional) continue;
        this.fail(spec.env, `(${field}) is required but was not given`, 'construct');
      }
      if (!isToken(value)) {
        const r = z.safeParse(spec.schema, value);
        if (!r.success) this.fail(spec.env, `(${field}) ${describeIssue(r.error.issues[0])}, got ${preview(JSON.stringify(value) ?? String(value))}`, 'construct');
      }
      out[spec.env] = spec.codec === 'json' ? json(value) : String(value);
    }
    return out;
  }

  /**
   * Parses the configuration from an environment (the handler's `process.env` at cold start).
   * Throws a FunctionConfigError whose message is one line naming the variable, the rule and the value.
   */
  fromEnvironment(env: Readonly<Record<string, string | undefined>>): ConfigOf<V> {
    const out: Record<string, unknown> = {};
    for (const [field, spec] of Object.entries(this.vars)) {
      const raw = env[spec.env];
      if (raw === undefined || raw === '') {
        if (spec.optional) continue;
        this.fail(spec.env, 'is required but not set', 'handler');
      }
      let decoded: unknown = raw;
      if (spec.codec === 'number') {
        decoded = Number(raw);
        if (!Number.isFinite(decoded as number)) this.fail(spec.env, `must be a number, got ${preview(raw)}`, 'handler');
      } else if (spec.codec === 'json') {
        try {
          decoded = JSON.parse(raw);
        } catch {
          this.fail(spec.env, `must be JSON, got ${preview(raw)}`, 'handler');
        }
      }
      const r = z.safeParse(spec.schema, decoded);
      if (!r.success) this.fail(spec.env, describeIssue(r.error.issues[0]) + `, got ${preview(raw)}`, 'handler');
      out[field] = r.data;
    }
    return out as ConfigOf<V>;
  }
}

export function defineFunctionConfig<V extends Vars>(service: string, vars: V): FunctionConfig<V> {
  return new FunctionConfig(service, vars);
}
