// API keys: the client id, the live secrets (their last characters), rotation (the new secret shown
// once; the previous one keeps working for the overlap), and the allowed origins and redirect URIs.
import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { Card, ErrorNotice, Loading, SecretOnce, useLoad } from '../components/ui.tsx';
import { dateTime } from '../format.ts';

interface Keys {
  clientId: string;
  name: string;
  mode: string;
  secrets: Array<{ hint: string; createTime: string; expireTime?: string }>;
  secretOverlapSeconds: number;
  allowedOrigins: string[];
  redirectUris: string[];
}

function UriEditor(props: {
  id: string;
  label: string;
  values: string[];
  admin: boolean;
  save: (v: string[]) => Promise<void>;
}) {
  const [text, setText] = useState(props.values.join('\n'));
  const [error, setError] = useState<Error | undefined>();
  const [saved, setSaved] = useState(false);
  if (!props.admin)
    return (
      <>
        <h4>{props.label}</h4>
        {props.values.length ? (
          <ul class="plain mono small">
            {props.values.map((v) => (
              <li key={v}>{v}</li>
            ))}
          </ul>
        ) : (
          <p class="muted">None.</p>
        )}
      </>
    );
  return (
    <form
      class="stack-form"
      onSubmit={(e) => {
        e.preventDefault();
        setError(undefined);
        setSaved(false);
        const values = text.split(/\s+/).filter(Boolean);
        props.save(values).then(
          () => setSaved(true),
          (err: Error) => setError(err),
        );
      }}
    >
      <label for={props.id}>{props.label} (one per line)</label>
      <textarea id={props.id} rows={3} class="mono" value={text} onInput={(e) => setText(e.currentTarget.value)} />
      <ErrorNotice error={error} />
      <div class="row">
        <button type="submit">Save</button>
        {saved ? <span role="status">Saved.</span> : null}
      </div>
    </form>
  );
}

export function KeysPage({ admin }: { admin: boolean }) {
  const { data, error, loading, reload } = useLoad(() => api.get<Keys>('/keys'), []);
  const [secret, setSecret] = useState<{ value: string; previousUntil: string } | undefined>();
  const [rotateError, setRotateError] = useState<Error | undefined>();
  if (loading && !data) return <Loading what="API keys" />;
  if (!data) return <ErrorNotice error={error} />;
  const rotate = () => {
    setRotateError(undefined);
    api.post<{ clientSecret: string; previousSecretExpireTime: string }>('/keys/rotate').then(
      (r) => {
        setSecret({ value: r.clientSecret, previousUntil: r.previousSecretExpireTime });
        reload();
      },
      (e: Error) => setRotateError(e),
    );
  };
  const save = (field: 'allowedOrigins' | 'redirectUris') => async (values: string[]) => {
    await api.patch('/keys', { [field]: values });
    reload();
  };
  return (
    <>
      <div class="page-head">
        <h1>API keys</h1>
      </div>
      {secret ? (
        <>
          <SecretOnce label="New client secret" value={secret.value} onDone={() => setSecret(undefined)} />
          <p class="notice">The previous secret keeps working until {dateTime(secret.previousUntil)}.</p>
        </>
      ) : null}
      <div class="grid two">
        <Card title="Credentials">
          <dl>
            <dt>ratio-client-id</dt>
            <dd class="mono break" data-testid="client-id">
              {data.clientId}
            </dd>
            <dt>Mode</dt>
            <dd>{data.mode}</dd>
            <dt>ratio-client-secret</dt>
            <dd>
              <ul class="plain">
                {data.secrets.map((s) => (
                  <li key={s.createTime}>
                    <span class="mono">{s.hint}</span> <span class="small muted">created {dateTime(s.createTime)}</span>
                    {s.expireTime ? <span class="small"> · stops working {dateTime(s.expireTime)}</span> : null}
                  </li>
                ))}
              </ul>
            </dd>
          </dl>
          {admin ? (
            <>
              <button type="button" onClick={rotate}>
                Rotate client secret
              </button>
              <p class="small muted">
                The new secret is shown once. The current one keeps working for{' '}
                {Math.round(data.secretOverlapSeconds / 3600)} hours so you can deploy the new one.
              </p>
              <ErrorNotice error={rotateError} />
            </>
          ) : null}
        </Card>
        <Card title="Browser and redirect settings">
          <UriEditor
            id="origins"
            label="Allowed origins"
            values={data.allowedOrigins}
            admin={admin}
            save={save('allowedOrigins')}
          />
          <UriEditor
            id="redirects"
            label="Redirect URIs"
            values={data.redirectUris}
            admin={admin}
            save={save('redirectUris')}
          />
        </Card>
      </div>
    </>
  );
}
