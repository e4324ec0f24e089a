import { Api } from "../../ui/api.ts";
import { useSessionOf } from "../../ui/session.ts";

/** The admin app's one API client (and so its one session). */
export const api = new Api("admin");

export function useSession() {
  return useSessionOf(api);
}
