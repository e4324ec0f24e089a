import { type FormEvent, useRef, useState } from "react";
import type { MenuItem, RestaurantWithMenu } from "../../../schema/catalog.ts";
import { Badge, Button, Card, EmptyState, ErrorState, Spinner, useToast } from "../../ui/index.ts";
import { formatCents } from "../../ui/money.ts";
import { useApiQuery } from "../../ui/query.tsx";
import { addLine } from "./cart.ts";
import { api } from "./session.ts";

/** A restaurant's menu: categories, items with their availability, modifiers chosen in a dialog. */
export default function RestaurantPage({ id }: { id: string }) {
  const query = useApiQuery<RestaurantWithMenu>(api, `/api/restaurants/${id}`);
  const [choosing, setChoosing] = useState<MenuItem | null>(null);
  const toast = useToast();

  if (query.isPending) return <Spinner label="Loading the menu" />;
  if (query.isError) {
    return <ErrorState message={query.error.message} onRetry={() => void query.refetch()} />;
  }
  const restaurant = query.data;
  const add = (item: MenuItem, modifiers: { groupId: string; optionIds: string[] }[]) => {
    const names = item.modifierGroups.flatMap((g) =>
      g.options.filter((o) => modifiers.some((m) => m.optionIds.includes(o.id))).map((o) => o.name),
    );
    addLine(restaurant.id, restaurant.name, {
      lineId: crypto.randomUUID(),
      itemId: item.id,
      quantity: 1,
      modifiers,
      name: item.name,
      choices: names,
    });
    toast.show(`Added ${item.name} to your cart`);
  };

  return (
    <div className="stack">
      <div>
        <div className="spread">
          <h1 style={{ margin: 0 }}>{restaurant.name}</h1>
          {restaurant.openNow ? <Badge tone="success">Open</Badge> : <Badge>Closed</Badge>}
        </div>
        <p className="muted">
          {restaurant.cuisine} · {restaurant.address} · about {restaurant.prepMinutes} min to
          prepare
        </p>
        {restaurant.description ? <p>{restaurant.description}</p> : null}
      </div>
      {restaurant.menu.length === 0 ? <EmptyState title="No menu yet" /> : null}
      {restaurant.menu.map((category) => (
        <section key={category.id} aria-labelledby={`c-${category.id}`} className="stack">
          <h2 id={`c-${category.id}`}>{category.name}</h2>
          <ul className="stack" style={{ listStyle: "none", padding: 0, margin: 0 }}>
            {category.items.map((item) => (
              <Card as="li" key={item.id} data-testid="menu-item">
                <div className="spread">
                  <div>
                    <h3 style={{ margin: 0 }}>{item.name}</h3>
                    <p className="muted" style={{ margin: "2px 0" }}>
                      {item.description}
                    </p>
                    <span className="money">{formatCents(item.priceCents)}</span>{" "}
                    {item.available ? null : <Badge tone="danger">Unavailable</Badge>}
                  </div>
                  <Button
                    size="small"
                    disabled={!item.available || !restaurant.openNow}
                    aria-label={`Add ${item.name}`}
                    onClick={() =>
                      item.modifierGroups.length > 0 ? setChoosing(item) : add(item, [])
                    }
                  >
                    Add
                  </Button>
                </div>
              </Card>
            ))}
          </ul>
        </section>
      ))}
      {choosing ? (
        <ModifierDialog
          item={choosing}
          onClose={() => setChoosing(null)}
          onAdd={(modifiers) => {
            add(choosing, modifiers);
            setChoosing(null);
          }}
        />
      ) : null}
    </div>
  );
}

/** The item's modifier groups, each holding the customer to its min and max choices. */
function ModifierDialog({
  item,
  onClose,
  onAdd,
}: {
  item: MenuItem;
  onClose(): void;
  onAdd(modifiers: { groupId: string; optionIds: string[] }[]): void;
}) {
  const [picked, setPicked] = useState<Record<string, string[]>>({});
  const dialog = useRef<HTMLDialogElement>(null);
  const open = (element: HTMLDialogElement | null) => {
    dialog.current = element;
    if (element && !element.open) element.showModal();
  };
  const missing = item.modifierGroups.filter((g) => (picked[g.id]?.length ?? 0) < g.minChoices);

  const toggle = (groupId: string, optionId: string, max: number) => {
    setPicked((current) => {
      const chosen = current[groupId] ?? [];
      if (max === 1) return { ...current, [groupId]: [optionId] };
      if (chosen.includes(optionId))
        return { ...current, [groupId]: chosen.filter((id) => id !== optionId) };
      if (chosen.length >= max) return current;
      return { ...current, [groupId]: [...chosen, optionId] };
    });
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (missing.length > 0) return;
    onAdd(
      Object.entries(picked)
        .filter(([, ids]) => ids.length > 0)
        .map(([groupId, optionIds]) => ({ groupId, optionIds })),
    );
  };

  return (
    <dialog ref={open} className="ui-dialog" aria-labelledby="modifier-title" onClose={onClose}>
      <form className="stack" onSubmit={submit}>
        <h2 id="modifier-title">{item.name}</h2>
        {item.modifierGroups.map((group) => {
          const chosen = picked[group.id] ?? [];
          const rule =
            group.minChoices === 0
              ? `optional, up to ${group.maxChoices}`
              : group.minChoices === group.maxChoices
                ? `choose ${group.minChoices}`
                : `choose ${group.minChoices} to ${group.maxChoices}`;
          return (
            <fieldset key={group.id} className="ui-group">
              <legend>
                {group.name} <span className="muted">({rule})</span>
              </legend>
              {group.options.map((option) => (
                <label key={option.id} className="ui-choice">
                  <input
                    type={group.maxChoices === 1 ? "radio" : "checkbox"}
                    name={group.id}
                    checked={chosen.includes(option.id)}
                    disabled={
                      !option.available ||
                      (group.maxChoices > 1 &&
                        !chosen.includes(option.id) &&
                        chosen.length >= group.maxChoices)
                    }
                    onChange={() => toggle(group.id, option.id, group.maxChoices)}
                  />
                  {option.name}
                  {option.priceCents ? ` +${formatCents(option.priceCents)}` : ""}
                  {option.available ? "" : " (unavailable)"}
                </label>
              ))}
            </fieldset>
          );
        })}
        {missing.length > 0 ? (
          <p className="muted" aria-live="polite">
            Still to choose: {missing.map((g) => g.name).join(", ")}
          </p>
        ) : null}
        <div className="row">
          <Button type="submit" disabled={missing.length > 0}>
            Add to cart
          </Button>
          <Button variant="secondary" onClick={() => dialog.current?.close()}>
            Cancel
          </Button>
        </div>
      </form>
    </dialog>
  );
}
