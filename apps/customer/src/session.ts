import { Api } from "../../ui/api.ts";
import { useSessionOf } from "../../ui/session.ts";

/** The customer app's one API client (and so its one session). */
export const api = new Api("customer");

export function useSession() {
  return useSessionOf(api);
}
