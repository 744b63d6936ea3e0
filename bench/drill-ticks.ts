// How many runner steps (Lambda invocations) a live drill of the example plan takes when the standby
// serves 90 s after injection and the primary 90 s after fail-back: `npx tsx bench/drill-ticks.ts`.
import { advance, startDrill, Observation } from '../ops/drill/machine';
import { drillSettings } from '../lib/config/drills';
import { loadedPlan } from '../test/helpers/plan';
const { plan } = loadedPlan();
const s = drillSettings(plan);
let st = startDrill(s, '2026-03-03T02:00:00Z');
let t = Date.parse('2026-03-03T02:00:00Z');
let ticks = 0;
while (st.phase !== 'done' && st.phase !== 'cancelled') {
  const since = st.injectedAt ? (t - Date.parse(st.injectedAt)) / 1000 : 0;
  const back = st.failBackAt ? (t - Date.parse(st.failBackAt)) / 1000 : -1;
  const serving = st.failBackAt ? (back >= 90 ? s.regions.primary : s.regions.standby) : st.injectedAt && since >= 90 ? s.regions.standby : s.regions.primary;
  const o: Observation = { time: new Date(t).toISOString(), primaryHealthy: true, standbyHealthy: true, servingRegion: serving, openIncident: false, emergencyLevel: false, burnRate: false };
  const step = advance(st, o);
  st = step.state; ticks++;
  t += Math.max(1, step.waitSeconds) * 1000;
}
console.log(JSON.stringify({ ticks, minutes: (t - Date.parse('2026-03-03T02:00:00Z')) / 60000, phase: st.phase, poll: s.pollSeconds, hold: s.holdSeconds }));
