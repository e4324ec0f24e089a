import { type UseQueryResult, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import type { CreateStaffBody, User } from "../../../schema/auth.ts";
import type { CreateRestaurantBody, RestaurantSummary } from "../../../schema/catalog.ts";
import { Button, Card, ErrorState, Field, Spinner, useToast } from "../../ui/index.ts";
import { type ApiFailure, useApiQuery } from "../../ui/query.tsx";
import { RestaurantsCard } from "./RestaurantsCard.tsx";
import { api } from "./session.ts";
import { UsersCard } from "./UsersCard.tsx";

/** Every day of the week, from 00:00 to 24:00: a new restaurant's hours until its owner sets them. */
const ALL_DAY = [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day, opens: "00:00", closes: "24:00" }));

/** People and places: accounts (new, disabled, enabled) and restaurants (new, paused). */
export default function ManagePage() {
  const restaurants = useApiQuery<{ restaurants: RestaurantSummary[] }>(
    api,
    "/api/restaurants?lat=30.2672&lng=-97.7431&radiusM=20000&limit=100",
  );
  const client = useQueryClient();
  // A new restaurant shows in every list that names restaurants.
  const created = () => void client.invalidateQueries();

  return (
    <div className="stack">
      <h1>Manage</h1>
      <div className="grid" style={{ gridTemplateColumns: "repeat(auto-fit, minmax(320px, 1fr))" }}>
        <StaffForm restaurants={restaurants} />
        <RestaurantForm onCreated={created} />
      </div>
      <UsersCard />
      <RestaurantsCard />
    </div>
  );
}

/** The restaurants a staff account can belong to, as the form's choice needs them. */
type Choices = UseQueryResult<{ restaurants: RestaurantSummary[] }, ApiFailure>;

function StaffForm({ restaurants }: { restaurants: Choices }) {
  const [role, setRole] = useState<"restaurant" | "admin">("restaurant");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const toast = useToast();
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const element = event.currentTarget;
    const form = new FormData(element);
    const body: CreateStaffBody = {
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
      name: String(form.get("name") ?? ""),
      role,
      ...(role === "restaurant" ? { restaurantId: String(form.get("restaurantId") ?? "") } : {}),
    };
    setBusy(true);
    setError(null);
    const result = await api.post<{ user: User }>("/api/admin/users", body);
    setBusy(false);
    if (!result.ok) {
      setError(result.error.message);
      return;
    }
    element.reset();
    toast.show(`Created ${result.value.user.email}`);
  };
  return (
    <Card aria-label="New account">
      <form className="stack" onSubmit={submit}>
        <h2>New staff or admin account</h2>
        <fieldset className="row" style={{ border: 0, padding: 0, margin: 0 }}>
          <legend>Role</legend>
          {(["restaurant", "admin"] as const).map((r) => (
            <label key={r} className="ui-choice">
              <input type="radio" name="role" checked={role === r} onChange={() => setRole(r)} />
              {r === "restaurant" ? "Restaurant staff" : "Admin"}
            </label>
          ))}
        </fieldset>
        {role === "restaurant" && restaurants.isPending ? (
          <Spinner label="Loading the restaurants" />
        ) : null}
        {role === "restaurant" && restaurants.isError ? (
          <ErrorState
            title="The restaurants could not be loaded"
            message={`${restaurants.error.message} A staff account needs one to belong to.`}
            onRetry={() => void restaurants.refetch()}
          />
        ) : null}
        {role === "restaurant" && restaurants.isSuccess ? (
          <div className="ui-field">
            <label htmlFor="staff-restaurant">Restaurant</label>
            <select id="staff-restaurant" name="restaurantId" className="ui-input" required>
              {[...restaurants.data.restaurants]
                .sort((a, b) => a.name.localeCompare(b.name))
                .map((r) => (
                  <option key={r.id} value={r.id}>
                    {r.name}
                  </option>
                ))}
            </select>
          </div>
        ) : null}
        <Field label="Name" name="name" required maxLength={100} />
        <Field label="Email" name="email" type="email" required />
        <Field
          label="Password"
          name="password"
          type="password"
          minLength={10}
          required
          hint="At least 10 characters."
          error={error}
        />
        <Button type="submit" busy={busy}>
          Create account
        </Button>
      </form>
    </Card>
  );
}

function RestaurantForm({ onCreated }: { onCreated(): void }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const toast = useToast();
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const element = event.currentTarget;
    const form = new FormData(element);
    const text = (name: string) => String(form.get(name) ?? "").trim();
    const body: Partial<CreateRestaurantBody> & Record<string, unknown> = {
      slug: text("slug"),
      name: text("name"),
      cuisine: text("cuisine"),
      address: text("address"),
      location: { lat: Number(text("lat")), lng: Number(text("lng")) },
      timezone: "America/Chicago",
      openingHours: ALL_DAY,
      prepMinutes: Number(text("prepMinutes")) || 15,
    };
    setBusy(true);
    setError(null);
    const result = await api.post("/api/restaurants", body);
    setBusy(false);
    if (!result.ok) {
      setError(result.error.message);
      return;
    }
    element.reset();
    toast.show(`Added ${body.name}`);
    onCreated();
  };
  return (
    <Card aria-label="New restaurant">
      <form className="stack" onSubmit={submit}>
        <h2>New restaurant</h2>
        <Field label="Name" name="name" required />
        <Field
          label="Slug"
          name="slug"
          required
          pattern="[a-z0-9]+(-[a-z0-9]+)*"
          hint="lowercase-with-dashes"
        />
        <Field label="Cuisine" name="cuisine" required />
        <Field label="Address" name="address" required />
        <div className="row">
          <Field label="Latitude" name="lat" inputMode="decimal" defaultValue="30.2672" required />
          <Field
            label="Longitude"
            name="lng"
            inputMode="decimal"
            defaultValue="-97.7431"
            required
          />
          <Field
            label="Prep minutes"
            name="prepMinutes"
            type="number"
            min={1}
            max={180}
            defaultValue={15}
          />
        </div>
        {error ? (
          <p role="alert" style={{ color: "var(--color-danger)", margin: 0 }}>
            {error}
          </p>
        ) : null}
        <Button type="submit" busy={busy}>
          Add restaurant
        </Button>
      </form>
    </Card>
  );
}
