// Reports: Ratio's Users, Transactions and User Acquisition Funnel for a date range, the same figures
// over time, CSV export, and the partner revenue the ledger holds.
import { useState } from 'preact/hooks';
import { api, query } from '../api.ts';
import { COLORS, Donut, TimeChart } from '../components/charts.tsx';
import { Icon } from '../components/icons.tsx';
import { Card, ErrorNotice, Loading, useLoad } from '../components/ui.tsx';
import { daysBefore, money, moneyWhole, num, pct } from '../format.ts';
import { navigate } from '../router.ts';

interface Point {
  bucket: string;
  transactions: number;
  instantVolume: string;
  standardVolume: string;
  fees: string;
  partnerRevenue: string;
  activeUsers: number;
  newUsers: number;
  walletsConnected: number;
}

export interface Overview {
  range: { from: string; to: string; bucket: 'day' | 'week' | 'month' };
  users: { new: number; total: number; active: number };
  transactions: {
    totalVolume: string;
    instantVolume: string;
    standardVolume: string;
    count: number;
    averageAmount: string;
    averageVolumePerActiveUser: string;
    fees: string;
    standardFees: string;
    partnerRevenue: string;
  };
  funnel: { top: number; steps: Array<{ key: string; label: string; count: number; percent: number }> };
  series: { bucket: string; points: Point[] };
}

interface Revenue {
  revenueShareBps: number;
  accrued: string;
  byMonth: Array<{ month: string; accrued: string; reversed: string; net: string }>;
}

function RangeForm({ range, onChange }: { range: Overview['range']; onChange: (from: string, to: string) => void }) {
  const [from, setFrom] = useState(range.from);
  const [to, setTo] = useState(range.to);
  const preset = (days: number) => onChange(daysBefore(range.to, days - 1), range.to);
  return (
    <form
      class="range"
      aria-label="Date range"
      onSubmit={(e) => {
        e.preventDefault();
        onChange(from, to);
      }}
    >
      <label>
        From <input type="date" name="from" value={from} max={to} onInput={(e) => setFrom(e.currentTarget.value)} />
      </label>
      <label>
        To <input type="date" name="to" value={to} min={from} onInput={(e) => setTo(e.currentTarget.value)} />
      </label>
      <button type="submit">Apply</button>
      <span class="presets">
        {[7, 30, 90, 365].map((d) => (
          <button type="button" class="link" key={d} onClick={() => preset(d)}>
            {d === 365 ? '1 year' : `${d} days`}
          </button>
        ))}
      </span>
      <a
        class="button secondary"
        href={`/dashboard/api/overview.csv${query({ from: range.from, to: range.to })}`}
        download
      >
        Export CSV
      </a>
    </form>
  );
}

function Stat({
  icon,
  label,
  value,
  id,
}: {
  icon: 'userPlus' | 'users' | 'active';
  label: string;
  value: string;
  id: string;
}) {
  return (
    <Card class="stat">
      <Icon name={icon} />
      <div>
        <p class="stat-label">{label}</p>
        <p class="stat-value" data-testid={id}>
          {value}
        </p>
      </div>
    </Card>
  );
}

function Figure({ label, value, id, note }: { label: string; value: string; id: string; note?: string }) {
  return (
    <div class="figure">
      <p class="figure-label">{label}</p>
      <p class="figure-value" data-testid={id}>
        {value}
      </p>
      {note ? <p class="figure-note">{note}</p> : null}
    </div>
  );
}

function Transactions({ t }: { t: Overview['transactions'] }) {
  const feeSource = `from ${moneyWhole(t.instantVolume)} Instant ACH volume${Number(t.standardFees) > 0 ? ` and ${moneyWhole(t.standardVolume)} Standard ACH` : ''}`;
  return (
    <div class="grid three">
      <Card class="center">
        <Figure label="Total Transaction Volume" value={money(t.totalVolume)} id="tx-total-volume" />
        <hr />
        <Donut
          label={`Instant ACH ${money(t.instantVolume)}, Standard ACH ${money(t.standardVolume)}`}
          values={[
            { name: 'Instant ACH', value: Number(t.instantVolume), color: COLORS.instant },
            { name: 'Standard ACH', value: Number(t.standardVolume), color: COLORS.standard },
          ]}
        />
        <p class="split">
          <span>
            <span class="dot instant" aria-hidden="true" /> Instant ACH{' '}
            <strong data-testid="tx-instant-volume">{money(t.instantVolume)}</strong>
          </span>
          <span>
            <span class="dot standard" aria-hidden="true" /> Standard ACH{' '}
            <strong data-testid="tx-standard-volume">{money(t.standardVolume)}</strong>
          </span>
        </p>
      </Card>
      <Card class="center stack">
        <Figure label="Total Transactions" value={num(t.count)} id="tx-count" />
        <hr />
        <Figure label="Average Transaction Amount" value={money(t.averageAmount)} id="tx-average" />
        <hr />
        <Figure
          label="Average Volume per Active User"
          value={money(t.averageVolumePerActiveUser)}
          id="tx-average-user"
        />
      </Card>
      <Card class="center stack">
        <Figure label="Fees Collected" value={money(t.fees)} id="tx-fees" note={feeSource} />
        <hr />
        <Figure label="Partner Revenue" value={money(t.partnerRevenue)} id="tx-revenue" note={feeSource} />
      </Card>
    </div>
  );
}

function Funnel({ funnel }: { funnel: Overview['funnel'] }) {
  return (
    <Card>
      <div class="funnel-head">
        <span>
          Top of Funnel = New Wallet Connected (<span data-testid="funnel-top">{num(funnel.top)}</span>)
        </span>
        <span aria-hidden="true">%</span>
      </div>
      <ol class="funnel">
        {funnel.steps.map((s) => (
          <li key={s.key}>
            <div class="bar-track">
              <div class="bar" style={{ width: `${Math.max(s.percent, 0.5)}%` }} />
              <span class="bar-label">
                {s.label} <span class="muted">({num(s.count)})</span>
              </span>
            </div>
            <span class="bar-pct" data-testid={`funnel-${s.key}`}>
              {pct(s.percent)}
            </span>
          </li>
        ))}
      </ol>
    </Card>
  );
}

function OverTime({ series }: { series: Overview['series'] }) {
  const labels = series.points.map((p) => p.bucket);
  const col = (f: (p: Point) => number) => series.points.map(f);
  const per = series.bucket === 'day' ? 'per day' : series.bucket === 'week' ? 'per week' : 'per month';
  return (
    <div class="grid two">
      <Card>
        <TimeChart
          title={`Transaction volume ${per}`}
          labels={labels}
          money
          series={[
            { label: 'Instant ACH', values: col((p) => Number(p.instantVolume)), color: COLORS.instant, stack: 'v' },
            { label: 'Standard ACH', values: col((p) => Number(p.standardVolume)), color: COLORS.standard, stack: 'v' },
          ]}
        />
      </Card>
      <Card>
        <TimeChart
          title={`Transactions and active users ${per}`}
          labels={labels}
          series={[
            { label: 'Transactions', values: col((p) => p.transactions), color: COLORS.blue },
            { label: 'Active users', values: col((p) => p.activeUsers), color: COLORS.purple, kind: 'line' },
          ]}
        />
      </Card>
      <Card>
        <TimeChart
          title={`New users and wallets connected ${per}`}
          labels={labels}
          series={[
            { label: 'New fully onboarded users', values: col((p) => p.newUsers), color: COLORS.instant },
            {
              label: 'New wallets connected',
              values: col((p) => p.walletsConnected),
              color: COLORS.grey,
              kind: 'line',
            },
          ]}
        />
      </Card>
      <Card>
        <TimeChart
          title={`Fees and partner revenue ${per}`}
          labels={labels}
          money
          series={[
            { label: 'Fees collected', values: col((p) => Number(p.fees)), color: COLORS.blue },
            {
              label: 'Partner revenue',
              values: col((p) => Number(p.partnerRevenue)),
              color: COLORS.standard,
              kind: 'line',
            },
          ]}
        />
      </Card>
    </div>
  );
}

function PartnerRevenue() {
  const { data, error, loading } = useLoad(() => api.get<Revenue>('/revenue'), []);
  if (loading) return <Loading what="partner revenue" />;
  if (!data) return <ErrorNotice error={error} />;
  return (
    <Card>
      <p>
        Revenue share: <strong data-testid="revenue-bps">{(data.revenueShareBps / 100).toFixed(2)}% of the fee</strong>{' '}
        · Accrued and owed to you now: <strong data-testid="revenue-accrued">{money(data.accrued)}</strong>
      </p>
      {data.byMonth.length === 0 ? (
        <p class="muted">No revenue share has accrued yet.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <caption class="sr-only">Partner revenue by month</caption>
            <thead>
              <tr>
                <th scope="col">Month (UTC)</th>
                <th scope="col">Accrued</th>
                <th scope="col">Reversed</th>
                <th scope="col">Net</th>
              </tr>
            </thead>
            <tbody>
              {data.byMonth.map((m) => (
                <tr key={m.month}>
                  <th scope="row">{m.month}</th>
                  <td>{money(m.accrued)}</td>
                  <td>{money(m.reversed)}</td>
                  <td>{money(m.net)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}

export function OverviewPage({ search }: { search: URLSearchParams }) {
  const from = search.get('from') ?? undefined;
  const to = search.get('to') ?? undefined;
  const { data, error, loading } = useLoad(() => api.get<Overview>(`/overview${query({ from, to })}`), [from, to]);
  const change = (f: string, t: string) => navigate(`/${query({ from: f, to: t })}`);
  return (
    <>
      <div class="page-head">
        <h1>Reports</h1>
        {data ? <RangeForm key={`${data.range.from}-${data.range.to}`} range={data.range} onChange={change} /> : null}
      </div>
      <ErrorNotice error={error} />
      {loading && !data ? <Loading what="reports" /> : null}
      {data ? (
        <div aria-busy={loading}>
          <p class="muted">
            {data.range.from} to {data.range.to} (UTC days). Definitions: docs/dashboard.md.
          </p>
          <h2>Users (Fully Onboarded)</h2>
          <div class="grid three">
            <Stat icon="userPlus" label="New Users" value={num(data.users.new)} id="users-new" />
            <Stat icon="users" label="Total Users" value={num(data.users.total)} id="users-total" />
            <Stat icon="active" label="Active Users" value={num(data.users.active)} id="users-active" />
          </div>
          <h2>Transactions</h2>
          <Transactions t={data.transactions} />
          <h2>User Acquisition Funnel</h2>
          <Funnel funnel={data.funnel} />
          <h2>Over time</h2>
          <OverTime series={data.series} />
          <h2>Partner revenue (ledger)</h2>
          <PartnerRevenue />
        </div>
      ) : null}
    </>
  );
}
