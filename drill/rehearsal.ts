import { advance, DrillReport, DrillSettings, DrillState, isFinished, Observation, Signals, startDrill } from '../ops/drill/machine';

/**
 * A live drill rehearsed in the tabletop: the same pure state machine the deployed drill runner
 * drives (ops/drill/machine.ts), stepped by the tabletop's simulated clock. Its observations come
 * from the simulation (the real /health handlers of both regions, an observer resolving the public
 * name through its own DNS cache, the simulated alarm states); its effects act on the simulation
 * (inject: the primary's simulated health check is inverted, as UpdateHealthCheck Inverted does;
 * fail-back: inverted again; announce: to on-call only, and the drill marker in the real incident
 * log, so incidents the drill causes are drill incidents).
 */

export interface RehearsalWorld {
  /** Invert or restore the primary's health check. */
  setInverted(on: boolean): void;
  /** The real /health of a region (its own health, not counting the inversion). */
  regionHealthy(role: 'primary' | 'standby', t: number): Promise<boolean>;
  /** Region name that answers the public name for the drill's observer, undefined when nothing answers. */
  serving(t: number): string | undefined;
  emergencyLevel(): boolean;
  burnRate(): boolean;
  /** A public (not drill) incident is open. */
  openIncident(): boolean;
  /** The first time (seconds) of each signal seen so far. */
  signals(): Partial<Record<Exclude<keyof Signals, 'dnsSwitched'>, number>>;
  announce(t: number, what: string, text: string): void;
  markDrill(t: number, phase: 'start' | 'end'): Promise<void>;
  note(t: number, title: string): void;
}

export class Rehearsal {
  private state: DrillState | undefined;
  private next: number;
  private dnsSwitched: number | undefined;
  report: DrillReport | undefined;
  /** When the machine injected, failed back and finished (seconds), for the timeline and tests. */
  readonly times: { injected?: number; failBack?: number; finished?: number } = {};

  constructor(
    private readonly settings: DrillSettings,
    startAt: number,
    private readonly iso: (t: number) => string,
  ) {
    this.next = startAt;
  }

  get finished(): boolean {
    return !!this.state && isFinished(this.state);
  }

  /** Called every simulated second; observes and advances the machine when it asked to look again. */
  async step(t: number, w: RehearsalWorld): Promise<void> {
    const serving = w.serving(t);
    if (this.state?.injectedAt && this.dnsSwitched === undefined && serving === this.settings.regions.standby) this.dnsSwitched = t;
    if (t < this.next || this.finished) return;
    this.state ??= startDrill(this.settings, this.iso(t));
    // Steps with no wait run in the same second (announce → inject), as the runner's loop does.
    for (;;) {
      const sig = w.signals();
      const signals: Record<string, string> = {};
      for (const [k, v] of Object.entries(sig)) if (v !== undefined) signals[k] = this.iso(v);
      if (this.dnsSwitched !== undefined) signals.dnsSwitched = this.iso(this.dnsSwitched);
      const o: Observation = {
        time: this.iso(t),
        primaryHealthy: await w.regionHealthy('primary', t),
        standbyHealthy: await w.regionHealthy('standby', t),
        ...(serving ? { servingRegion: serving } : {}),
        openIncident: w.openIncident(),
        emergencyLevel: w.emergencyLevel(),
        burnRate: w.burnRate(),
        signals: signals as Signals,
      };
      const before = this.state.phase;
      const s = advance(this.state, o);
      this.state = s.state;
      if (s.state.phase !== before) w.note(t, `drill runner (ops/drill/machine.ts): ${before} → ${s.state.phase}`);
      for (const e of s.effects) {
        if (e.type === 'announce') {
          if (e.what === 'start') await w.markDrill(t, 'start');
          w.announce(t, e.what, e.text);
        } else if (e.type === 'inject') {
          this.times.injected = t;
          w.setInverted(true);
          w.note(t, 'drill: the primary health check is inverted (UpdateHealthCheck Inverted=true)');
        } else if (e.type === 'fail-back') {
          this.times.failBack = t;
          w.setInverted(false);
          w.note(t, 'drill: the primary health check is restored (Inverted=false)');
        } else if (e.type === 'report') this.report = e.report;
      }
      if (isFinished(s.state)) {
        this.times.finished = t;
        if (s.state.announcedAt) await w.markDrill(t, 'end');
        return;
      }
      if (s.waitSeconds > 0) {
        this.next = t + s.waitSeconds;
        return;
      }
    }
  }
}
