import { createHash, randomBytes, randomUUID } from 'crypto';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { createPowertools } from '../shared/powertools';
import { INCIDENT_KEYS, surveyConfig, SurveySettings } from '../../contracts';
import {
  INCIDENT_ID_PATTERN,
  RATING_MAX,
  RATING_MIN,
  SURVEY_KEYS,
  SURVEY_LIMIT_TTL_SECONDS,
  SURVEY_MAX_BODY_BYTES,
  SURVEY_SALT_TTL_SECONDS,
} from '../../contracts/survey';

const { logger, metrics } = createPowertools('survey');

/** The parts of an API Gateway (REST, Lambda proxy) event the survey reads. */
export interface SurveyRequest {
  readonly httpMethod?: string;
  readonly headers?: Record<string, string | undefined> | null;
  readonly pathParameters?: Record<string, string | undefined> | null;
  readonly body?: string | null;
  readonly isBase64Encoded?: boolean;
  readonly requestContext?: { readonly identity?: { readonly sourceIp?: string } };
}

export interface SurveyResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** What the page shows for each answer: the code names a sentence in its word table. */
export type SurveyOutcome = 'recorded' | 'invalid' | 'closed' | 'limited' | 'error';

const HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
const reply = (statusCode: number, outcome: SurveyOutcome, problems?: string[]): SurveyResponse => ({
  statusCode,
  headers: HEADERS,
  body: JSON.stringify({ outcome, ...(problems?.length ? { problems } : {}) }),
});

const isConditionFailed = (err: unknown) => err instanceof ConditionalCheckFailedException || (err as Error)?.name === 'ConditionalCheckFailedException';

/**
 * The viewer's address: CloudFront sets `CloudFront-Viewer-Address` (`ip:port`, the only address
 * header a viewer cannot forge through the distribution); without it, API Gateway's source IP.
 */
export function viewerAddress(req: SurveyRequest): string {
  const headers = Object.fromEntries(Object.entries(req.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const viewer = headers['cloudfront-viewer-address'];
  if (viewer) return viewer.replace(/:\d+$/, '');
  return req.requestContext?.identity?.sourceIp ?? 'unknown';
}

/** A parsed, checked answer, or the problems (each names the rule and what was sent). */
export function parseAnswer(req: SurveyRequest, settings: Pick<SurveySettings, 'commentMaxLength' | 'languages'>): { rating: number; comment?: string; lang: string } | { problems: string[] } {
  const raw = req.body ?? '';
  const text = req.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (Buffer.byteLength(text, 'utf8') > SURVEY_MAX_BODY_BYTES) return { problems: [`body must be at most ${SURVEY_MAX_BODY_BYTES} bytes`] };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { problems: ['body must be JSON: {"rating": 1-5, "comment": "...", "lang": "..."}'] };
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) return { problems: ['body must be a JSON object'] };
  const b = body as Record<string, unknown>;
  const problems: string[] = [];
  const unknownKeys = Object.keys(b).filter((k) => !['rating', 'comment', 'lang'].includes(k));
  if (unknownKeys.length) problems.push(`only rating, comment and lang are accepted (no personal data), got also: ${unknownKeys.slice(0, 5).join(', ')}`);
  const rating = b.rating;
  if (typeof rating !== 'number' || !Number.isInteger(rating) || rating < RATING_MIN || rating > RATING_MAX) problems.push(`rating must be a whole number from ${RATING_MIN} to ${RATING_MAX}`);
  let comment: string | undefined;
  if (b.comment !== undefined && b.comment !== null) {
    if (typeof b.comment !== 'string') problems.push('comment must be text');
    else {
      // Control characters other than line breaks and tabs are dropped; the text is kept as typed
      // (escaped where it is shown: the report).
      comment = b.comment.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').trim();
      if ([...comment].length > settings.commentMaxLength) problems.push(`comment must be at most ${settings.commentMaxLength} characters`);
      if (!comment) comment = undefined;
    }
  }
  const lang = typeof b.lang === 'string' && settings.languages.includes(b.lang) ? b.lang : settings.languages[0];
  if (problems.length) return { problems };
  return { rating: rating as number, lang, ...(comment ? { comment } : {}) };
}

export function createHandler(settings: SurveySettings, ddb: DynamoDBClient, clock: () => Date = () => new Date()) {
  const doc = DynamoDBDocumentClient.from(ddb, { marshallOptions: { removeUndefinedValues: true } });
  const table = settings.tableName;

  /** The day's salt: created once per day (conditional put), gone two days later with its TTL. */
  async function salt(day: string, nowS: number): Promise<string> {
    const key = { pk: SURVEY_KEYS.saltPk, sk: day };
    const got = await doc.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }));
    if (got.Item?.salt) return String(got.Item.salt);
    const fresh = randomBytes(32).toString('base64');
    try {
      await doc.send(new PutCommand({ TableName: table, Item: { ...key, salt: fresh, expiresAt: nowS + SURVEY_SALT_TTL_SECONDS }, ConditionExpression: 'attribute_not_exists(pk)' }));
      return fresh;
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
      const again = await doc.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }));
      return String(again.Item!.salt);
    }
  }

  /** Adds one to a counter of this hour; false when it is already at `max` (nothing counted). */
  async function take(pk: string, hour: string, max: number, nowS: number): Promise<boolean> {
    try {
      await doc.send(
        new UpdateCommand({
          TableName: table,
          Key: { pk, sk: hour },
          UpdateExpression: 'ADD answers :one SET expiresAt = if_not_exists(expiresAt, :exp)',
          ConditionExpression: 'attribute_not_exists(answers) OR answers < :max',
          ExpressionAttributeValues: { ':one': 1, ':max': max, ':exp': nowS + SURVEY_LIMIT_TTL_SECONDS },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw err;
    }
  }

  /** The incident as the register has it: exists and closed (and when), or not. */
  async function closedAt(incident: string): Promise<string | undefined> {
    const res = await doc.send(new GetCommand({ TableName: settings.incidentTableName, Key: { pk: INCIDENT_KEYS.statePk, sk: INCIDENT_KEYS.registerSk } }));
    if (!res.Item) return undefined;
    const list = JSON.parse(String(res.Item.incidents)) as { id: string; closedAt?: string }[];
    return list.find((i) => i.id === incident)?.closedAt;
  }

  return async (req: SurveyRequest): Promise<SurveyResponse> => {
    if ((req.httpMethod ?? 'POST') !== 'POST') return reply(405, 'invalid', ['only POST is accepted']);
    const incident = req.pathParameters?.incident ?? '';
    if (!INCIDENT_ID_PATTERN.test(incident)) return reply(404, 'closed', ['no such incident']);
    const answer = parseAnswer(req, settings);
    if ('problems' in answer) {
      metrics.addMetric('SurveyAnswersRejected', MetricUnit.Count, 1);
      return reply(400, 'invalid', answer.problems);
    }
    const now = clock();
    const nowS = Math.floor(now.getTime() / 1000);
    const closed = await closedAt(incident);
    if (!closed) return reply(404, 'closed', ['no resolved incident with this id']);
    if (now.getTime() - Date.parse(closed) > settings.windowDays * 86400_000) return reply(410, 'closed', [`the survey closes ${settings.windowDays} days after the incident`]);

    const iso = now.toISOString();
    const hour = iso.slice(0, 13);
    const hash = createHash('sha256')
      .update(await salt(iso.slice(0, 10), nowS))
      .update('\u0000')
      .update(viewerAddress(req))
      .digest('base64url')
      .slice(0, 32);
    // Per address first: a flood from one address never spends the incident's allowance.
    if (!(await take(SURVEY_KEYS.addressLimitPk(hash), hour, settings.perAddressPerHour, nowS)) || !(await take(SURVEY_KEYS.incidentLimitPk(incident), hour, settings.perIncidentPerHour, nowS))) {
      metrics.addMetric('SurveyAnswersLimited', MetricUnit.Count, 1);
      logger.info('survey answer rate limited', { incident });
      return reply(429, 'limited');
    }
    await doc.send(
      new PutCommand({
        TableName: table,
        Item: {
          pk: SURVEY_KEYS.answerPk(incident),
          sk: `${iso}#${randomUUID()}`,
          rating: answer.rating,
          lang: answer.lang,
          ...(answer.comment ? { comment: answer.comment } : {}),
          time: iso,
          expiresAt: nowS + settings.retentionDays * 86400,
        },
      }),
    );
    // The publisher compares this count with the one its report was rendered from.
    await doc.send(
      new UpdateCommand({
        TableName: table,
        Key: { pk: SURVEY_KEYS.countPk, sk: incident },
        UpdateExpression: 'ADD answers :one SET expiresAt = :exp',
        ExpressionAttributeValues: { ':one': 1, ':exp': nowS + settings.retentionDays * 86400 },
      }),
    );
    metrics.addMetric('SurveyAnswersRecorded', MetricUnit.Count, 1);
    logger.info('survey answer recorded', { incident, rating: answer.rating, lang: answer.lang, comment: Boolean(answer.comment) });
    return reply(201, 'recorded');
  };
}

let cached: ReturnType<typeof createHandler> | undefined;

export const handler = async (event: SurveyRequest): Promise<SurveyResponse> => {
  try {
    cached ??= createHandler(surveyConfig.fromEnvironment(process.env).settings, new DynamoDBClient({}));
    return await cached(event);
  } catch (err) {
    // No stack trace to the customer: one line in the log, a plain answer to the page.
    logger.error('survey answer failed', { error: (err as Error).message });
    return reply(500, 'error');
  } finally {
    metrics.publishStoredMetrics();
  }
};
