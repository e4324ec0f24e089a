import { useEffect, useState } from "react";
import type { Session } from "../../../schema/auth.ts";
import { Api } from "../../ui/api.ts";

/** The admin app's one API client; its session is an admin's. */
export const api = new Api("admin");

export function useSession(): Session | null {
  const [session, setSession] = useState(api.current);
  useEffect(() => api.subscribe(setSession), []);
  return session;
}
