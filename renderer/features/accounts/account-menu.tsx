// The account switcher: the open account, other accounts on this device, add one, sign out
// (optionally removing this account's data from the device).
import { useState } from 'react';
import { knownAccounts } from '../../api/known-accounts.ts';
import { useManager, useRuntime } from '../../app/app-context.tsx';
import { useObservable } from '../../app/use-observable.ts';
import { Avatar } from '../../ui/avatar.tsx';
import { Button } from '../../ui/button.tsx';
import { Dialog } from '../../ui/dialog.tsx';
import { Banner } from '../../ui/feedback.tsx';
import { Checkbox } from '../../ui/field.tsx';
import { Icon } from '../../ui/icons.tsx';
import { useAvatarUrl } from '../avatar/queries.ts';
import { useProfile } from '../own-docs.ts';
import { useSyncStatus } from '../sync/queries.ts';

export function AccountMenu() {
  const manager = useManager();
  const runtime = useRuntime();
  const state = useObservable(manager.state$, manager.state$.value);
  const profile = useProfile();
  const avatarUrl = useAvatarUrl(profile?.avatar ?? null);
  const [open, setOpen] = useState(false);
  const [signingOut, setSigningOut] = useState(false);
  if (state.kind !== 'open') return null;
  const { account } = state;
  const name = profile?.displayName || account.displayName || account.email;
  const others = knownAccounts().filter((known) => known.userId !== runtime.userId);
  return (
    <>
      <button
        type="button"
        className="account-button"
        onClick={() => {
          setOpen(true);
        }}
        aria-label={`Account: ${name}. Switch account or sign out`}
      >
        <Avatar name={name} url={avatarUrl} size="sm" />
        <span className="account-button__text">
          <span className="account-button__name">{name}</span>
          <span className="account-button__email">{account.email}</span>
        </span>
        <Icon name="chevron-down" />
      </button>
      <Dialog
        open={open}
        title="Accounts"
        onClose={() => {
          setOpen(false);
          setSigningOut(false);
        }}
      >
        {signingOut ? (
          <SignOutForm
            onCancel={() => {
              setSigningOut(false);
            }}
          />
        ) : (
          <div className="stack">
            <div className="row">
              <Avatar name={name} url={avatarUrl} />
              <div>
                <strong>{name}</strong>
                <p className="muted">{account.email}</p>
              </div>
            </div>
            {others.length > 0 ? (
              <section aria-labelledby="other-accounts" className="stack-sm">
                <h3 id="other-accounts">Other accounts on this device</h3>
                <ul className="ui-list">
                  {others.map((other) => (
                    <li key={other.userId}>
                      <Avatar name={other.displayName || other.email} size="sm" />
                      <span className="grow">{other.displayName || other.email}</span>
                      <Button size="small" onClick={() => void manager.switchTo(other.userId)}>
                        Switch
                      </Button>
                    </li>
                  ))}
                </ul>
              </section>
            ) : null}
            <div className="row">
              <Button icon="plus" onClick={() => void manager.addAccount()}>
                Add another account
              </Button>
              <Button
                icon="log-out"
                variant="ghost"
                onClick={() => {
                  setSigningOut(true);
                }}
              >
                Sign out…
              </Button>
            </div>
          </div>
        )}
      </Dialog>
    </>
  );
}

function SignOutForm({ onCancel }: { readonly onCancel: () => void }) {
  const manager = useManager();
  const status = useSyncStatus();
  const [wipe, setWipe] = useState(false);
  const [busy, setBusy] = useState(false);
  return (
    <div className="stack">
      <p>Signing out ends this session on the server.</p>
      <Checkbox
        label="Also remove this account’s data from this device"
        checked={wipe}
        onChange={(event) => {
          setWipe(event.currentTarget.checked);
        }}
      />
      {wipe && status.pending > 0 ? (
        <Banner tone="warning" title="Some changes have not been sent">
          {status.pending} {status.pending === 1 ? 'change' : 'changes'} made on this device would be lost.
          Sync first, or keep the data.
        </Banner>
      ) : null}
      <div className="row">
        <Button
          variant={wipe ? 'danger' : 'primary'}
          busy={busy}
          onClick={() => {
            setBusy(true);
            void manager.signOut({ wipe }).finally(() => {
              setBusy(false);
            });
          }}
        >
          {wipe ? 'Sign out and remove data' : 'Sign out'}
        </Button>
        <Button variant="ghost" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </div>
  );
}
