import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { FAILOVER_DETAIL_TYPE, FAILOVER_EVENT_SOURCE, observerKey } from '../../contracts';
import { ProbePorts, probePublicName, ProbeResult, ServingRole } from '../drill/probe';

export interface ObserverConfig {
  readonly region: string;
  readonly publicName: string;
  readonly primaryRegion: string;
  readonly standbyRegion: string;
  readonly tableName: string;
}

export interface ObserverDeps {
  readonly probe: ProbePorts;
  readonly ddb: DynamoDBClient;
  readonly events: EventBridgeClient;
}

export interface Observed {
  readonly result: ProbeResult;
  readonly previous?: ServingRole;
  /** True when a "Failover Observed" event was sent. */
  readonly failoverSent: boolean;
}

/**
 * One observation: probe the public name, swap the last reading in the incident table (one item
 * per observer region), and send `contingency.failover` "Failover Observed" when the standby now
 * serves and did not before. The incident recorder in this region listens for it, so incidents
 * (real and drill) get their time to fail over.
 */
export async function observeOnce(cfg: ObserverConfig, deps: ObserverDeps, now: string): Promise<Observed> {
  const result = await probePublicName(cfg.publicName, { primary: cfg.primaryRegion, standby: cfg.standbyRegion }, deps.probe);
  const doc = DynamoDBDocumentClient.from(deps.ddb);
  const old = await doc.send(
    new UpdateCommand({
      TableName: cfg.tableName,
      Key: observerKey(cfg.region),
      UpdateExpression: 'SET #role = :role, #at = :at, #region = :region',
      ExpressionAttributeNames: { '#role': 'role', '#at': 'observedAt', '#region': 'servingRegion' },
      ExpressionAttributeValues: { ':role': result.role, ':at': now, ':region': result.servingRegion ?? 'none' },
      ReturnValues: 'ALL_OLD',
    }),
  );
  const previous = old.Attributes?.role as ServingRole | undefined;
  let failoverSent = false;
  if (result.role === 'standby' && previous !== 'standby') {
    const res = await deps.events.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: FAILOVER_EVENT_SOURCE,
            DetailType: FAILOVER_DETAIL_TYPE,
            Time: new Date(now),
            Detail: JSON.stringify({
              region: cfg.standbyRegion,
              detail: `${cfg.publicName} is served by the standby ${cfg.standbyRegion} (before: ${previous ?? 'not observed'}), seen from ${cfg.region}`,
            }),
          },
        ],
      }),
    );
    if (res.FailedEntryCount) throw new Error(`PutEvents refused the Failover Observed event (${res.Entries?.[0]?.ErrorCode ?? 'unknown error'})`);
    failoverSent = true;
  }
  return { result, ...(previous ? { previous } : {}), failoverSent };
}
