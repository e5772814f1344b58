/** `tsvs realserver ARGS` as a process for the namespace tests (run with ip netns exec). */
import { realserverCommand } from '../../src/cli/realserver.js';

process.exitCode = await realserverCommand(process.argv.slice(2));
