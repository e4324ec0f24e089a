import { type FormEvent, useEffect, useState } from "react";
import type {
  ItemBody,
  MenuItem,
  RestaurantWithMenu,
  UpdateItemBody,
} from "../../../schema/catalog.ts";
import {
  Badge,
  Button,
  Card,
  EmptyState,
  ErrorState,
  Field,
  Input,
  Spinner,
  useToast,
} from "../../ui/index.ts";
import { formatCents } from "../../ui/money.ts";
import { api } from "./session.ts";

type Load =
  | { state: "loading" }
  | { state: "error"; message: string }
  | { state: "ready"; menu: RestaurantWithMenu };

/** Dollars typed by staff to integer cents; NaN when it is not an amount. */
function toCents(dollars: string): number {
  const value = Number(dollars);
  return Number.isFinite(value) && value >= 0 ? Math.round(value * 100) : Number.NaN;
}

/** The menu editor: prices, availability, modifiers, new items. Saved item by item. */
export default function MenuPage({ restaurantId }: { restaurantId: string }) {
  const [load, setLoad] = useState<Load>({ state: "loading" });
  const [version, setVersion] = useState(0);
  const toast = useToast();

  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` re-runs the load.
  useEffect(() => {
    let live = true;
    void api.get<RestaurantWithMenu>(`/api/restaurants/${restaurantId}`).then((result) => {
      if (live)
        setLoad(
          result.ok
            ? { state: "ready", menu: result.value }
            : { state: "error", message: result.error.message },
        );
    });
    return () => {
      live = false;
    };
  }, [restaurantId, version]);
  const reload = () => setVersion((v) => v + 1);

  const patch = async (item: MenuItem, change: UpdateItemBody, done: string) => {
    const result = await api.post(
      `/api/restaurants/${restaurantId}/menu/items/${item.id}`,
      change,
      "PATCH",
    );
    if (!result.ok) toast.show(result.error.message, "error");
    else {
      toast.show(done);
      reload();
    }
  };

  if (load.state === "loading") return <Spinner label="Loading the menu" />;
  if (load.state === "error") return <ErrorState message={load.message} onRetry={reload} />;
  const { menu } = load.menu;
  return (
    <div className="stack">
      <h1>Menu</h1>
      {menu.length === 0 ? <EmptyState title="No categories yet" /> : null}
      {menu.map((category) => (
        <section key={category.id} aria-labelledby={`cat-${category.id}`} className="stack">
          <h2 id={`cat-${category.id}`}>{category.name}</h2>
          {category.items.map((item) => (
            <ItemEditor
              key={item.id}
              item={item}
              restaurantId={restaurantId}
              patch={patch}
              onChanged={reload}
            />
          ))}
        </section>
      ))}
      <NewItem restaurant={load.menu} onCreated={reload} />
    </div>
  );
}

function ItemEditor({
  item,
  restaurantId,
  patch,
  onChanged,
}: {
  item: MenuItem;
  restaurantId: string;
  patch(item: MenuItem, change: UpdateItemBody, done: string): Promise<void>;
  onChanged(): void;
}) {
  const [price, setPrice] = useState((item.priceCents / 100).toFixed(2));
  const [editingGroups, setEditingGroups] = useState(false);
  const toast = useToast();
  const cents = toCents(price);

  const setOption = async (optionId: string, available: boolean) => {
    const result = await api.post(
      `/api/restaurants/${restaurantId}/menu/options/${optionId}/availability`,
      { available },
      "PUT",
    );
    if (!result.ok) toast.show(result.error.message, "error");
    else onChanged();
  };

  return (
    <Card as="article" aria-label={item.name}>
      <div className="spread">
        <h3 style={{ margin: 0 }}>
          {item.name} {item.available ? null : <Badge tone="danger">Unavailable</Badge>}
        </h3>
        <Button
          size="small"
          variant={item.available ? "secondary" : "primary"}
          onClick={() =>
            patch(
              item,
              { available: !item.available },
              `${item.name} is ${item.available ? "unavailable" : "available"}`,
            )
          }
        >
          {item.available ? "Mark unavailable" : "Mark available"}
        </Button>
      </div>
      <form
        className="row"
        style={{ marginTop: 8 }}
        onSubmit={(e) => {
          e.preventDefault();
          if (Number.isFinite(cents))
            void patch(item, { priceCents: cents }, `${item.name} now costs ${formatCents(cents)}`);
        }}
      >
        <label htmlFor={`price-${item.id}`}>Price ($)</label>
        <Input
          id={`price-${item.id}`}
          inputMode="decimal"
          value={price}
          onChange={(e) => setPrice(e.target.value)}
          aria-invalid={!Number.isFinite(cents) || undefined}
          style={{ width: 110 }}
        />
        <Button
          type="submit"
          size="small"
          disabled={!Number.isFinite(cents) || cents === item.priceCents}
        >
          Save price
        </Button>
        <Button
          size="small"
          variant="ghost"
          aria-expanded={editingGroups}
          onClick={() => setEditingGroups(!editingGroups)}
        >
          Modifiers ({item.modifierGroups.length})
        </Button>
      </form>
      {item.modifierGroups.map((group) => (
        <fieldset key={group.id} className="ui-group" style={{ marginTop: 8 }}>
          <legend>
            {group.name}{" "}
            <span className="muted">
              (choose {group.minChoices}–{group.maxChoices})
            </span>
          </legend>
          {group.options.map((option) => (
            <label key={option.id} className="ui-choice">
              <input
                type="checkbox"
                checked={option.available}
                onChange={() => setOption(option.id, !option.available)}
              />
              {option.name} {option.priceCents ? `+${formatCents(option.priceCents)}` : ""}{" "}
              <span className="muted">{option.available ? "available" : "unavailable"}</span>
            </label>
          ))}
        </fieldset>
      ))}
      {editingGroups ? (
        <GroupsEditor
          item={item}
          onSave={(modifierGroups) =>
            patch(item, { modifierGroups }, `Saved ${item.name}'s modifiers`).then(() =>
              setEditingGroups(false),
            )
          }
        />
      ) : null}
    </Card>
  );
}

type GroupBody = NonNullable<UpdateItemBody["modifierGroups"]>[number];
/** A group being edited: keyed rows, and prices as the text staff type. */
type OptionDraft = { key: string; name: string; price: string; available: boolean };
type GroupDraft = {
  key: string;
  name: string;
  minChoices: number;
  maxChoices: number;
  options: OptionDraft[];
};

const newOption = (): OptionDraft => ({
  key: crypto.randomUUID(),
  name: "",
  price: "0.00",
  available: true,
});

/** Edits an item's modifier groups as a whole; saving replaces them. */
function GroupsEditor({
  item,
  onSave,
}: {
  item: MenuItem;
  onSave(groups: GroupBody[]): Promise<void>;
}) {
  const [groups, setGroups] = useState<GroupDraft[]>(
    item.modifierGroups.map((g) => ({
      key: g.id,
      name: g.name,
      minChoices: g.minChoices,
      maxChoices: g.maxChoices,
      options: g.options.map((o) => ({
        key: o.id,
        name: o.name,
        price: (o.priceCents / 100).toFixed(2),
        available: o.available,
      })),
    })),
  );
  const update = (key: string, change: Partial<GroupDraft>) =>
    setGroups(groups.map((g) => (g.key === key ? { ...g, ...change } : g)));
  const setOption = (group: GroupDraft, key: string, change: Partial<OptionDraft>) =>
    update(group.key, {
      options: group.options.map((o) => (o.key === key ? { ...o, ...change } : o)),
    });
  const valid = groups.every(
    (g) =>
      g.name.trim() &&
      g.options.length > 0 &&
      g.minChoices <= g.maxChoices &&
      g.minChoices <= g.options.length &&
      g.options.every((o) => o.name.trim() && Number.isFinite(toCents(o.price))),
  );
  const save = () =>
    onSave(
      groups.map((g) => ({
        name: g.name.trim(),
        minChoices: g.minChoices,
        maxChoices: g.maxChoices,
        options: g.options.map((o) => ({
          name: o.name.trim(),
          priceCents: toCents(o.price),
          available: o.available,
        })),
      })),
    );
  return (
    <form
      className="stack"
      style={{ marginTop: 8 }}
      onSubmit={(e) => {
        e.preventDefault();
        if (valid) void save();
      }}
    >
      {groups.map((group, gi) => (
        <fieldset key={group.key} className="ui-group stack">
          <legend>Group {gi + 1}</legend>
          <div className="row">
            <Field
              label="Name"
              value={group.name}
              onChange={(e) => update(group.key, { name: e.target.value })}
            />
            <Field
              label="Min"
              type="number"
              min={0}
              value={group.minChoices}
              onChange={(e) =>
                update(group.key, {
                  minChoices: Math.max(0, Math.floor(Number(e.target.value) || 0)),
                })
              }
              style={{ width: 80 }}
            />
            <Field
              label="Max"
              type="number"
              min={1}
              value={group.maxChoices}
              onChange={(e) =>
                update(group.key, {
                  maxChoices: Math.max(1, Math.floor(Number(e.target.value) || 1)),
                })
              }
              style={{ width: 80 }}
            />
          </div>
          {group.options.map((option, oi) => (
            <div className="row" key={option.key}>
              <Field
                label={`Option ${oi + 1}`}
                value={option.name}
                onChange={(e) => setOption(group, option.key, { name: e.target.value })}
              />
              <Field
                label="Extra ($)"
                inputMode="decimal"
                value={option.price}
                onChange={(e) => setOption(group, option.key, { price: e.target.value })}
                style={{ width: 100 }}
              />
              <Button
                size="small"
                variant="ghost"
                onClick={() =>
                  update(group.key, { options: group.options.filter((o) => o.key !== option.key) })
                }
              >
                Remove option
              </Button>
            </div>
          ))}
          <div className="row">
            <Button
              size="small"
              variant="secondary"
              onClick={() => update(group.key, { options: [...group.options, newOption()] })}
            >
              Add option
            </Button>
            <Button
              size="small"
              variant="ghost"
              onClick={() => setGroups(groups.filter((g) => g.key !== group.key))}
            >
              Remove group
            </Button>
          </div>
        </fieldset>
      ))}
      <div className="row">
        <Button
          size="small"
          variant="secondary"
          onClick={() =>
            setGroups([
              ...groups,
              {
                key: crypto.randomUUID(),
                name: "",
                minChoices: 0,
                maxChoices: 1,
                options: [newOption()],
              },
            ])
          }
        >
          Add group
        </Button>
        <Button type="submit" size="small" disabled={!valid}>
          Save modifiers
        </Button>
      </div>
    </form>
  );
}

function NewItem({ restaurant, onCreated }: { restaurant: RestaurantWithMenu; onCreated(): void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const toast = useToast();
  if (restaurant.menu.length === 0) return null;
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const priceCents = toCents(String(form.get("price") ?? ""));
    if (!Number.isFinite(priceCents)) {
      setError("Enter a price in dollars, e.g. 12.50");
      return;
    }
    const body: Partial<ItemBody> & Pick<ItemBody, "categoryId" | "name" | "priceCents"> = {
      categoryId: String(form.get("category")),
      name: String(form.get("name") ?? "").trim(),
      description: String(form.get("description") ?? ""),
      priceCents,
    };
    setBusy(true);
    setError(null);
    const result = await api.post(`/api/restaurants/${restaurant.id}/menu/items`, body);
    setBusy(false);
    if (!result.ok) {
      setError(result.error.message);
      return;
    }
    formElement.reset();
    toast.show(`Added ${body.name}`);
    onCreated();
  };
  return (
    <Card aria-label="New item">
      <form className="stack" onSubmit={submit}>
        <h2>Add an item</h2>
        <div className="ui-field">
          <label htmlFor="new-category">Category</label>
          <select id="new-category" name="category" className="ui-input">
            {restaurant.menu.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </div>
        <Field label="Name" name="name" required maxLength={120} />
        <Field label="Description" name="description" maxLength={500} />
        <Field label="Price ($)" name="price" inputMode="decimal" required error={error} />
        <Button type="submit" busy={busy}>
          Add item
        </Button>
      </form>
    </Card>
  );
}
