// The single-instance lock.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { claimSingleInstance, type InstanceApp } from './single-instance.ts';

class App extends EventEmitter implements InstanceApp {
  quits = 0;
  constructor(private readonly lock: boolean) {
    super();
  }
  requestSingleInstanceLock(): boolean {
    return this.lock;
  }
  quit(): void {
    this.quits++;
  }
}

describe('single instance', () => {
  it('quits a second copy of the app', () => {
    const app = new App(false);
    let focused = 0;
    expect(claimSingleInstance(app, () => focused++)).toBe(false);
    expect(app.quits).toBe(1);
    expect(app.listenerCount('second-instance')).toBe(0);
  });

  it('lets the first copy run and focus itself when another is started', () => {
    const app = new App(true);
    let focused = 0;
    expect(claimSingleInstance(app, () => focused++)).toBe(true);
    expect(app.quits).toBe(0);
    app.emit('second-instance', {}, ['accord'], '/home');
    expect(focused).toBe(1);
  });
});
