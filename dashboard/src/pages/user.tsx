// One user: onboarding, KYC, banks, wallets and flags, and the activity through this client with the
// API's filters (time, wallet, currency, statuses) and each failure's reason.
import { useState } from 'preact/hooks';
import { api, query } from '../api.ts';
import { Badge, Card, ErrorNotice, Loading, Pager, useLoad } from '../components/ui.tsx';
import { dateTime, money, num } from '../format.ts';

interface User {
  id: string;
  name: string;
  emailMask: string;
  phoneMask: string;
  country: string;
  joinTime: string;
  onboarding: string;
  kyc: { status: string; submitTime?: string; decideTime?: string };
  banks: Array<{
    id: string;
    institution?: string;
    name: string;
    mask?: string;
    linkStatus: string;
    verificationStatus: string;
    createTime: string;
    deleteTime?: string;
  }>;
  signingWallets: Array<{ type: string; address: string; createTime: string }>;
  depositWallets: Array<{ id: string; type: string; address: string; name?: string; createTime: string }>;
  flags: Array<{ code: string; description: string; setTime: string; clearTime?: string; active: boolean }>;
  transactions: number;
}

interface Activity {
  id: string;
  createTime: string;
  fiat: { status: string; amount: string; fundingMethod: string };
  crypto: {
    status: string;
    currency: string;
    amount: string;
    transactionHash?: string;
    wallet?: { id: string; address: string };
  };
  metadata: { failureReason?: string; achReturnCode?: string; ratioFee?: string };
}

interface ActivityPage {
  items: Activity[];
  nextPageToken?: string;
}

interface Filters {
  fromCreateTime: string;
  toCreateTime: string;
  walletId: string;
  cryptoCurrency: string;
  cryptoStatus: string;
  fiatStatus: string;
}

const EMPTY: Filters = {
  fromCreateTime: '',
  toCreateTime: '',
  walletId: '',
  cryptoCurrency: '',
  cryptoStatus: '',
  fiatStatus: '',
};

function filterQuery(f: Filters, pageToken?: string) {
  return query({
    fromCreateTime: f.fromCreateTime ? new Date(f.fromCreateTime).toISOString() : undefined,
    toCreateTime: f.toCreateTime ? new Date(f.toCreateTime).toISOString() : undefined,
    walletId: f.walletId,
    cryptoCurrency: f.cryptoCurrency,
    cryptoStatus: f.cryptoStatus,
    fiatStatus: f.fiatStatus,
    pageToken,
  });
}

function Select(props: {
  label: string;
  name: keyof Filters;
  value: string;
  options: Array<[string, string]>;
  onChange: (v: string) => void;
}) {
  return (
    <label>
      {props.label}
      <select name={props.name} value={props.value} onChange={(e) => props.onChange(e.currentTarget.value)}>
        <option value="">Any</option>
        {props.options.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
    </label>
  );
}

function ActivityList({ user }: { user: User }) {
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [more, setMore] = useState<ActivityPage[]>([]);
  const { data, error, loading } = useLoad(async () => {
    setMore([]);
    return api.get<ActivityPage>(`/users/${user.id}/activity${filterQuery(filters)}`);
  }, [filters]);
  const set = (k: keyof Filters) => (v: string) => setDraft({ ...draft, [k]: v });
  const pages = data ? [data, ...more] : [];
  const items = pages.flatMap((p) => p.items);
  const statuses: Array<[string, string]> = [
    ['PENDING', 'Pending'],
    ['COMPLETED', 'Completed'],
    ['FAILED', 'Failed'],
  ];
  return (
    <Card title="Activity">
      <form
        class="filters"
        aria-label="Activity filters"
        onSubmit={(e) => {
          e.preventDefault();
          setFilters(draft);
        }}
      >
        <label>
          From{' '}
          <input
            type="datetime-local"
            value={draft.fromCreateTime}
            onInput={(e) => set('fromCreateTime')(e.currentTarget.value)}
          />
        </label>
        <label>
          To{' '}
          <input
            type="datetime-local"
            value={draft.toCreateTime}
            onInput={(e) => set('toCreateTime')(e.currentTarget.value)}
          />
        </label>
        <Select
          label="Wallet"
          name="walletId"
          value={draft.walletId}
          onChange={set('walletId')}
          options={user.depositWallets.map((w) => [w.id, w.name ?? `${w.address.slice(0, 10)}…`])}
        />
        <Select
          label="Currency"
          name="cryptoCurrency"
          value={draft.cryptoCurrency}
          onChange={set('cryptoCurrency')}
          options={[
            ['ETH', 'ETH'],
            ['USDC_ETHEREUM', 'USDC (Ethereum)'],
            ['USDC_POLYGON', 'USDC (Polygon)'],
          ]}
        />
        <Select
          label="Crypto status"
          name="cryptoStatus"
          value={draft.cryptoStatus}
          onChange={set('cryptoStatus')}
          options={statuses}
        />
        <Select
          label="Fiat status"
          name="fiatStatus"
          value={draft.fiatStatus}
          onChange={set('fiatStatus')}
          options={statuses}
        />
        <button type="submit">Filter</button>
      </form>
      <ErrorNotice error={error} />
      {loading ? <Loading what="activity" /> : null}
      {data && items.length === 0 ? <p class="muted">No activity matches.</p> : null}
      {items.length > 0 ? (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Amount</th>
                <th scope="col">Type</th>
                <th scope="col">Crypto</th>
                <th scope="col">Fiat</th>
                <th scope="col">Crypto status</th>
                <th scope="col">Failure reason</th>
              </tr>
            </thead>
            <tbody>
              {items.map((a) => (
                <tr key={a.id}>
                  <td>{dateTime(a.createTime)}</td>
                  <td>{money(a.fiat.amount)}</td>
                  <td>{a.fiat.fundingMethod === 'ACH_ORIGINATED_INSTANT' ? 'Instant ACH' : 'Standard ACH'}</td>
                  <td>
                    {a.crypto.amount} {a.crypto.currency}
                  </td>
                  <td>
                    <Badge value={a.fiat.status} />
                  </td>
                  <td>
                    <Badge value={a.crypto.status} />
                  </td>
                  <td>
                    {a.metadata.failureReason ?? '—'}
                    {a.metadata.achReturnCode ? ` (${a.metadata.achReturnCode})` : ''}
                  </td>
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
            .get<ActivityPage>(`/users/${user.id}/activity${filterQuery(filters, t)}`)
            .then((p) => setMore((m) => [...m, p]))
        }
      />
    </Card>
  );
}

export function UserPage({ id }: { id: string }) {
  const { data: u, error, loading } = useLoad(() => api.get<User>(`/users/${id}`), [id]);
  if (loading) return <Loading what="user" />;
  if (!u) return <ErrorNotice error={error} />;
  return (
    <>
      <div class="page-head">
        <h1>{u.name}</h1>
        <Badge value={u.onboarding} />
      </div>
      <p class="mono small muted">{u.id}</p>
      <div class="grid three">
        <Card title="Profile">
          <dl>
            <dt>Email</dt>
            <dd>{u.emailMask}</dd>
            <dt>Phone</dt>
            <dd>{u.phoneMask}</dd>
            <dt>Country</dt>
            <dd>{u.country}</dd>
            <dt>Joined this client</dt>
            <dd>{dateTime(u.joinTime)}</dd>
            <dt>Completed transactions</dt>
            <dd>{num(u.transactions)}</dd>
          </dl>
        </Card>
        <Card title="KYC">
          <dl>
            <dt>Status</dt>
            <dd>
              <Badge value={u.kyc.status} />
            </dd>
            <dt>Submitted</dt>
            <dd>{dateTime(u.kyc.submitTime)}</dd>
            <dt>Decided</dt>
            <dd>{dateTime(u.kyc.decideTime)}</dd>
          </dl>
        </Card>
        <Card title="Flags">
          {u.flags.length === 0 ? <p class="muted">No flags.</p> : null}
          <ul class="plain">
            {u.flags.map((f) => (
              <li key={`${f.code}-${f.setTime}`}>
                <Badge value={f.code} /> {f.description}
                <div class="small muted">
                  set {dateTime(f.setTime)}
                  {f.clearTime ? `, cleared ${dateTime(f.clearTime)}` : ' · active'}
                </div>
              </li>
            ))}
          </ul>
        </Card>
      </div>
      <div class="grid two">
        <Card title="Bank accounts">
          {u.banks.length === 0 ? <p class="muted">No bank linked.</p> : null}
          <ul class="plain">
            {u.banks.map((b) => (
              <li key={b.id}>
                {b.institution ?? 'Bank'} · {b.name} {b.mask ? `•••• ${b.mask}` : ''}{' '}
                <Badge value={b.verificationStatus} /> <Badge value={b.linkStatus} />
                {b.deleteTime ? <span class="small muted"> (removed {dateTime(b.deleteTime)})</span> : null}
              </li>
            ))}
          </ul>
        </Card>
        <Card title="Wallets">
          <ul class="plain">
            {u.signingWallets.map((w) => (
              <li key={w.address}>
                <span class="small muted">Sign-in ({w.type})</span> <span class="mono small break">{w.address}</span>
              </li>
            ))}
            {u.depositWallets.map((w) => (
              <li key={w.id}>
                <span class="small muted">Deposit{w.name ? ` “${w.name}”` : ''}</span>{' '}
                <span class="mono small break">{w.address}</span>
              </li>
            ))}
          </ul>
        </Card>
      </div>
      <ActivityList user={u} />
    </>
  );
}
