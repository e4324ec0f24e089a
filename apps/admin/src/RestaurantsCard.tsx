import { type FormEvent, useCallback, useEffect, useState } from "react";
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
export function RestaurantsCard({ version }: { version: number }) {
  const [q, setQ] = useState("");
  const pager = usePager();
  const [page, setPage] = useState<AdminRestaurantList | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busyId, setBusyId] = useState<string | null>(null);
  const toast = useToast();
  const { after } = pager;

  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` re-runs the load.
  const load = useCallback(async () => {
    const params = new URLSearchParams({ limit: String(PAGE) });
    if (q) params.set("q", q);
    if (after) params.set("after", after);
    const result = await api.get<AdminRestaurantList>(`/api/admin/restaurants?${params}`);
    if (result.ok) {
      setPage(result.value);
      setError(null);
    } else setError(result.error.message);
  }, [q, after, version]);

  useEffect(() => {
    void load();
  }, [load]);

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
    void load();
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
      {error ? <ErrorState message={error} /> : null}
      {!page && !error ? <Spinner label="Loading restaurants" /> : null}
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
