// Feedback components: banners, badges, spinners, loading and empty states.
import type { ReactNode } from 'react';
import { Icon, type IconName } from './icons.tsx';

export type Tone = 'info' | 'warning' | 'danger' | 'success';

const toneIcon: Record<Tone, IconName> = {
  info: 'info',
  warning: 'alert',
  danger: 'alert',
  success: 'check',
};

export function Banner({
  tone = 'info',
  title,
  children,
  actions,
  live = false,
}: {
  readonly tone?: Tone;
  readonly title?: ReactNode;
  readonly children?: ReactNode;
  readonly actions?: ReactNode;
  /** Announce to screen readers when it appears (errors use role=alert). */
  readonly live?: boolean;
}) {
  const role = live ? (tone === 'danger' ? 'alert' : 'status') : undefined;
  return (
    <div className={`ui-banner ui-banner--${tone}`} role={role}>
      <span className="ui-banner__icon">
        <Icon name={toneIcon[tone]} />
      </span>
      <div className="ui-banner__body">
        {title !== undefined ? <div className="ui-banner__title">{title}</div> : null}
        {children}
      </div>
      {actions}
    </div>
  );
}

export function Badge({
  tone,
  children,
}: {
  readonly tone?: 'success' | 'warning' | 'danger' | 'accent';
  readonly children: ReactNode;
}) {
  return <span className={`ui-badge ${tone ? `ui-badge--${tone}` : ''}`}>{children}</span>;
}

export function Spinner({ label }: { readonly label?: string }) {
  return (
    <>
      <span className="ui-spinner" aria-hidden="true" />
      {label !== undefined ? <span className="visually-hidden">{label}</span> : null}
    </>
  );
}

export function Loading({ label = 'Loading…' }: { readonly label?: string }) {
  return (
    <div className="ui-loading" role="status">
      <span className="ui-spinner" aria-hidden="true" />
      <span>{label}</span>
    </div>
  );
}

export function Skeleton({ lines = 3 }: { readonly lines?: number }) {
  return (
    <div className="stack-sm" aria-hidden="true">
      {Array.from({ length: lines }, (_, i) => (
        <div key={i} className={`ui-skeleton skeleton-w${(i % 3) + 1}`} />
      ))}
    </div>
  );
}

export function EmptyState({
  icon = 'info',
  title,
  children,
  action,
}: {
  readonly icon?: IconName;
  readonly title: ReactNode;
  readonly children?: ReactNode;
  readonly action?: ReactNode;
}) {
  return (
    <div className="ui-empty">
      <span className="ui-empty__icon">
        <Icon name={icon} size={20} />
      </span>
      <p className="ui-empty__title">{title}</p>
      {children !== undefined ? <p>{children}</p> : null}
      {action}
    </div>
  );
}
