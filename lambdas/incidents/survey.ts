import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { SURVEY_KEYS, SurveyAnswer } from '../../contracts/survey';

/** The incident publisher's read-only view of the survey table (report summaries, §10.2). */
export class SurveyReader {
  private readonly doc: DynamoDBDocumentClient;

  constructor(client: DynamoDBClient, private readonly tableName: string) {
    this.doc = DynamoDBDocumentClient.from(client);
  }

  /** Answers stored for an incident (the survey function's counter; 0 when none). */
  async count(incident: string): Promise<number> {
    const res = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk: SURVEY_KEYS.countPk, sk: incident }, ConsistentRead: true }));
    return Number(res.Item?.answers ?? 0);
  }

  /** Every stored answer of an incident, oldest first. */
  async answers(incident: string): Promise<SurveyAnswer[]> {
    const out: SurveyAnswer[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': SURVEY_KEYS.answerPk(incident) },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const i of res.Items ?? []) out.push({ rating: Number(i.rating), lang: String(i.lang), time: String(i.time), ...(typeof i.comment === 'string' ? { comment: i.comment } : {}) });
      start = res.LastEvaluatedKey;
    } while (start);
    return out;
  }
}
