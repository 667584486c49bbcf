// An authenticator app for the suite: TOTP codes from the secret the app shows, computed with
// otplib as the server checks them. The server accepts each 30-second step once and one step
// ahead of its clock, so every code asked for here belongs to a step not used before.
import { generate } from 'otplib';

const STEP_SECONDS = 30;

function currentStep(): number {
  return Math.floor(Date.now() / 1000 / STEP_SECONDS);
}

export class Authenticator {
  private lastStep = -1;

  constructor(readonly secret: string) {}

  async code(): Promise<string> {
    const step = Math.max(currentStep(), this.lastStep + 1);
    // Two codes within one step use the next step's code; a third has to wait for the clock.
    while (step > currentStep() + 1) {
      await new Promise((resolve) => setTimeout(resolve, (step - 1) * STEP_SECONDS * 1000 - Date.now() + 50));
    }
    this.lastStep = step;
    return generate({ secret: this.secret, epoch: step * STEP_SECONDS });
  }
}
