#!/usr/bin/env node
/** The `vidmae` command: builds the program and runs it on the process's arguments. */
import { buildProgram } from "./program.js";

await buildProgram().parseAsync(process.argv);
