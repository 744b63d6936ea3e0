import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { FIS_CONFIG_PREFIX } from '../../contracts';

/**
 * Public SSM parameter holding the ARN of the AWS FIS Lambda extension layer (1.x) in the
 * function's region, per architecture (AWS FIS user guide, "Available versions of the AWS FIS
 * extension for Lambda"). Resolved by CloudFormation at deploy time, not at synth.
 */
export function fisExtensionParameter(architecture: lambda.Architecture): string {
  return `/aws/service/fis/lambda-extension/AWS-FIS-extension-${architecture === lambda.Architecture.ARM_64 ? 'arm64' : 'x86_64'}/1.x.x`;
}

/** The wrapper script the extension ships (AWS_LAMBDA_EXEC_WRAPPER). */
export const FIS_EXEC_WRAPPER = '/opt/aws-fis/bootstrap';

export interface FisLambdaExtensionProps {
  /** The function AWS FIS may inject faults into (aws:lambda:invocation-error, -add-delay). */
  readonly fn: lambda.Function;
  /** Fault configurations are short-lived; older objects are removed. @default Duration.days(1) */
  readonly expiration?: Duration;
}

/**
 * The AWS FIS Lambda extension on one function (opt-in: plan `drills.fis.lambdaExtension`): the
 * extension layer (from the public SSM parameter of the function's architecture), the two
 * environment variables it needs (`AWS_LAMBDA_EXEC_WRAPPER`, `AWS_FIS_CONFIGURATION_LOCATION`) and
 * the configuration bucket in the function's region, where FIS writes the active fault
 * configuration and the extension reads it. The function may list and read `FisConfigs/` only.
 * Outside an experiment the extension polls the bucket (every 60 s by default) and changes nothing.
 */
export class FisLambdaExtension extends Construct {
  public readonly bucket: s3.Bucket;
  /** `arn:<partition>:s3:::<bucket>/FisConfigs/`, the value of AWS_FIS_CONFIGURATION_LOCATION. */
  public readonly configurationLocation: string;

  constructor(scope: Construct, id: string, props: FisLambdaExtensionProps) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Configurations', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      lifecycleRules: [{ expiration: props.expiration ?? Duration.days(1) }],
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: false,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'Holds only the AWS FIS fault configurations of running experiments (no customer data, expired after a day); the experiments themselves are logged by FIS to the drill experiment log group.',
    });
    this.configurationLocation = `${this.bucket.bucketArn}/${FIS_CONFIG_PREFIX}`;
    const layerArn = ssm.StringParameter.valueForStringParameter(this, fisExtensionParameter(props.fn.architecture));
    props.fn.addLayers(lambda.LayerVersion.fromLayerVersionArn(this, 'Layer', layerArn));
    props.fn.addEnvironment('AWS_LAMBDA_EXEC_WRAPPER', FIS_EXEC_WRAPPER);
    props.fn.addEnvironment('AWS_FIS_CONFIGURATION_LOCATION', this.configurationLocation);
    // The read access the FIS user guide lists for the extension: list the prefix, read its objects.
    props.fn.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn], conditions: { StringLike: { 's3:prefix': [`${FIS_CONFIG_PREFIX}*`] } } }),
    );
    const objects = this.bucket.arnForObjects(`${FIS_CONFIG_PREFIX}*`);
    props.fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [objects] }));
    const role = props.fn.role;
    if (role) {
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket)}.Arn>/${FIS_CONFIG_PREFIX}*]`,
        reason: 'The AWS FIS Lambda extension reads the fault configurations FIS writes under FisConfigs/ of its own configuration bucket (GetObject only).',
      });
    }
  }

  /** Lets an FIS experiment role write and remove fault configurations (FIS user guide, Lambda prerequisites). */
  public grantWriteConfigurations(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: ['s3:PutObject', 's3:DeleteObject'], resourceArns: [this.bucket.arnForObjects(`${FIS_CONFIG_PREFIX}*`)] });
  }
}
