import { type FormEvent, useState } from "react";
import type { AdminUser, UserList } from "../../../schema/admin.ts";
import type { Role } from "../../../schema/auth.ts";
import {
  Badge,
  Button,
  Card,
  EmptyState,
  ErrorState,
  Field,
  Pager,
  Spinner,
  usePager,
  useToast,
} from "../../ui/index.ts";
import { useApiQuery } from "../../ui/query.tsx";
import { api } from "./session.ts";

const PAGE = 20;

/**
 * People: search accounts by email or name, filter by role, page through them, and disable or
 * enable one. A disabled account cannot sign in or renew its session.
 */
export function UsersCard() {
  const [search, setSearch] = useState<{ q: string; role: Role | "" }>({ q: "", role: "" });
  const pager = usePager();
  const [busyId, setBusyId] = useState<string | null>(null);
  const toast = useToast();
  const params = new URLSearchParams({ limit: String(PAGE) });
  if (search.q) params.set("q", search.q);
  if (search.role) params.set("role", search.role);
  if (pager.after) params.set("after", pager.after);
  const query = useApiQuery<UserList>(api, `/api/admin/users?${params}`);
  const page = query.data ?? null;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    pager.reset();
    setSearch({
      q: String(form.get("q") ?? "").trim(),
      role: String(form.get("role") ?? "") as Role | "",
    });
  };
  const toggle = async (user: AdminUser) => {
    setBusyId(user.id);
    const action = user.disabledAt ? "enable" : "disable";
    const result = await api.post<AdminUser>(`/api/admin/users/${user.id}/${action}`, {});
    setBusyId(null);
    if (!result.ok) {
      toast.show(result.error.message);
      return;
    }
    toast.show(`${result.value.email} ${action}d`);
    void query.refetch();
  };

  return (
    <Card aria-label="Users">
      <h2>Users</h2>
      <search>
        <form className="row" style={{ alignItems: "end" }} onSubmit={submit}>
          <Field
            label="Email or name"
            name="q"
            className="grow"
            autoComplete="off"
            maxLength={100}
          />
          <div className="ui-field">
            <label htmlFor="users-role">Role</label>
            <select id="users-role" name="role" className="ui-input" defaultValue="">
              <option value="">Any</option>
              <option value="customer">Customer</option>
              <option value="driver">Courier</option>
              <option value="restaurant">Restaurant staff</option>
              <option value="admin">Admin</option>
            </select>
          </div>
          <Button type="submit">Search</Button>
        </form>
      </search>
      {query.isError ? (
        <ErrorState message={query.error.message} onRetry={() => void query.refetch()} />
      ) : null}
      {query.isPending ? <Spinner label="Loading users" /> : null}
      {page && page.users.length === 0 ? <EmptyState title="No user matches" /> : null}
      {page && page.users.length > 0 ? (
        <table style={{ width: "100%" }}>
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">State</th>
              <th scope="col">
                <span className="sr-only">Action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {page.users.map((user) => (
              <tr key={user.id}>
                <td>{user.email}</td>
                <td>{user.name}</td>
                <td>{user.role}</td>
                <td>
                  {user.disabledAt ? (
                    <Badge tone="danger">disabled</Badge>
                  ) : (
                    <Badge tone="success">active</Badge>
                  )}
                </td>
                <td>
                  <Button
                    size="small"
                    variant={user.disabledAt ? "secondary" : "danger"}
                    busy={busyId === user.id}
                    onClick={() => toggle(user)}
                    aria-label={`${user.disabledAt ? "Enable" : "Disable"} ${user.email}`}
                  >
                    {user.disabledAt ? "Enable" : "Disable"}
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <Pager pager={pager} next={page?.next ?? null} label="User pages" />
    </Card>
  );
}
