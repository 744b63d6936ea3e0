import * as path from 'path';
import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { CHATBOT_RUNTIME } from '../chatbot/chatbot-api';

/** Folder of the project's Lambda handlers. */
export const LAMBDAS_DIR = path.join(__dirname, '..', '..', 'lambdas');

export interface BackupFunctionProps {
  /** Handler folder under `lambdas/` (its `handler.ts` is bundled). */
  readonly handlerDir: string;
  readonly description: string;
  /** Powertools service name (also the `service` dimension of its metrics). */
  readonly serviceName: string;
  /** @default - none besides the Powertools service name */
  readonly environment?: Record<string, string>;
  /** @default Duration.minutes(1) */
  readonly timeout?: Duration;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * A backup-side function built the house way: arm64, Node.js 24, bundled locally by esbuild
 * (minified, source maps, AWS SDK external), its own log group with retention, and an explicit role
 * that may write only to that log group (no AWSLambdaBasicExecutionRole). Callers grant the rest.
 */
export class BackupFunction extends Construct {
  public readonly fn: NodejsFunction;
  public readonly role: iam.Role;
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: BackupFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', { retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH });
    this.role = new iam.Role(this, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), description: props.description });
    this.logGroup.grantWrite(this.role);
    this.fn = new NodejsFunction(this, 'Handler', {
      entry: path.join(LAMBDAS_DIR, props.handlerDir, 'handler.ts'),
      handler: 'handler',
      runtime: CHATBOT_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout: props.timeout ?? Duration.minutes(1),
      role: this.role,
      logGroup: this.logGroup,
      description: props.description,
      environment: { ...props.environment, POWERTOOLS_SERVICE_NAME: props.serviceName, NODE_OPTIONS: '--enable-source-maps' },
      bundling: {
        minify: true,
        sourceMap: true,
        format: OutputFormat.CJS,
        target: 'node22',
        externalModules: ['@aws-sdk/*'],
        forceDockerBundling: false,
      },
    });
  }
}
