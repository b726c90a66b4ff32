#!/usr/bin/env node
/** The `vidmae` command: parses arguments and hands each command to the library. */
import { createProgram } from "./program.js";

await createProgram().parseAsync();
