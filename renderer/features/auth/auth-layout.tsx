// The frame of the sign-in, sign-up, verification and recovery screens: brand, one card, links.
import type { ReactNode } from 'react';

export function AuthLayout({
  title,
  subtitle,
  children,
  footer,
}: {
  readonly title: string;
  readonly subtitle?: ReactNode;
  readonly children: ReactNode;
  readonly footer?: ReactNode;
}) {
  return (
    <div className="auth">
      <main className="auth__main">
        <div className="auth__brand">
          <span className="brand-mark" aria-hidden="true">
            A
          </span>
          <span className="brand-name">Accord</span>
        </div>
        <div className="auth__card ui-card">
          <div className="auth__header">
            <h1>{title}</h1>
            {subtitle !== undefined ? <p className="muted">{subtitle}</p> : null}
          </div>
          {children}
        </div>
        {footer !== undefined ? <div className="auth__footer">{footer}</div> : null}
      </main>
    </div>
  );
}
