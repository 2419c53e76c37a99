// Request log: the client's recent API requests (no bodies, no personal data), newest first.
import { useState } from 'preact/hooks';
import { api, query } from '../api.ts';
import { Badge, ErrorNotice, Loading, Pager, useLoad } from '../components/ui.tsx';
import { dateTime } from '../format.ts';
import { navigate } from '../router.ts';

interface Row {
  time: string;
  method: string;
  route: string;
  status: number;
  latencyMs: number;
  requestId: string;
  errorCode?: string;
}

interface Page {
  retentionHours: number;
  items: Row[];
  nextPageToken?: string;
}

export function RequestsPage({ search }: { search: URLSearchParams }) {
  const status = search.get('status') ?? '';
  const [more, setMore] = useState<Page[]>([]);
  const { data, error, loading, reload } = useLoad(async () => {
    setMore([]);
    return api.get<Page>(`/requests${query({ status })}`);
  }, [status]);
  const pages = data ? [data, ...more] : [];
  const rows = pages.flatMap((p) => p.items);
  return (
    <>
      <div class="page-head">
        <h1>Request log</h1>
        <label>
          Status{' '}
          <select value={status} onChange={(e) => navigate(`/requests${query({ status: e.currentTarget.value })}`)}>
            <option value="">All</option>
            <option value="2xx">2xx</option>
            <option value="4xx">4xx</option>
            <option value="5xx">5xx</option>
          </select>
        </label>
        <button type="button" class="secondary" onClick={reload}>
          Refresh
        </button>
      </div>
      {data ? (
        <p class="muted">
          Requests made with this client's credentials, kept {Math.round(data.retentionHours / 24)} days. Routes are
          shown as patterns; bodies and personal data are never recorded.
        </p>
      ) : null}
      <ErrorNotice error={error} />
      {loading && !data ? <Loading what="requests" /> : null}
      {data && rows.length === 0 ? <p class="muted">No requests yet.</p> : null}
      {rows.length > 0 ? (
        <div class="table-wrap card flush">
          <table>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Request</th>
                <th scope="col">Status</th>
                <th scope="col">Latency</th>
                <th scope="col">Error code</th>
                <th scope="col">Request id</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={`${r.requestId}-${r.time}`}>
                  <td class="nowrap">{dateTime(r.time)}</td>
                  <td class="mono small">
                    {r.method} {r.route}
                  </td>
                  <td>
                    <Badge value={String(r.status)} />
                  </td>
                  <td class="nowrap">{r.latencyMs.toFixed(1)} ms</td>
                  <td class="mono small">{r.errorCode ?? '—'}</td>
                  <td class="mono small muted break">{r.requestId}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <Pager
        next={pages.at(-1)?.nextPageToken}
        onNext={(t) => void api.get<Page>(`/requests${query({ pageToken: t })}`).then((p) => setMore((m) => [...m, p]))}
      />
    </>
  );
}
