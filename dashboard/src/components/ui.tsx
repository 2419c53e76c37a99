// Small building blocks shared by the pages.
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api.ts';

export function useLoad<T>(load: () => Promise<T>, deps: unknown[]) {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<ApiError | Error | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const run = useCallback(() => {
    setLoading(true);
    setError(undefined);
    load().then(
      (d) => {
        setData(d);
        setLoading(false);
      },
      (e: Error) => {
        setError(e);
        setLoading(false);
      },
    );
    // The caller lists what the load depends on.
  }, deps);
  useEffect(run, [run]);
  return { data, error, loading, reload: run };
}

export function ErrorNotice({ error }: { error: Error | undefined }) {
  if (!error) return null;
  const code = error instanceof ApiError ? error.body.code : undefined;
  return (
    <p class="notice error" role="alert">
      {code ? <strong>{code}: </strong> : null}
      {error.message}
    </p>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p class="muted" aria-live="polite">
      Loading {what}…
    </p>
  );
}

export function Card({ title, children, class: cls }: { title?: string; children: ComponentChildren; class?: string }) {
  return (
    <section class={`card ${cls ?? ''}`} aria-label={title}>
      {title ? <h3 class="card-title">{title}</h3> : null}
      {children}
    </section>
  );
}

export function Badge({ value }: { value: string }) {
  const tone = /APPROVED|ACTIVE|COMPLETED|SUCCEEDED|ONBOARDED|^2/.test(value)
    ? 'ok'
    : /DECLINED|FAILED|RETURNED|DISABLED|LOGIN_REQUIRED|^[45]|^F\d/.test(value)
      ? 'bad'
      : 'wait';
  return <span class={`badge ${tone}`}>{value}</span>;
}

/** A secret shown once: the only time the page (or anyone) can read it. */
export function SecretOnce({ label, value, onDone }: { label: string; value: string; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <div class="secret" role="status">
      <p>
        <strong>{label}</strong> — shown only now. Store it before you close this.
      </p>
      <div class="row">
        <input aria-label={label} class="mono grow" readOnly value={value} data-testid="secret-value" />
        <button
          type="button"
          onClick={() => {
            void navigator.clipboard?.writeText(value).then(() => setCopied(true));
          }}
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
        <button type="button" class="secondary" onClick={onDone}>
          Done
        </button>
      </div>
    </div>
  );
}

export function Pager({ next, onNext }: { next: string | undefined; onNext: (token: string) => void }) {
  if (!next) return null;
  return (
    <p>
      <button type="button" class="secondary" onClick={() => onNext(next)}>
        Load more
      </button>
    </p>
  );
}
