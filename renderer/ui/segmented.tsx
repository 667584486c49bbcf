// A small radio group drawn as joined buttons (theme, preview-as); arrow keys move between options.
import { useId } from 'react';
import type { Option } from './field.tsx';

export function Segmented({
  legend,
  value,
  options,
  onChange,
  name,
}: {
  readonly legend: string;
  readonly value: string;
  readonly options: readonly Option[];
  readonly onChange: (value: string) => void;
  readonly name?: string;
}) {
  const generated = useId();
  const group = name ?? generated;
  return (
    <fieldset className="segmented-fieldset">
      <legend className="visually-hidden">{legend}</legend>
      <div className="ui-segmented">
        {options.map((option) => (
          <label key={option.value}>
            <input
              type="radio"
              name={group}
              value={option.value}
              checked={value === option.value}
              onChange={() => {
                onChange(option.value);
              }}
            />
            {option.label}
          </label>
        ))}
      </div>
    </fieldset>
  );
}
