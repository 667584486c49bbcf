// Admin calls and the re-authentication they may need: every admin route answers 401
// `reauthentication_required` once the sign-in is no longer recent. Any call of the console can
// meet it; one prompt asks for the password, then every call that waited is retried.
import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';
import type { ResponseOf, RouteContract } from '#shared/contract/route';
import type { RouteInput } from '../../api/call-route.ts';
import { Dialog } from '../../ui/dialog.tsx';
import { useAccount } from '../own-docs.ts';
import { isReauthRequired, useCall } from '../server-data.ts';
import { ReauthForm } from '../settings/reauth-form.tsx';

/** The person closed the password prompt: the call that needed it did not run. */
export class ReauthCancelled extends Error {
  override readonly name = 'ReauthCancelled';
  constructor() {
    super('Not done: confirm your password to use the admin console.');
  }
}

type AdminCall = <R extends RouteContract>(route: R, input: RouteInput<R>) => Promise<ResponseOf<R>>;

interface Gate {
  /** Runs `action`; when the server asks for re-authentication, prompts once and runs it again. */
  readonly guard: <T>(action: () => Promise<T>) => Promise<T>;
}

const GateContext = createContext<Gate | undefined>(undefined);

export function AdminGateProvider({ children }: { readonly children: ReactNode }) {
  const account = useAccount();
  const [prompting, setPrompting] = useState(false);
  // Every call that met the 401 while the prompt was open waits for the same answer.
  const waiters = useRef<((confirmed: boolean) => void)[]>([]);
  const answer = useCallback((confirmed: boolean) => {
    const waiting = waiters.current;
    waiters.current = [];
    setPrompting(false);
    for (const resolve of waiting) resolve(confirmed);
  }, []);
  const guard = useCallback(async <T,>(action: () => Promise<T>): Promise<T> => {
    try {
      return await action();
    } catch (error) {
      if (!isReauthRequired(error)) throw error;
      const confirmed = await new Promise<boolean>((resolve) => {
        waiters.current.push(resolve);
        setPrompting(true);
      });
      if (!confirmed) throw new ReauthCancelled();
      return action();
    }
  }, []);
  const gate = useMemo(() => ({ guard }), [guard]);
  return (
    <GateContext value={gate}>
      {children}
      <Dialog
        open={prompting}
        title="Confirm it’s you"
        onClose={() => {
          answer(false);
        }}
      >
        <ReauthForm
          twoFactor={account?.twoFactorEnabled === true}
          onConfirmed={() => {
            answer(true);
          }}
          onCancel={() => {
            answer(false);
          }}
        />
      </Dialog>
    </GateContext>
  );
}

/** A typed call of an admin route that prompts for the password when the server asks for it. */
export function useAdminCall(): AdminCall {
  const gate = useContext(GateContext);
  if (gate === undefined) throw new Error('useAdminCall outside AdminGateProvider');
  const call = useCall();
  return useCallback<AdminCall>((route, input) => gate.guard(() => call(route, input)), [gate, call]);
}

/** Runs any request (a download, say) through the same prompt-and-retry. */
export function useAdminGuard(): Gate['guard'] {
  const gate = useContext(GateContext);
  if (gate === undefined) throw new Error('useAdminGuard outside AdminGateProvider');
  return gate.guard;
}
