import { type FormEvent, useState } from "react";
import type { AdminRestaurant, AdminRestaurantList } from "../../../schema/admin.ts";
import type { KitchenState } from "../../../schema/sockets.ts";
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

function kitchenBadge(kitchen: KitchenState | null) {
  if (!kitchen) return <Badge>unknown</Badge>;
  if (kitchen.paused)
    return (
      <Badge tone="danger">
        paused{kitchen.pauseReason === "missed_tickets" ? " (missed tickets)" : ""}
      </Badge>
    );
  if (kitchen.busy) return <Badge tone="warning">busy +{kitchen.extraPrepMinutes} min</Badge>;
  return <Badge tone="success">taking orders</Badge>;
}

/** Places: every restaurant with its kitchen's state, paused or resumed by an admin. */
export function RestaurantsCard() {
  const [q, setQ] = useState("");
  const pager = usePager();
  const [busyId, setBusyId] = useState<string | null>(null);
  const toast = useToast();
  const params = new URLSearchParams({ limit: String(PAGE) });
  if (q) params.set("q", q);
  if (pager.after) params.set("after", pager.after);
  const query = useApiQuery<AdminRestaurantList>(api, `/api/admin/restaurants?${params}`);
  const page = query.data ?? null;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    pager.reset();
    setQ(String(new FormData(event.currentTarget).get("q") ?? "").trim());
  };
  const setPaused = async (restaurant: AdminRestaurant, paused: boolean) => {
    setBusyId(restaurant.id);
    const result = await api.post<KitchenState>(`/api/restaurants/${restaurant.id}/kitchen`, {
      paused,
    });
    setBusyId(null);
    if (!result.ok) {
      toast.show(result.error.message);
      return;
    }
    toast.show(`${restaurant.name} ${paused ? "paused" : "resumed"}`);
    void query.refetch();
  };

  return (
    <Card aria-label="Restaurants">
      <h2>Restaurants</h2>
      <search>
        <form className="row" style={{ alignItems: "end" }} onSubmit={submit}>
          <Field
            label="Name or slug"
            name="q"
            className="grow"
            autoComplete="off"
            maxLength={100}
          />
          <Button type="submit">Search</Button>
        </form>
      </search>
      {query.isError ? (
        <ErrorState message={query.error.message} onRetry={() => void query.refetch()} />
      ) : null}
      {query.isPending ? <Spinner label="Loading restaurants" /> : null}
      {page && page.restaurants.length === 0 ? <EmptyState title="No restaurant matches" /> : null}
      {page && page.restaurants.length > 0 ? (
        <table style={{ width: "100%" }}>
          <thead>
            <tr>
              <th scope="col">Restaurant</th>
              <th scope="col">Cuisine</th>
              <th scope="col">Kitchen</th>
              <th scope="col">
                <span className="sr-only">Action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {page.restaurants.map((r) => (
              <tr key={r.id}>
                <td>
                  {r.name} <span className="muted">· {r.address}</span>
                </td>
                <td>{r.cuisine}</td>
                <td>{kitchenBadge(r.kitchen)}</td>
                <td>
                  {r.kitchen ? (
                    <Button
                      size="small"
                      variant={r.kitchen.paused ? "secondary" : "danger"}
                      busy={busyId === r.id}
                      onClick={() => setPaused(r, !r.kitchen?.paused)}
                      aria-label={`${r.kitchen.paused ? "Resume" : "Pause"} ${r.name}`}
                    >
                      {r.kitchen.paused ? "Resume" : "Pause"}
                    </Button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <Pager pager={pager} next={page?.next ?? null} label="Restaurant pages" />
    </Card>
  );
}
