// Chat widget failover benchmark: <contingency-chat> in Debian's chromium against two local
// servers standing in for the regions (the real chatbot handler behind each), with the example
// plan's widget settings (timeout, probe interval). Per run it measures, from the moment a region
// dies to what the customer sees:
//   - primary refuses connections (process or region gone) → next answer, from the standby
//   - primary accepts but never answers (hung)              → next answer, from the standby
//   - both regions refuse connections                        → human mode (agents' contacts)
//   - both regions hang                                      → human mode (two timeouts)
// and prints the medians next to DNS failover's modelled worst case for the same plan, as ratios.
// No thresholds here: it reports figures.
//   npx tsx bench/widget-failover.ts [runs]      (default 5)
import { loadPlan, planFailoverChain, planFailoverTiming, worstCaseChainSeconds, worstCaseFailoverSeconds } from '../lib/config';

const runs = Number(process.argv[2] ?? 5);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function main(): Promise<void> {
  // Quiet the handler's structured logs (read when its module loads): this script prints figures only.
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  const { startWidgetRig } = await import('../test/helpers/widget-harness');
  const { botMessage, launchChromium, openWidget, send, timeTo } = await import('../test/helpers/widget-browser');
  const { plan } = loadPlan();
  const rig = await startWidgetRig(plan);
  const browser = await launchChromium();
  const dead: number[] = [];
  const hung: number[] = [];
  const human: number[] = [];
  const humanHung: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      for (const [kind, out] of [['dead', dead], ['hung', hung], ['human', human], ['humanHung', humanHung]] as const) {
        await rig.primary.revive();
        await rig.standby.revive();
        const { page } = await openWidget(browser.context, `${rig.pageUrl}?lang=en`);
        await send(page, 'How do I reset my password?');
        await botMessage(page, 1);
        const t0 = Date.now();
        if (kind === 'dead') await rig.primary.kill();
        if (kind === 'hung') rig.primary.hang();
        if (kind === 'human') await Promise.all([rig.primary.kill(), rig.standby.kill()]);
        if (kind === 'humanHung') [rig.primary, rig.standby].forEach((r) => r.hang());
        out.push(await timeTo(page, t0, 'How long does a refund take?', kind.startsWith('human') ? 'human' : 'answer'));
        await page.close();
      }
    }
  } finally {
    await browser.close();
    await rig.close();
  }
  const dnsOne = worstCaseFailoverSeconds(planFailoverTiming(plan)) * 1000;
  const dnsChain = worstCaseChainSeconds(planFailoverChain(plan)) * 1000;
  const row = (label: string, ms: number[], dns: number, dnsLabel: string) =>
    console.log(`${label.padEnd(44)} median ${String(Math.round(median(ms))).padStart(6)} ms  (min ${Math.min(...ms)}, max ${Math.max(...ms)})  vs ${dnsLabel} ${dns / 1000} s: ${(dns / median(ms)).toFixed(0)}x faster`);
  console.log(`chat widget failover, ${runs} runs, widget timeout ${plan.widget.timeoutSeconds} s, example plan`);
  row('primary dead (refused) -> answer from standby', dead, dnsOne, 'DNS primary->standby');
  row('primary hung (no answer) -> answer from standby', hung, dnsOne, 'DNS primary->standby');
  row('both dead (refused) -> human mode (contacts)', human, dnsChain, 'DNS both down->fallback');
  row('both hung -> human mode (contacts)', humanHung, dnsChain, 'DNS both down->fallback');
}

main().catch((e: unknown) => {
  console.error((e as Error).message);
  process.exit(1);
});
