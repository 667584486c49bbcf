// Cards: the surface every screen section sits on; header, body and an optional action footer.
import type { ReactNode } from 'react';

export interface CardProps {
  readonly title?: ReactNode;
  readonly description?: ReactNode;
  readonly actions?: ReactNode;
  readonly footer?: ReactNode;
  readonly children?: ReactNode;
  readonly labelledBy?: string;
  readonly id?: string;
}

export function Card({ title, description, actions, footer, children, id }: CardProps) {
  const headingId = id ? `${id}-title` : undefined;
  return (
    <section className="ui-card" id={id} aria-labelledby={title !== undefined ? headingId : undefined}>
      {title !== undefined ? (
        <header className="ui-card__header">
          <div>
            <h2 id={headingId}>{title}</h2>
            {description !== undefined ? <p>{description}</p> : null}
          </div>
          {actions}
        </header>
      ) : null}
      {children !== undefined ? <div className="ui-card__body">{children}</div> : null}
      {footer !== undefined ? <footer className="ui-card__footer">{footer}</footer> : null}
    </section>
  );
}
