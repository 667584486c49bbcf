// A card that is a form: its fields, one submit button in the footer, and the error that belongs to
// no single field (react-hook-form's `errors.root`) announced above them.
import type { BaseSyntheticEvent, ReactNode } from 'react';
import { Button } from './button.tsx';
import { Card } from './card.tsx';
import { Banner } from './feedback.tsx';

export interface FormCardProps {
  /** The form's accessible name. */
  readonly label: string;
  readonly title: ReactNode;
  readonly description?: ReactNode;
  readonly submitLabel: ReactNode;
  readonly busy: boolean;
  /** The form-wide error, if any. */
  readonly error: string | undefined;
  /** react-hook-form's `handleSubmit(...)`. */
  readonly onSubmit: (event: BaseSyntheticEvent) => Promise<void>;
  readonly children: ReactNode;
}

export function FormCard({
  label,
  title,
  description,
  submitLabel,
  busy,
  error,
  onSubmit,
  children,
}: FormCardProps) {
  return (
    <form noValidate onSubmit={(event) => void onSubmit(event)} aria-label={label}>
      <Card
        title={title}
        description={description}
        footer={
          <Button type="submit" variant="primary" busy={busy}>
            {submitLabel}
          </Button>
        }
      >
        <div className="stack">
          <FormError message={error} />
          {children}
        </div>
      </Card>
    </form>
  );
}

/** The form-wide error as a live banner; nothing when there is none. */
export function FormError({ message }: { readonly message: string | undefined }) {
  return message !== undefined ? (
    <Banner tone="danger" live>
      {message}
    </Banner>
  ) : null;
}
