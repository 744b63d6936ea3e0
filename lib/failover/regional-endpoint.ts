import { Aws, Fn, Stack, Token } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';

export interface RegionalEndpointProps {
  /** The region's chatbot REST API. */
  readonly api: apigw.IRestApi;
  /** The API's stage the custom domain maps to. */
  readonly stage: apigw.IStage;
  /** Path Route 53 probes on the API's own host, e.g. `/live/health` (a REST API's own host puts the stage name first). */
  readonly probePath: string;
  /** The public name customers use; the same in both regions. */
  readonly domainName: string;
  /** Hosted zone holding `domainName`; the certificate is DNS-validated in it. */
  readonly zone: route53.IHostedZone;
}

/**
 * The public name on one region's chatbot API: an ACM certificate (DNS-validated in the plan's zone),
 * an API Gateway regional custom domain (TLS 1.2) and its mapping to the stage. Both regions get
 * the same name, so whichever region DNS failover picks presents a valid certificate.
 *
 * The custom domain and its mapping are API Gateway's v2 resources, which map REST API stages as
 * well as HTTP APIs: the domain (and the `d-…` host the failover records point at) stayed the same
 * resource when the chatbot moved from an HTTP API to a REST API.
 */
export class RegionalEndpoint extends Construct {
  public readonly certificate: acm.Certificate;
  public readonly domain: apigwv2.DomainName;
  public readonly mapping: apigwv2.CfnApiMapping;
  /** Regional target host (`d-….execute-api.<region>.amazonaws.com`) the failover records point at. */
  public readonly regionalDomainName: string;
  /**
   * Host of the API's own execute-api endpoint. Route 53 probes it (not the shared public name,
   * which follows the failover) with SNI, so each region's health is measured on its own.
   */
  public readonly probeHost: string;
  /** Path Route 53 probes on `probeHost`: `/<stage>/health`. */
  public readonly probePath: string;

  constructor(scope: Construct, id: string, props: RegionalEndpointProps) {
    super(scope, id);
    if (!Token.isUnresolved(props.domainName) && !/^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(props.domainName)) {
      throw new Error(`${this.node.path}: domainName must be a lower-case DNS name such as "chat.example.com", got: ${props.domainName}`);
    }
    this.certificate = new acm.Certificate(this, 'Certificate', {
      domainName: props.domainName,
      validation: acm.CertificateValidation.fromDns(props.zone),
    });
    this.domain = new apigwv2.DomainName(this, 'Domain', {
      domainName: props.domainName,
      certificate: this.certificate,
      endpointType: apigwv2.EndpointType.REGIONAL,
      securityPolicy: apigwv2.SecurityPolicy.TLS_1_2,
    });
    // At 'Mapping/Resource', where the L2 ApiMapping of the HTTP API had it: the logical id stays, so
    // moving to the REST API updates the mapping in place (UpdateApiMapping takes a new ApiId) instead
    // of creating a second mapping on the same domain and path, which API Gateway would refuse.
    this.mapping = new apigwv2.CfnApiMapping(new Construct(this, 'Mapping'), 'Resource', {
      apiId: props.api.restApiId,
      domainName: this.domain.name,
      stage: props.stage.stageName,
    });
    this.regionalDomainName = this.domain.regionalDomainName;
    // The API's default endpoint host, "<api id>.execute-api.<region>.<url suffix>", built from the
    // api id (a plain string reference other stacks can read) rather than split out of apiEndpoint
    // in the reading stack, where CloudFormation's Fn::Split cannot take a cross-stack output.
    this.probeHost = Fn.join('.', [props.api.restApiId, 'execute-api', Stack.of(this).region, Aws.URL_SUFFIX]);
    this.probePath = props.probePath;
    if (!Token.isUnresolved(this.probePath) && !this.probePath.startsWith('/')) throw new Error(`${this.node.path}: probePath must start with "/", got: ${this.probePath}`);
  }
}
