import type { TestProject } from "vitest/node";
import { setupEdge } from "./edge.ts";

export default (project: TestProject) => setupEdge(project, "postgres");
