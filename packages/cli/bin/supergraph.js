#!/usr/bin/env node
// Runs the TypeScript sources through tsx, as every package in this repo does; no build step.
import { register } from "tsx/esm/api";

register();
await import("../src/main.ts");
