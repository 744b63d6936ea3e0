import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ICommandHooks, LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { PACKAGE_ROOT } from '../package-root';
import { bundleWithFiles, cachedBundle } from './bundle-cache';

/** The newest Node.js Lambda runtime that cfn-lint 1.51 accepts (checked in test/lint). */
export const CHATBOT_RUNTIME = lambda.Runtime.NODEJS_24_X;

/** Folder of the project's Lambda handler sources (TypeScript, bundled at synth; shipped in the package). */
export const LAMBDAS_DIR = path.join(PACKAGE_ROOT, 'lambdas');

/** This package's folder, the default bundling root. */
export const PROJECT_ROOT = PACKAGE_ROOT;

/**
 * The file NodejsFunction bundles for an entry. NodejsFunction wants the entry under the project
 * root (where esbuild and the lock file are), but a team's own bot usually lives in the team's own
 * repository. For such an entry a one-line module under this project's node_modules/.cache
 * re-exports its `handler` by absolute path: esbuild then bundles the bot and resolves the bot's
 * imports from the bot's own folder upwards (its node_modules). Content-addressed, so synth stays
 * deterministic.
 */
export function bundlableEntry(entry: string): string {
  const rel = path.relative(PROJECT_ROOT, entry);
  if (!rel.startsWith('..') && !path.isAbsolute(rel)) return entry;
  const source = `export { handler } from ${JSON.stringify(path.resolve(entry))};\n`;
  const dir = path.join(PROJECT_ROOT, 'node_modules', '.cache', 'contingency-entries', createHash('sha256').update(source).digest('hex').slice(0, 16));
  const file = path.join(dir, 'index.ts');
  if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== source) {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(file, source);
  }
  return file;
}

/**
 * esbuild command hooks that write files into the bundle after esbuild ran. The content goes
 * base64-encoded on the command line, so no shell quoting can alter it.
 */
function writeFilesHook(files: Record<string, string>): ICommandHooks {
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (_inputDir: string, outputDir: string) =>
      Object.entries(files).map(
        ([file, text]) =>
          `node -e "require('fs').writeFileSync(process.argv[1], Buffer.from(process.argv[2], 'base64'))" "${path.join(outputDir, file)}" ${Buffer.from(text, 'utf8').toString('base64')}`,
      ),
  };
}

/** The esbuild options every project function is bundled with (locally, never in Docker). */
export const PROJECT_BUNDLING = {
  minify: true,
  sourceMap: true,
  format: OutputFormat.CJS,
  target: 'node22',
  // The runtime ships AWS SDK v3; everything else (Powertools) is bundled.
  externalModules: ['@aws-sdk/*'],
  forceDockerBundling: false,
  // esbuild's per-bundle size report is noise at synth; its warnings and errors still show.
  logLevel: LogLevel.WARNING,
} as const;

export interface ProjectFunctionProps {
  /**
   * Handler folder under `lambdas/` (its `handler.ts` is bundled). Give exactly one of
   * `handlerDir` and `entry`. @default - none
   */
  readonly handlerDir?: string;
  /** Handler entry file (absolute path). Give exactly one of `handlerDir` and `entry`. @default - none */
  readonly entry?: string;
  /** Function description. */
  readonly description: string;
  /** Powertools service name (also the `service` dimension of its metrics). */
  readonly serviceName: string;
  /** @default - none besides POWERTOOLS_SERVICE_NAME and NODE_OPTIONS */
  readonly environment?: Record<string, string>;
  /**
   * Configuration that grows with the plan, written as JSON files next to the bundled handler
   * (read with `readBundledJson` from lambdas/shared/bundled.ts) instead of environment variables,
   * whose 4 KB limit Lambda enforces only at deploy time. File name → value; values must be
   * known at synth (no tokens). A change changes the code asset, so a new version deploys.
   * @default - none
   */
  readonly bundledConfig?: Record<string, unknown>;
  /** @default Duration.minutes(1) */
  readonly timeout?: Duration;
  /** @default 256 */
  readonly memorySize?: number;
  /** Retention of the function's own log group (ignored when `logGroup` is given). @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** Log group to write to instead of a new one (the role still gets write access to it). @default - a new log group `Logs` */
  readonly logGroup?: logs.LogGroup;
  /** @default lambda.Tracing.DISABLED (no X-Ray) */
  readonly tracing?: lambda.Tracing;
  /** @default - unreserved (account pool) */
  readonly reservedConcurrentExecutions?: number;
  /** Execution role to use instead of a new one; it is granted write access to the log group. @default - a new role `Role` */
  readonly role?: iam.Role;
  /** Description of the new role (ignored when `role` is given). @default - the function's `description` */
  readonly roleDescription?: string;
}

/**
 * A Lambda function built the house way: arm64, Node.js 24, bundled locally by esbuild (minified,
 * source maps, AWS SDK external), its own log group with retention, and an explicit role that may
 * write only to that log group (no AWSLambdaBasicExecutionRole). Callers grant the rest.
 *
 * Children: `Logs`, `Role` and `Handler`. A construct that used to create those three itself can
 * host a ProjectFunction under the id `Default`, which CDK leaves out of logical ids, so the
 * function, role and log group keep the logical ids they had.
 */
export class ProjectFunction extends Construct {
  public readonly fn: NodejsFunction;
  public readonly role: iam.Role;
  public readonly logGroup: logs.LogGroup;
  /** Files written next to the handler in the bundle: name → JSON text. */
  public readonly bundledConfig: Record<string, string>;
  /** The handler file this function is built from (before bundling). */
  public readonly entry: string;

  constructor(scope: Construct, id: string, props: ProjectFunctionProps) {
    super(scope, id);
    if ((props.handlerDir === undefined) === (props.entry === undefined)) {
      throw new Error(`${this.node.path}: give exactly one of handlerDir and entry, got: ${props.handlerDir === undefined ? 'neither' : 'both'}; set handlerDir for a folder under lambdas/ or entry for a file`);
    }
    this.logGroup = props.logGroup ?? new logs.LogGroup(this, 'Logs', { retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH });
    this.role =
      props.role ??
      new iam.Role(this, 'Role', {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        description: props.roleDescription ?? props.description,
      });
    this.logGroup.grantWrite(this.role);
    const entry = props.entry ?? path.join(LAMBDAS_DIR, props.handlerDir!, 'handler.ts');
    this.entry = entry;
    const bundledConfig = props.bundledConfig ?? {};
    for (const [file, value] of Object.entries(bundledConfig)) {
      if (!/^[a-z0-9][a-z0-9.-]*\.json$/.test(file)) throw new Error(`${this.node.path}: bundledConfig file name must be lower-case letters, digits, dots and dashes ending in .json, got: ${file}`);
      if (Token.isUnresolved(JSON.stringify(value))) throw new Error(`${this.node.path}: bundledConfig ${file} holds a token (a value known only at deploy time); put that value in an environment variable instead`);
    }
    /** The JSON files as they are written into the bundle (exposed for tests and checks). */
    this.bundledConfig = Object.fromEntries(Object.entries(bundledConfig).map(([file, value]) => [file, JSON.stringify(value)]));
    // Bundled once per code and kept across synths (lib/shared/bundle-cache.ts); a stack whose
    // bundling is skipped (`cdk synth -e`, tests) keeps NodejsFunction's placeholder code.
    const bundling = {
      ...PROJECT_BUNDLING,
      externalModules: [...PROJECT_BUNDLING.externalModules],
      ...(Object.keys(this.bundledConfig).length ? { commandHooks: writeFilesHook(this.bundledConfig) } : {}),
    };
    const code = Stack.of(this).bundlingRequired ? lambda.Code.fromAsset(this.bundle(entry, bundling.externalModules)) : undefined;
    this.fn = new NodejsFunction(this, 'Handler', {
      ...(code ? { code, handler: 'index.handler' } : { entry: bundlableEntry(entry), handler: 'handler', bundling }),
      runtime: CHATBOT_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.minutes(1),
      role: this.role,
      logGroup: this.logGroup,
      ...(props.tracing !== undefined ? { tracing: props.tracing } : {}),
      ...(props.reservedConcurrentExecutions !== undefined ? { reservedConcurrentExecutions: props.reservedConcurrentExecutions } : {}),
      description: props.description,
      environment: { ...props.environment, POWERTOOLS_SERVICE_NAME: props.serviceName, NODE_OPTIONS: '--enable-source-maps' },
    });
  }

  /** The folder of this function's code: the cached bundle of its entry plus its bundled configuration. */
  private bundle(entry: string, externalModules: string[]): string {
    try {
      return bundleWithFiles(cachedBundle(bundlableEntry(entry), { ...PROJECT_BUNDLING, format: 'cjs', externalModules }), this.bundledConfig);
    } catch (e) {
      // esbuild's own message names the file, line and problem; say which function it was.
      throw new Error(`Failed to bundle asset ${this.node.path}/Handler from ${entry}: ${(e as Error).message}`);
    }
  }
}
