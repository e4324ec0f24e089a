import { useEffect, useState } from "react";
import type { Session } from "../../../schema/auth.ts";
import { Api } from "../../ui/api.ts";

/** The kitchen app's one API client; its session is a staff member's. */
export const api = new Api("restaurant");

export function useSession(): Session | null {
  const [session, setSession] = useState(api.current);
  useEffect(() => api.subscribe(setSession), []);
  return session;
}
