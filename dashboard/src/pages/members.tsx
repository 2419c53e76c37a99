// Members: who may sign in to this client's dashboard; admins invite, change roles and remove.
import { useState } from 'preact/hooks';
import { api, type Session } from '../api.ts';
import { Badge, Card, ErrorNotice, Loading, useLoad } from '../components/ui.tsx';
import { dateTime } from '../format.ts';

interface Member {
  id: string;
  email: string;
  role: 'ADMIN' | 'VIEWER';
  invitedBy: string;
  createTime: string;
  lastSignInTime?: string;
}

export function MembersPage({ session }: { session: Session }) {
  const admin = session.member.role === 'ADMIN';
  const { data, error, loading, reload } = useLoad(() => api.get<{ items: Member[] }>('/members'), []);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState('VIEWER');
  const [actionError, setActionError] = useState<Error | undefined>();
  const act = (p: Promise<unknown>) => {
    setActionError(undefined);
    p.then(reload, (e: Error) => setActionError(e));
  };
  return (
    <>
      <div class="page-head">
        <h1>Members</h1>
      </div>
      {admin ? (
        <Card title="Invite a member">
          <form
            class="row wrap"
            onSubmit={(e) => {
              e.preventDefault();
              act(api.post('/members', { email, role }).then(() => setEmail('')));
            }}
          >
            <label for="invite-email" class="sr-only">
              Email
            </label>
            <input
              id="invite-email"
              type="email"
              required
              placeholder="name@example.com"
              value={email}
              onInput={(e) => setEmail(e.currentTarget.value)}
            />
            <label for="invite-role" class="sr-only">
              Role
            </label>
            <select id="invite-role" value={role} onChange={(e) => setRole(e.currentTarget.value)}>
              <option value="VIEWER">Viewer (reads)</option>
              <option value="ADMIN">Admin (also manages webhooks, keys and members)</option>
            </select>
            <button type="submit">Invite</button>
          </form>
          <p class="small muted">They get an email; they sign in with a one-time code sent to that address.</p>
        </Card>
      ) : null}
      <ErrorNotice error={error ?? actionError} />
      {loading && !data ? <Loading what="members" /> : null}
      {data ? (
        <div class="table-wrap card flush">
          <table>
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Invited</th>
                <th scope="col">Last sign-in</th>
                {admin ? <th scope="col">Actions</th> : null}
              </tr>
            </thead>
            <tbody>
              {data.items.map((m) => (
                <tr key={m.id}>
                  <td class="break">{m.email}</td>
                  <td>
                    <Badge value={m.role} />
                  </td>
                  <td>
                    {dateTime(m.createTime)}
                    <div class="small muted">
                      by{' '}
                      {m.invitedBy === 'OPERATOR'
                        ? 'the operator'
                        : m.invitedBy.startsWith('MEMBER:')
                          ? 'a member'
                          : 'onramp'}
                    </div>
                  </td>
                  <td>{dateTime(m.lastSignInTime)}</td>
                  {admin ? (
                    <td>
                      {m.id === session.member.id ? (
                        <span class="small muted">you</span>
                      ) : (
                        <span class="actions">
                          <button
                            type="button"
                            class="secondary"
                            onClick={() =>
                              act(api.patch(`/members/${m.id}`, { role: m.role === 'ADMIN' ? 'VIEWER' : 'ADMIN' }))
                            }
                          >
                            Make {m.role === 'ADMIN' ? 'viewer' : 'admin'}
                          </button>
                          <button
                            type="button"
                            class="danger"
                            onClick={() => {
                              if (confirm(`Remove ${m.email}? Their sessions end at once.`))
                                act(api.delete(`/members/${m.id}`));
                            }}
                          >
                            Remove
                          </button>
                        </span>
                      )}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}
