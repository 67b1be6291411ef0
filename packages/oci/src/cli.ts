#!/usr/bin/env node
// `chart-push --help` is answered before the commands' modules load, so it starts about as fast as Node itself
import { writeStdout } from '@chart-release/core/help';
import { HELP } from './cli-help.ts';

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h')) writeStdout(HELP);
else await import('./cli-main.ts');
