// Form fields: a label, the control, a hint and an inline error, wired with ids so assistive tech
// reads them together. Works with react-hook-form's register() (ref is a plain prop in React 19).
import {
  useId,
  type InputHTMLAttributes,
  type ReactNode,
  type Ref,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
} from 'react';
import { Icon } from './icons.tsx';

interface FieldFrame {
  readonly label: ReactNode;
  readonly hint?: ReactNode;
  readonly error?: string | undefined;
  readonly className?: string;
}

interface FrameIds {
  readonly id: string;
  readonly describedBy: string | undefined;
  readonly invalid: boolean;
}

function useFrame(hint: ReactNode, error: string | undefined, given?: string): FrameIds {
  const generated = useId();
  const id = given ?? `f${generated.replace(/[^A-Za-z0-9_-]/g, '')}`;
  const parts = [hint !== undefined ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean);
  return { id, describedBy: parts.length > 0 ? parts.join(' ') : undefined, invalid: Boolean(error) };
}

function Frame({
  ids,
  label,
  hint,
  error,
  className,
  children,
}: FieldFrame & { readonly ids: FrameIds; readonly children: ReactNode }) {
  return (
    <div className={`ui-field ${className ?? ''}`}>
      <label className="ui-field__label" htmlFor={ids.id}>
        {label}
      </label>
      {children}
      {hint !== undefined ? (
        <span className="ui-field__hint" id={`${ids.id}-hint`}>
          {hint}
        </span>
      ) : null}
      {error ? (
        <span className="ui-field__error" id={`${ids.id}-error`}>
          <Icon name="alert" size={14} />
          {error}
        </span>
      ) : null}
    </div>
  );
}

export type TextFieldProps = FieldFrame &
  Omit<InputHTMLAttributes<HTMLInputElement>, 'className'> & { readonly ref?: Ref<HTMLInputElement> };

export function TextField({ label, hint, error, className, id, ref, ...input }: TextFieldProps) {
  const ids = useFrame(hint, error, id);
  return (
    <Frame ids={ids} label={label} hint={hint} error={error} className={className}>
      <input
        ref={ref}
        id={ids.id}
        className="ui-input"
        aria-invalid={ids.invalid || undefined}
        aria-describedby={ids.describedBy}
        {...input}
      />
    </Frame>
  );
}

export type TextAreaFieldProps = FieldFrame &
  Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'className'> & {
    readonly ref?: Ref<HTMLTextAreaElement>;
  };

export function TextAreaField({ label, hint, error, className, id, ref, ...input }: TextAreaFieldProps) {
  const ids = useFrame(hint, error, id);
  return (
    <Frame ids={ids} label={label} hint={hint} error={error} className={className}>
      <textarea
        ref={ref}
        id={ids.id}
        className="ui-textarea"
        aria-invalid={ids.invalid || undefined}
        aria-describedby={ids.describedBy}
        {...input}
      />
    </Frame>
  );
}

export interface Option {
  readonly value: string;
  readonly label: string;
}

export type SelectFieldProps = FieldFrame &
  Omit<SelectHTMLAttributes<HTMLSelectElement>, 'className'> & {
    readonly options: readonly Option[];
    readonly ref?: Ref<HTMLSelectElement>;
  };

export function SelectField({
  label,
  hint,
  error,
  className,
  id,
  ref,
  options,
  ...select
}: SelectFieldProps) {
  const ids = useFrame(hint, error, id);
  return (
    <Frame ids={ids} label={label} hint={hint} error={error} className={className}>
      <select
        ref={ref}
        id={ids.id}
        className="ui-select"
        aria-invalid={ids.invalid || undefined}
        aria-describedby={ids.describedBy}
        {...select}
      >
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </Frame>
  );
}

export type CheckProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'type'> & {
  readonly label: ReactNode;
  readonly ref?: Ref<HTMLInputElement>;
};

export function Checkbox({ label, ref, disabled, ...input }: CheckProps) {
  return (
    <label className={`ui-check ${disabled ? 'ui-check--disabled' : ''}`}>
      <input ref={ref} type="checkbox" disabled={disabled} {...input} />
      <span>{label}</span>
    </label>
  );
}

export function Switch({ label, ref, ...input }: CheckProps) {
  return (
    <label className="ui-switch">
      <input ref={ref} type="checkbox" role="switch" {...input} />
      <span>{label}</span>
    </label>
  );
}
