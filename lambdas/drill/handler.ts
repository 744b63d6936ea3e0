import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { FisClient } from '@aws-sdk/client-fis';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Route53Client } from '@aws-sdk/client-route-53';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { DRILL_WORDS_FILE, drillRunnerConfig, METRICS, SERVICES } from '../../contracts';
import { readBundledJson } from '../shared/bundled';
import { createPowertools } from '../shared/powertools';
import { networkPorts } from './probe';
import { abortDrill, daysSinceSuccess, DrillWords, RunnerConfig, RunnerDeps, safetyFailBack, tick, TickPayload } from './runner';
import type { DrillReport } from '../../ops/drill/machine';

const { logger, metrics } = createPowertools(SERVICES.drillRunner);

/** What Step Functions and the safety-net rule send. */
export type RunnerEvent =
  | ({ action: 'tick' } & TickPayload)
  | ({ action: 'abort'; error?: { Error?: string; Cause?: string } } & TickPayload)
  | { action: 'watch' }
  | { source: 'aws.states'; detail?: { status?: string; executionArn?: string } };

let ctx: { cfg: RunnerConfig; deps: RunnerDeps; words: DrillWords } | undefined;

function context() {
  if (ctx) return ctx;
  const cfg = drillRunnerConfig.fromEnvironment(process.env).drill as RunnerConfig;
  const words = readBundledJson<DrillWords>(DRILL_WORDS_FILE);
  if (!words) throw new Error(`${DRILL_WORDS_FILE} is not bundled next to the handler; deploy the function with its construct (lib/drills)`);
  const clients = new Map<string, CloudWatchClient>();
  const fisClients = new Map<string, FisClient>();
  ctx = {
    cfg,
    words,
    deps: {
      route53: new Route53Client({ region: 'us-east-1' }),
      cloudwatch: (region) => clients.get(region) ?? clients.set(region, new CloudWatchClient({ region })).get(region)!,
      s3: new S3Client({}),
      ddb: new DynamoDBClient({}),
      sns: new SNSClient({}),
      probe: networkPorts(),
      now: () => new Date().toISOString(),
      fis: (region) => fisClients.get(region) ?? fisClients.set(region, new FisClient({ region })).get(region)!,
    },
  };
  return ctx;
}

/** Metrics of a finished drill: measured RTO (when measured) and the outcome. */
export function recordOutcome(report: DrillReport | undefined, finished: boolean, passed: boolean | undefined, add: (name: string, value: number) => void): void {
  if (!finished) return;
  if (report?.measured.recoverySeconds !== null && report?.measured.recoverySeconds !== undefined) add(METRICS.drillRunner.measuredRto, report.measured.recoverySeconds);
  add(METRICS.drillRunner.succeeded, passed ? 1 : 0);
  add(METRICS.drillRunner.failed, passed ? 0 : 1);
}

/** The drill runner: one Lambda for the Step Functions loop (tick), its Catch (abort) and the safety net. */
export const handler = async (event: RunnerEvent) => {
  const { cfg, deps, words } = context();
  try {
    if ('source' in event && event.source === 'aws.states') {
      const r = await safetyFailBack(cfg, deps);
      logger.warn('drill execution ended abnormally: safety fail-back', { status: event.detail?.status ?? null, executionArn: event.detail?.executionArn ?? null, restored: r.restored });
      return r;
    }
    if ('action' in event && event.action === 'watch') {
      const w = await daysSinceSuccess(cfg, deps);
      metrics.addMetric(METRICS.drillRunner.daysSinceSuccess, MetricUnit.Count, w.days);
      logger.info('drill watch', { ...w });
      return w;
    }
    const e = event as Exclude<RunnerEvent, { source: 'aws.states' } | { action: 'watch' }>;
    // Step Functions' Catch adds `error` to the input: that is the abort path.
    const out = 'error' in e && e.error ? await abortDrill(cfg, deps, words, e, `${e.error?.Error ?? 'error'}: ${(e.error?.Cause ?? '').slice(0, 200)}`) : await tick(cfg, deps, words, e);
    logger.info('drill step', { drillId: out.drillId, action: e.action, phase: out.state?.phase ?? null, finished: out.finished ?? false, passed: out.passed ?? null });
    recordOutcome(out.report, out.finished ?? false, out.passed, (name, value) => metrics.addMetric(name, name === METRICS.drillRunner.measuredRto ? MetricUnit.Seconds : MetricUnit.Count, value));
    const { report: _r, ...rest } = out;
    return { ...rest, action: 'tick' };
  } finally {
    metrics.publishStoredMetrics();
  }
};
