import "../../ui/tokens.css";
import { mountApp } from "../../ui/mount.tsx";
import { App } from "./App.tsx";

mountApp("/admin/", App);
