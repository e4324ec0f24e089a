import type { OrderStatus } from "../../../schema/orders.ts";
import type { BadgeTone } from "../../ui/index.ts";

const LABELS: Record<OrderStatus, string> = {
  placed: "Placed",
  accepted: "Accepted",
  rejected: "Rejected",
  preparing: "Preparing",
  ready: "Ready for pickup",
  picked_up: "On the way",
  delivered: "Delivered",
  cancelled: "Cancelled",
};

export function statusLabel(status: OrderStatus): string {
  return LABELS[status];
}

export function statusTone(status: OrderStatus): BadgeTone {
  if (status === "delivered") return "success";
  if (status === "rejected" || status === "cancelled") return "danger";
  if (status === "placed") return "warning";
  return "info";
}
