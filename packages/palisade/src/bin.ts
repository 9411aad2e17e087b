#!/usr/bin/env node
import { fileURLToPath } from 'node:url';
import { main } from '@palisade/cli';

const registerPath = fileURLToPath(new URL('./register.js', import.meta.url));
process.exitCode = await main(process.argv.slice(2), { registerPath });
