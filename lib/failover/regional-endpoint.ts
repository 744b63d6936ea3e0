import { Aws, Fn, Stack, Token } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';

export interface RegionalEndpointProps {
  /** The region's chatbot HTTP API. */
  readonly api: apigwv2.IHttpApi;
  /** The API's stage the custom domain maps to. */
  readonly stage: apigwv2.IStage;
  /** The public name customers use; the same in both regions. */
  readonly domainName: string;
  /** Hosted zone holding `domainName`; the certificate is DNS-validated in it. */
  readonly zone: route53.IHostedZone;
}

/**
 * The public name on one region's chatbot API: an ACM certificate (DNS-validated in the plan's zone),
 * an API Gateway regional custom domain (TLS 1.2) and its mapping to the stage. Both regions get
 * the same name, so whichever region DNS failover picks presents a valid certificate.
 */
export class RegionalEndpoint extends Construct {
  public readonly certificate: acm.Certificate;
  public readonly domain: apigwv2.DomainName;
  /** Regional target host (`d-….execute-api.<region>.amazonaws.com`) the failover records point at. */
  public readonly regionalDomainName: string;
  /**
   * Host of the API's own execute-api endpoint. Route 53 probes it (not the shared public name,
   * which follows the failover) with SNI, so each region's health is measured on its own.
   */
  public readonly probeHost: string;

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
    new apigwv2.ApiMapping(this, 'Mapping', { api: props.api, domainName: this.domain, stage: props.stage });
    this.regionalDomainName = this.domain.regionalDomainName;
    // The API's default endpoint host, "<api id>.execute-api.<region>.<url suffix>", built from the
    // api id (a plain string reference other stacks can read) rather than split out of apiEndpoint
    // in the reading stack, where CloudFormation's Fn::Split cannot take a cross-stack output.
    this.probeHost = Fn.join('.', [props.api.apiId, 'execute-api', Stack.of(this).region, Aws.URL_SUFFIX]);
  }
}
