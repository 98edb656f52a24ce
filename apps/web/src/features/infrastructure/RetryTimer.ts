/** The timer functions to use; tests pass their own clock. The browser's timers by default. */
export interface TimerHooks {
  setTimer?: (run: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
}

/** The one pending "try again" of a connection that reopens itself: schedule it, or cancel it. */
export class RetryTimer {
  private timer: unknown;

  constructor(private readonly hooks: TimerHooks) {}

  schedule(run: () => void, ms: number): void {
    const setTimer =
      this.hooks.setTimer ?? ((callback: () => void, delay: number) => setTimeout(callback, delay));
    this.timer = setTimer(() => {
      this.timer = undefined;
      run();
    }, ms);
  }

  cancel(): void {
    if (this.timer === undefined) return;
    const clear =
      this.hooks.clearTimer ?? ((timer: unknown) => clearTimeout(timer as ReturnType<typeof setTimeout>));
    clear(this.timer);
    this.timer = undefined;
  }
}
