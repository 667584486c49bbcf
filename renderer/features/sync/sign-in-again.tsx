// Asks to sign in again once the server has ended this device's sign-in and the device is online.
// A floating notice rather than a banner in the page, so the screen being edited does not move.
import { useRuntime } from '../../app/app-context.tsx';
import { Button } from '../../ui/button.tsx';
import { Banner } from '../../ui/feedback.tsx';
import { phaseOf } from './describe.ts';
import { useSyncStatus } from './queries.ts';
import './sign-in-again.css';

export function SignInAgainNotice({ onSignIn }: { readonly onSignIn: () => void }) {
  const status = useSyncStatus();
  const runtime = useRuntime();
  // Offline there is nothing to do yet: the data stays editable and the indicator says "Signed out".
  if (phaseOf(status) !== 'signed-out' || !status.online || runtime.session.endedOnPurpose) return null;
  return (
    <div className="sign-in-again" data-testid="sign-in-again">
      <Banner
        tone="warning"
        live
        title="Sign in again to sync"
        actions={
          <Button size="small" variant="primary" onClick={onSignIn}>
            Sign in again
          </Button>
        }
      >
        {runtime.session.expiredReason ?? 'Your sign-in has ended. Your changes are kept on this device.'}
      </Banner>
    </div>
  );
}
