import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { createPkSkTable, Moto, startMoto } from './moto';
import type { PublishConfig } from '../../lambdas/incidents/store';
import { incidentTemplates } from '../../lib/incidents';
import type { Plan } from '../../lib/config';

/** Clients of one moto_server in us-east-1, where the incident publisher runs. */
export interface IncidentClients {
  readonly moto: Moto;
  readonly ddb: DynamoDBClient;
  readonly s3: S3Client;
  readonly sns: SNSClient;
  readonly sqs: SQSClient;
}

/**
 * The publishing side of incidents in moto_server, for tests: the incident table, the status and
 * report buckets, and the customer notice topic with an SQS queue subscribed (raw delivery) so a
 * test can read and count the notices sent.
 */
export function incidentEnvironment(names: { table: string; statusBucket: string; reportBucket: string; queue: string }) {
  let clients: IncidentClients | undefined;
  return {
    async start(): Promise<IncidentClients> {
      const moto = await startMoto('us-east-1');
      clients = {
        moto,
        ddb: new DynamoDBClient(moto.clientConfig),
        s3: new S3Client({ ...moto.clientConfig, forcePathStyle: true }),
        sns: new SNSClient(moto.clientConfig),
        sqs: new SQSClient(moto.clientConfig),
      };
      return clients;
    },
    async stop(): Promise<void> {
      if (!clients) return;
      [clients.ddb, clients.s3, clients.sns, clients.sqs].forEach((c) => c.destroy());
      await clients.moto.stop();
    },
    /**
     * The publisher's settings for these buckets and this topic and the plan's texts: 15 min
     * confirmation, 30 days look-back, 5 history entries, notices up to a day old; `extra` overrides.
     */
    publishConfig(noticeTopicArn: string, plan: Plan, extra: Partial<PublishConfig> = {}): PublishConfig {
      return {
        statusBucket: names.statusBucket,
        reportBucket: names.reportBucket,
        noticeTopicArn,
        confirmationMinutes: 15,
        lookbackDays: 30,
        historyLength: 5,
        noticeMaxAgeMinutes: 24 * 60,
        planName: plan.name,
        templates: incidentTemplates(plan),
        ...extra,
      };
    },
    /** Empties moto and creates the table, buckets, topic and queue again. */
    async reset(): Promise<{ topicArn: string; queueUrl: string }> {
      const { moto, ddb, s3, sns, sqs } = clients!;
      await moto.reset();
      await createPkSkTable(ddb, names.table);
      await s3.send(new CreateBucketCommand({ Bucket: names.statusBucket }));
      await s3.send(new CreateBucketCommand({ Bucket: names.reportBucket }));
      const topicArn = (await sns.send(new CreateTopicCommand({ Name: 'notices' }))).TopicArn!;
      const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: names.queue }))).QueueUrl!;
      const qArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn;
      await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: qArn, Attributes: { RawMessageDelivery: 'true' } }));
      return { topicArn, queueUrl };
    },
  };
}
