/**
 * `vidmae serve` as its own program, for the serve tests: the command's code path from argument parsing to signal
 * handling, independent of which commands the main CLI registers.
 */
import { Command } from "commander";
import { registerServe } from "../../src/cli/commands/serve.js";
import { cliIo } from "../../src/cli/run.js";

const program = new Command("vidmae");
registerServe(program, cliIo());
await program.parseAsync();
