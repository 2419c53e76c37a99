// Webhooks: registrations (create, edit, disable, rotate the secret — shown once, send a test event,
// delete) and, per registration, the delivery log with every attempt and replay.
import { useState } from 'preact/hooks';
import { api, query } from '../api.ts';
import { Badge, Card, ErrorNotice, Loading, Pager, SecretOnce, useLoad } from '../components/ui.tsx';
import { dateTime } from '../format.ts';
import { navigate } from '../router.ts';

const EVENTS = ['ACTIVITY_UPDATED', 'BANK_UPDATED', 'KYC_UPDATED'] as const;

export interface Webhook {
  id: string;
  name?: string;
  url: string;
  events: string[];
  active: boolean;
  disabledReason?: string;
  previousSecretExpireTime?: string;
  secret?: string;
  createTime: string;
}

interface Attempt {
  attemptNumber: number;
  time: string;
  latencyMs: number;
  statusCode?: number;
  responseSnippet?: string;
  error?: string;
  succeeded: boolean;
}

interface Delivery {
  id: string;
  eventId: string;
  event: string;
  status: string;
  attemptCount: number;
  nextAttemptTime?: string;
  createTime: string;
  attempts: Attempt[];
}

function WebhookForm(props: { initial?: Webhook; onSaved: (w: Webhook) => void; onCancel?: () => void }) {
  const [url, setUrl] = useState(props.initial?.url ?? '');
  const [name, setName] = useState(props.initial?.name ?? '');
  const [events, setEvents] = useState<string[]>(props.initial?.events ?? [...EVENTS]);
  const [error, setError] = useState<Error | undefined>();
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    const body = { url, events, ...(name ? { name } : {}) };
    try {
      props.onSaved(
        props.initial
          ? await api.patch<Webhook>(`/webhooks/${props.initial.id}`, body)
          : await api.post<Webhook>('/webhooks', body),
      );
    } catch (err) {
      setError(err as Error);
    }
  };
  const prefix = props.initial ? `edit-${props.initial.id}` : 'new';
  return (
    <form
      class="stack-form"
      onSubmit={(e) => void submit(e)}
      aria-label={props.initial ? 'Edit webhook' : 'New webhook'}
    >
      <label for={`${prefix}-url`}>Endpoint URL</label>
      <input
        id={`${prefix}-url`}
        type="url"
        required
        value={url}
        placeholder="https://example.com/webhooks/onramp"
        onInput={(e) => setUrl(e.currentTarget.value)}
      />
      <label for={`${prefix}-name`}>Name (optional, 4–50 characters)</label>
      <input
        id={`${prefix}-name`}
        value={name}
        minLength={4}
        maxLength={50}
        onInput={(e) => setName(e.currentTarget.value)}
      />
      <fieldset>
        <legend>Events</legend>
        {EVENTS.map((ev) => (
          <label key={ev} class="check">
            <input
              type="checkbox"
              checked={events.includes(ev)}
              onChange={(e) => setEvents(e.currentTarget.checked ? [...events, ev] : events.filter((x) => x !== ev))}
            />
            {ev}
          </label>
        ))}
      </fieldset>
      <ErrorNotice error={error} />
      <div class="row">
        <button type="submit">{props.initial ? 'Save' : 'Create webhook'}</button>
        {props.onCancel ? (
          <button type="button" class="secondary" onClick={props.onCancel}>
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  );
}

function WebhookRow({
  w,
  admin,
  onChange,
  onSecret,
}: {
  w: Webhook;
  admin: boolean;
  onChange: () => void;
  onSecret: (s: string) => void;
}) {
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<Error | undefined>();
  const act = (f: () => Promise<unknown>) => () => {
    setError(undefined);
    f().then(onChange, (e: Error) => setError(e));
  };
  return (
    <li class="webhook">
      <div class="row wrap">
        <div class="grow">
          <strong>{w.name ?? 'Webhook'}</strong> <Badge value={w.active ? 'ACTIVE' : 'DISABLED'} />
          <div class="mono small break">{w.url}</div>
          <div class="small muted">
            {w.events.join(', ')}
            {w.disabledReason ? ` · ${w.disabledReason}` : ''}
            {w.previousSecretExpireTime ? ` · previous secret signs until ${dateTime(w.previousSecretExpireTime)}` : ''}
          </div>
        </div>
        <div class="actions">
          <a class="button secondary" href={`/dashboard/webhooks/${w.id}`}>
            Deliveries
          </a>
          {admin ? (
            <>
              <button type="button" class="secondary" onClick={() => setEditing(!editing)}>
                Edit
              </button>
              <button
                type="button"
                class="secondary"
                onClick={act(() => api.patch(`/webhooks/${w.id}`, { active: !w.active }))}
              >
                {w.active ? 'Disable' : 'Enable'}
              </button>
              <button
                type="button"
                class="secondary"
                onClick={act(async () =>
                  onSecret((await api.post<Webhook>(`/webhooks/${w.id}/rotate-secret`)).secret ?? ''),
                )}
              >
                Rotate secret
              </button>
              <button
                type="button"
                class="secondary"
                disabled={!w.active}
                onClick={act(() => api.post(`/webhooks/${w.id}/test`))}
              >
                Send test event
              </button>
              <button
                type="button"
                class="danger"
                onClick={act(async () => {
                  if (confirm(`Delete the webhook to ${w.url}? Its pending deliveries are dropped.`))
                    await api.delete(`/webhooks/${w.id}`);
                })}
              >
                Delete
              </button>
            </>
          ) : null}
        </div>
      </div>
      <ErrorNotice error={error} />
      {editing ? (
        <WebhookForm
          initial={w}
          onCancel={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            onChange();
          }}
        />
      ) : null}
    </li>
  );
}

export function WebhooksPage({ admin }: { admin: boolean }) {
  const { data, error, loading, reload } = useLoad(() => api.get<{ items: Webhook[] }>('/webhooks'), []);
  const [secret, setSecret] = useState<string | undefined>();
  const [creating, setCreating] = useState(false);
  return (
    <>
      <div class="page-head">
        <h1>Webhooks</h1>
        {admin && !creating ? (
          <button type="button" onClick={() => setCreating(true)}>
            New webhook
          </button>
        ) : null}
      </div>
      {secret ? <SecretOnce label="Webhook signing secret" value={secret} onDone={() => setSecret(undefined)} /> : null}
      {creating ? (
        <Card title="New webhook">
          <WebhookForm
            onCancel={() => setCreating(false)}
            onSaved={(w) => {
              setCreating(false);
              setSecret(w.secret);
              reload();
            }}
          />
        </Card>
      ) : null}
      <ErrorNotice error={error} />
      {loading && !data ? <Loading what="webhooks" /> : null}
      {data && data.items.length === 0 ? <p class="muted">No webhooks yet.</p> : null}
      {data && data.items.length > 0 ? (
        <Card>
          <ul class="plain webhooks">
            {data.items.map((w) => (
              <WebhookRow key={w.id} w={w} admin={admin} onChange={reload} onSecret={setSecret} />
            ))}
          </ul>
        </Card>
      ) : null}
    </>
  );
}

function Attempts({ attempts }: { attempts: Attempt[] }) {
  if (attempts.length === 0) return <span class="muted small">No attempt yet</span>;
  return (
    <ol class="attempts">
      {attempts.map((a) => (
        <li key={a.attemptNumber}>
          #{a.attemptNumber} {dateTime(a.time)} · <Badge value={a.statusCode ? String(a.statusCode) : 'NO ANSWER'} /> ·{' '}
          {a.latencyMs} ms
          {a.error ? <span class="small"> · {a.error}</span> : null}
          {a.responseSnippet ? <div class="mono small muted break">{a.responseSnippet.slice(0, 160)}</div> : null}
        </li>
      ))}
    </ol>
  );
}

export function WebhookPage({ id, admin, search }: { id: string; admin: boolean; search: URLSearchParams }) {
  const status = search.get('status') ?? '';
  const hooks = useLoad(() => api.get<{ items: Webhook[] }>('/webhooks'), []);
  const [more, setMore] = useState<Array<{ items: Delivery[]; nextPageToken?: string }>>([]);
  const [error, setError] = useState<Error | undefined>();
  const list = useLoad(async () => {
    setMore([]);
    return api.get<{ items: Delivery[]; nextPageToken?: string }>(`/webhooks/${id}/deliveries${query({ status })}`);
  }, [id, status]);
  const webhook = hooks.data?.items.find((w) => w.id === id);
  const pages = list.data ? [list.data, ...more] : [];
  const replay = (d: Delivery) => {
    setError(undefined);
    api.post(`/webhooks/${id}/deliveries/${d.id}/replay`).then(list.reload, (e: Error) => setError(e));
  };
  return (
    <>
      <div class="page-head">
        <h1>Deliveries</h1>
        <label>
          Status{' '}
          <select
            value={status}
            onChange={(e) => navigate(`/webhooks/${id}${query({ status: e.currentTarget.value })}`)}
          >
            <option value="">All</option>
            <option value="PENDING">Pending</option>
            <option value="SUCCEEDED">Succeeded</option>
            <option value="FAILED">Failed</option>
          </select>
        </label>
        <button type="button" class="secondary" onClick={list.reload}>
          Refresh
        </button>
      </div>
      {webhook ? <p class="mono small break">{webhook.url}</p> : null}
      <ErrorNotice error={list.error ?? error} />
      {list.loading && !list.data ? <Loading what="deliveries" /> : null}
      {list.data && list.data.items.length === 0 ? <p class="muted">No deliveries yet.</p> : null}
      {pages.flatMap((p) => p.items).length > 0 ? (
        <div class="table-wrap card flush">
          <table>
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Status</th>
                <th scope="col">Attempts</th>
                {admin ? <th scope="col">Replay</th> : null}
              </tr>
            </thead>
            <tbody>
              {pages
                .flatMap((p) => p.items)
                .map((d) => (
                  <tr key={d.id} data-delivery={d.id}>
                    <td>
                      <strong>{d.event}</strong>
                      <div class="small muted">{dateTime(d.createTime)}</div>
                      <div class="mono small muted">{d.eventId}</div>
                    </td>
                    <td>
                      <Badge value={d.status} />
                      {d.nextAttemptTime ? <div class="small muted">next {dateTime(d.nextAttemptTime)}</div> : null}
                    </td>
                    <td>
                      <Attempts attempts={d.attempts} />
                    </td>
                    {admin ? (
                      <td>
                        <button
                          type="button"
                          class="secondary"
                          disabled={d.status === 'PENDING'}
                          onClick={() => replay(d)}
                        >
                          Replay
                        </button>
                      </td>
                    ) : null}
                  </tr>
                ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <Pager
        next={pages.at(-1)?.nextPageToken}
        onNext={(t) =>
          void api
            .get<{ items: Delivery[]; nextPageToken?: string }>(`/webhooks/${id}/deliveries${query({ pageToken: t })}`)
            .then((p) => setMore((m) => [...m, p]))
        }
      />
    </>
  );
}
