import { type FormEvent, useMemo, useState } from "react";
import type { RestaurantSummary } from "../../../schema/catalog.ts";
import type { SearchResults } from "../../../schema/search.ts";
import type { ApiResult } from "../../ui/api.ts";
import {
  Badge,
  Button,
  Card,
  EmptyState,
  ErrorState,
  Field,
  Link,
  Spinner,
} from "../../ui/index.ts";
import { useApiResult } from "../../ui/query.tsx";
import { DEFAULT_ADDRESS, locate, setDeliveryPoint, useDeliveryPoint } from "./location.ts";
import { api } from "./session.ts";

/** How far "near me" looks: a city's delivery radius. */
const NEARBY_RADIUS_M = 10_000;

type Listing = {
  id: string;
  name: string;
  cuisine: string;
  description: string;
  openNow: boolean;
  paused: boolean;
  distanceM: number | undefined;
  dishes: string[];
};

/** Discovery: nearby restaurants, a search over restaurants and dishes, cuisine filters. */
export function DiscoverPage() {
  const saved = useDeliveryPoint();
  const point = saved ?? { lat: DEFAULT_ADDRESS.lat, lng: DEFAULT_ADDRESS.lng };
  const [locating, setLocating] = useState(false);
  const [locateProblem, setLocateProblem] = useState<string | null>(null);
  const [query, setQuery] = useState("");
  const [cuisine, setCuisine] = useState<string | null>(null);

  const listings = useApiResult<Listing[]>(["discover", point.lat, point.lng, query, cuisine], () =>
    find(point, query, cuisine),
  );
  const [cuisines, setCuisines] = useState<string[]>([]);
  const shown = listings.data ?? [];
  const known = useMemo(() => {
    const all = new Set([...cuisines, ...shown.map((r) => r.cuisine)]);
    return [...all].sort();
  }, [cuisines, shown]);
  if (known.length > cuisines.length) setCuisines(known);

  const search = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setQuery(String(new FormData(event.currentTarget).get("q") ?? "").trim());
  };
  const nearMe = async () => {
    setLocating(true);
    setLocateProblem(null);
    const found = await locate();
    setLocating(false);
    if (found.ok) setDeliveryPoint(found.point);
    else setLocateProblem(found.message);
  };

  return (
    <div className="stack">
      <h1>What are you hungry for?</h1>
      <search>
        <form className="row" onSubmit={search} style={{ alignItems: "end" }}>
          <Field label="Search restaurants and dishes" name="q" type="search" className="grow" />
          <Button type="submit">Search</Button>
        </form>
      </search>
      <div className="row">
        <Button variant="secondary" size="small" onClick={nearMe} busy={locating}>
          Near me
        </Button>
        <span className="muted" role="status">
          {saved?.source === "located"
            ? "Showing places near you"
            : saved
              ? "Showing places near your pinned spot"
              : "Showing places near downtown Austin"}
        </span>
      </div>
      {locateProblem ? (
        <p role="alert" className="ui-notice ui-notice--danger" data-testid="locate-problem">
          Could not find you: {locateProblem} Showing places near{" "}
          {saved ? "the last place you chose" : "downtown Austin"} instead.
        </p>
      ) : null}
      <fieldset className="row" style={{ border: 0, padding: 0, margin: 0 }}>
        <legend className="sr-only">Cuisine</legend>
        <Button
          size="small"
          variant={cuisine === null ? "primary" : "secondary"}
          aria-pressed={cuisine === null}
          onClick={() => setCuisine(null)}
        >
          All
        </Button>
        {cuisines.map((c) => (
          <Button
            key={c}
            size="small"
            variant={cuisine === c ? "primary" : "secondary"}
            aria-pressed={cuisine === c}
            onClick={() => setCuisine(cuisine === c ? null : c)}
          >
            {c}
          </Button>
        ))}
      </fieldset>
      {listings.isPending ? <Spinner label="Finding restaurants" /> : null}
      {listings.isError ? (
        <ErrorState message={listings.error.message} onRetry={() => void listings.refetch()} />
      ) : null}
      {listings.isSuccess && listings.data.length === 0 ? (
        <EmptyState title="Nothing found">
          Try another search or cuisine, or look further from here.
        </EmptyState>
      ) : null}
      <ul className="stack" style={{ listStyle: "none", padding: 0, margin: 0 }}>
        {shown.map((r) => (
          <Card as="li" key={r.id} data-testid="restaurant-card">
            <div className="spread">
              <h2 style={{ margin: 0 }}>
                <Link to={`/r/${r.id}`}>{r.name}</Link>
              </h2>
              {r.paused ? (
                <Badge tone="warning">Paused</Badge>
              ) : r.openNow ? (
                <Badge tone="success">Open</Badge>
              ) : (
                <Badge>Closed</Badge>
              )}
            </div>
            <p className="muted" style={{ margin: "4px 0" }}>
              {r.cuisine}
              {r.distanceM !== undefined ? ` · ${(r.distanceM / 1000).toFixed(1)} km` : ""}
            </p>
            {r.dishes.length > 0 ? <p>Dishes: {r.dishes.join(", ")}</p> : null}
          </Card>
        ))}
      </ul>
    </div>
  );
}

async function find(
  point: { lat: number; lng: number },
  query: string,
  cuisine: string | null,
): Promise<ApiResult<Listing[]>> {
  const params = new URLSearchParams({ lat: String(point.lat), lng: String(point.lng) });
  if (cuisine) params.set("cuisine", cuisine);
  if (query) {
    params.set("q", query);
    const found = await api.get<SearchResults>(`/api/search?${params}`);
    if (!found.ok) return found;
    return {
      ok: true,
      value: found.value.results.map((hit) => ({
        id: hit.id,
        name: hit.name,
        cuisine: hit.cuisine,
        description: hit.description,
        openNow: hit.openNow,
        paused: hit.paused,
        distanceM: hit.distanceM,
        dishes: hit.matchedDishes.map((d) => d.name),
      })),
    };
  }
  params.set("radiusM", String(NEARBY_RADIUS_M));
  const nearby = await api.get<{ restaurants: RestaurantSummary[] }>(`/api/restaurants?${params}`);
  if (!nearby.ok) return nearby;
  return {
    ok: true,
    value: nearby.value.restaurants.map((r) => ({
      id: r.id,
      name: r.name,
      cuisine: r.cuisine,
      description: r.description,
      openNow: r.openNow,
      paused: false,
      distanceM: r.distanceM,
      dishes: [],
    })),
  };
}
