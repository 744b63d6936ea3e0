import { Token } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import { Construct } from 'constructs';

export interface RegionalNameProps {
  /** The region's chatbot REST API. */
  readonly api: apigw.IRestApi;
  /** The API's stage the name maps to. */
  readonly stage: apigw.IStage;
  /** The region's own name, e.g. `ap-southeast-1.chat.example.com`; only this region answers it. */
  readonly domainName: string;
  /** Hosted zone holding `domainName`: the certificate is DNS-validated in it and the alias record goes there. */
  readonly zone: route53.IHostedZone;
}

/**
 * A name of this region's own (plan §7.1, the chat widget's client-side failover): an ACM
 * certificate DNS-validated in the plan's zone, an API Gateway regional custom domain (TLS 1.2)
 * mapped to the chatbot stage, and an alias A record to it. No health check and no failover: the
 * widget knows both names and picks the one that answers, without waiting for DNS.
 */
export class RegionalName extends Construct {
  public readonly certificate: acm.Certificate;
  public readonly domain: apigwv2.DomainName;
  public readonly record: route53.ARecord;
  /** https base URL of the name. */
  public readonly url: string;

  constructor(scope: Construct, id: string, props: RegionalNameProps) {
    super(scope, id);
    const name = props.domainName;
    if (!Token.isUnresolved(name)) {
      const problems: string[] = [];
      if (!/^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(name)) problems.push(`domainName must be a lower-case DNS name such as "ap-southeast-1.chat.example.com", got: ${name}`);
      if (name.length > 64) problems.push(`domainName must be at most 64 characters (ACM's limit for a certificate's first name), got ${name.length}: ${name}`);
      if (!Token.isUnresolved(props.zone.zoneName) && !name.endsWith(`.${props.zone.zoneName.replace(/\.$/, '')}`)) {
        problems.push(`domainName must be below the zone "${props.zone.zoneName}", got: ${name}`);
      }
      if (problems.length) throw new Error(`${this.node.path}: ${problems.join('; ')}`);
    }
    this.certificate = new acm.Certificate(this, 'Certificate', {
      domainName: name,
      validation: acm.CertificateValidation.fromDns(props.zone),
    });
    this.domain = new apigwv2.DomainName(this, 'Domain', {
      domainName: name,
      certificate: this.certificate,
      endpointType: apigwv2.EndpointType.REGIONAL,
      securityPolicy: apigwv2.SecurityPolicy.TLS_1_2,
    });
    // API Gateway's v2 mapping maps REST API stages too (as RegionalEndpoint does for the public name).
    new apigwv2.CfnApiMapping(new Construct(this, 'Mapping'), 'Resource', { apiId: props.api.restApiId, domainName: this.domain.name, stage: props.stage.stageName });
    this.record = new route53.ARecord(this, 'Alias', {
      zone: props.zone,
      recordName: name,
      target: route53.RecordTarget.fromAlias(new targets.ApiGatewayv2DomainProperties(this.domain.regionalDomainName, this.domain.regionalHostedZoneId)),
      comment: `This region's own name for the chat widget (${name})`,
    });
    this.url = `https://${name}`;
  }
}
