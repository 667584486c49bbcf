// Password strength meter (zxcvbn-ts, loaded on first use so the dictionaries stay out of start-up).
import { useEffect, useState } from 'react';
import type { ZxcvbnResult } from '@zxcvbn-ts/core';
import { PASSWORD_MIN_LENGTH, PASSWORD_RECOMMENDED_LENGTH } from '#shared/contract/auth';

type Checker = (password: string, inputs: string[]) => ZxcvbnResult;
let checker: Promise<Checker> | undefined;

function loadChecker(): Promise<Checker> {
  checker ??= Promise.all([
    import('@zxcvbn-ts/core'),
    import('@zxcvbn-ts/language-common'),
    import('@zxcvbn-ts/language-en'),
  ]).then(([core, common, en]) => {
    const factory = new core.ZxcvbnFactory({
      translations: en.translations,
      graphs: common.adjacencyGraphs,
      dictionary: { ...common.dictionary, ...en.dictionary },
    });
    return (password, inputs) => factory.check(password, inputs);
  });
  return checker;
}

const labels = ['Very weak', 'Weak', 'Fair', 'Strong', 'Very strong'] as const;

export interface Strength {
  readonly score: 0 | 1 | 2 | 3 | 4;
  readonly label: string;
  readonly advice: string;
}

export function usePasswordStrength(password: string, inputs: readonly string[]): Strength | undefined {
  const [strength, setStrength] = useState<Strength | undefined>(undefined);
  const key = inputs.join('\u0000');
  useEffect(() => {
    if (password === '') {
      setStrength(undefined);
      return;
    }
    let cancelled = false;
    const timer = setTimeout(() => {
      void loadChecker().then((check) => {
        if (cancelled) return;
        const result = check(password, key.split('\u0000').filter(Boolean));
        const tooShort = password.length < PASSWORD_MIN_LENGTH;
        const score = tooShort ? 0 : result.score;
        const advice = tooShort
          ? `Use at least ${PASSWORD_MIN_LENGTH} characters; ${PASSWORD_RECOMMENDED_LENGTH} or more is better.`
          : [result.feedback.warning, ...result.feedback.suggestions].filter(Boolean).join(' ') ||
            (score >= 3 ? 'Good: hard to guess.' : 'A longer passphrase of unrelated words is stronger.');
        setStrength({ score, label: labels[score], advice });
      });
    }, 120);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [password, key]);
  return strength;
}

export function PasswordMeter({
  strength,
  id,
}: {
  readonly strength: Strength | undefined;
  readonly id: string;
}) {
  return (
    <div className="password-meter" id={id} aria-live="polite">
      <div className="ui-meter" data-score={strength?.score ?? -1} aria-hidden="true">
        <span />
        <span />
        <span />
        <span />
      </div>
      <p className="password-meter__text">
        {strength === undefined ? (
          <span className="muted">Longer is stronger: a few unrelated words work well.</span>
        ) : (
          <>
            <strong>Strength: {strength.label}.</strong> <span className="muted">{strength.advice}</span>
          </>
        )}
      </p>
    </div>
  );
}
