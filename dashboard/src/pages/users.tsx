// Users: the client's users, searchable by user id, wallet address, email or phone (exact), with
// their onboarding state, KYC, bank, flags and activity. Personal data arrives masked.
import { useState } from 'preact/hooks';
import { api, query } from '../api.ts';
import { Badge, ErrorNotice, Loading, Pager, useLoad } from '../components/ui.tsx';
import { dateTime, num, titleCase } from '../format.ts';
import { navigate } from '../router.ts';

interface UserRow {
  id: string;
  name: string;
  emailMask: string;
  phoneMask: string;
  joinTime: string;
  onboarding: string;
  kycStatus: string;
  bankStatus: string;
  flags: string[];
  transactions: number;
  lastActivityTime?: string;
}

interface Page {
  items: UserRow[];
  nextPageToken?: string;
}

export function UsersPage({ search }: { search: URLSearchParams }) {
  const q = search.get('q') ?? '';
  const [text, setText] = useState(q);
  const [pages, setPages] = useState<Page[]>([]);
  const { data, error, loading } = useLoad(async () => {
    const first = await api.get<Page>(`/users${query({ q })}`);
    setPages([]);
    return first;
  }, [q]);
  const more = async (token: string) => {
    const next = await api.get<Page>(`/users${query({ q, pageToken: token })}`);
    setPages((p) => [...p, next]);
  };
  const all = data ? [data, ...pages] : [];
  const rows = all.flatMap((p) => p.items);
  return (
    <>
      <div class="page-head">
        <h1>Users</h1>
        <search>
          <form
            class="search"
            onSubmit={(e) => {
              e.preventDefault();
              navigate(`/users${query({ q: text.trim() })}`);
            }}
          >
            <label for="user-search" class="sr-only">
              Search users
            </label>
            <input
              id="user-search"
              type="search"
              placeholder="User id, wallet address, email or phone"
              value={text}
              onInput={(e) => setText(e.currentTarget.value)}
            />
            <button type="submit">Search</button>
          </form>
        </search>
      </div>
      <ErrorNotice error={error} />
      {loading ? <Loading what="users" /> : null}
      {data && rows.length === 0 ? <p class="muted">{q ? `No user matches “${q}”.` : 'No users yet.'}</p> : null}
      {rows.length > 0 ? (
        <div class="table-wrap card flush">
          <table>
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col">Contact</th>
                <th scope="col">Onboarding</th>
                <th scope="col">KYC</th>
                <th scope="col">Bank</th>
                <th scope="col">Flags</th>
                <th scope="col">Transactions</th>
                <th scope="col">Last activity</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((u) => (
                <tr key={u.id}>
                  <td>
                    <a href={`/dashboard/users/${u.id}`}>{u.name}</a>
                    <div class="mono small muted">{u.id}</div>
                  </td>
                  <td>
                    {u.emailMask}
                    <div class="small muted">{u.phoneMask}</div>
                  </td>
                  <td>
                    <Badge value={u.onboarding} />
                  </td>
                  <td>{titleCase(u.kycStatus)}</td>
                  <td>{u.bankStatus === 'NONE' ? '—' : u.bankStatus}</td>
                  <td>{u.flags.length ? u.flags.map((f) => <Badge key={f} value={f} />) : '—'}</td>
                  <td>{num(u.transactions)}</td>
                  <td>{dateTime(u.lastActivityTime)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <Pager next={all.at(-1)?.nextPageToken} onNext={(t) => void more(t)} />
    </>
  );
}
